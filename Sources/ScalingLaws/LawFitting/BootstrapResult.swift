import LinearAlgebra

/// Bootstrap uncertainty for one fit: every resample's parameters and the summaries of them.
public struct BootstrapResult: Sendable {
  public var resamples: Int
  public var seed: UInt64
  public var unit: BootstrapUnit
  public var search: BootstrapSearch
  public var confidence: Double
  /// Resamples whose refit did not converge (excluded from the summaries).
  public var failed: Int
  public var parameterNames: [String]
  /// Reported parameters of each successful resample, in resample order.
  public var samples: [[Double]]
  /// Percentile intervals per parameter.
  public var intervals: [(Double, Double)]
  /// A robust standard error of each parameter over the resamples: 1.4826 × the median absolute
  /// deviation from the median (the standard deviation for normal scatter; a few resamples that
  /// run off to a corner cannot inflate it, as they did the plain standard deviation: one
  /// resample at A = 5e109 made it 3.75e108).
  public var standardErrors: [Double]
  public var covariance: Matrix
  /// Resamples with a parameter at a bound of the law's search range.
  public var atBound: Int = 0
  /// Resamples that diverged: a parameter not finite, a positive one above 1,000 times its
  /// median, another more than 10 robust standard errors from it (kept in the samples
  /// and the percentiles; named in a warning).
  public var outlying: Int = 0
  /// Derived quantities (Chinchilla: a, b, tokens per parameter at budgets) with intervals.
  public var derived: [DerivedQuantity]
}

/// A quantity computed from each resample: its value at the main fit and its interval.
public struct DerivedQuantity: Sendable {
  public var name: String
  public var value: Double
  public var interval: (Double, Double)
}
