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
  /// Standard deviation of each parameter over the resamples.
  public var standardErrors: [Double]
  public var covariance: Matrix
  /// Derived quantities (Chinchilla: a, b, tokens per parameter at budgets) with intervals.
  public var derived: [DerivedQuantity]
}

/// A quantity computed from each resample: its value at the main fit and its interval.
public struct DerivedQuantity: Sendable {
  public var name: String
  public var value: Double
  public var interval: (Double, Double)
}
