/// What a bootstrap resamples.
public enum BootstrapUnit: String, Sendable, CaseIterable, Codable {
  /// Individual points (final-loss files).
  case point
  /// Whole runs (every checkpoint of a drawn run): checkpoints of one run are correlated.
  case run
  /// Whole model sizes (every point sharing one N).
  case group
}

/// How each resample is refitted.
public enum BootstrapSearch: String, Sendable, CaseIterable, Codable {
  /// The same global search as the main fit.
  case global
  /// One local L-BFGS run from the main fit's optimum (cheap; can understate uncertainty).
  case local
}

public struct BootstrapOptions: Sendable {
  public var resamples: Int
  public var seed: UInt64
  public var confidence: Double = 0.95
  /// nil: `run` when the data have runs with several points, else `point`.
  public var unit: BootstrapUnit? = nil
  public var search: BootstrapSearch = .global
  /// Called with the number of resamples done (from any thread).
  public var progress: (@Sendable (Int) -> Void)? = nil

  public init(resamples: Int, seed: UInt64) {
    self.resamples = resamples
    self.seed = seed
  }
}
