/// What `scaling hparams` finds in a sweep: each (N, D) cell's optimum with its curvature, the
/// laws η*(N, D) and B*(N, D) across cells with standard errors and bootstrap intervals, a
/// leave-one-cell-out check, and the warnings.
public struct HyperparameterFit: Sendable {
  /// One (N, D) cell's fitted surface.
  public struct Cell: Sendable {
    public var params: Double
    public var tokens: Double
    public var runs: Int
    /// Runs inside the surface's window.
    public var windowRuns: Int
    public var distinctLearningRates: Int
    public var distinctBatches: Int
    public var bestLoss: Double
    /// The surface's optimum (nil for a part the cell cannot place: fewer than 3 values, or no
    /// interior minimum).
    public var learningRate: Double?
    public var batchTokens: Double?
    /// The surface's loss at its optimum.
    public var optimumLoss: Double
    /// Relative loss penalty of a 2x miss in each (ΔL/L at ln 2).
    public var learningRatePenalty2x: Double?
    public var batchPenalty2x: Double?
    /// The relative curvature (ΔL/L per unit² of ln η, ln B, and their product).
    public var curvature: HyperparameterLaw.Curvature?
    /// Percentile intervals of the optimum from resampling the cell's runs.
    public var learningRateInterval: (Double, Double)? = nil
    public var batchInterval: (Double, Double)? = nil
    /// The tried ranges.
    public var learningRateRange: ClosedRange<Double>
    public var batchRange: ClosedRange<Double>
  }

  /// A cell predicted from the others (the laws refitted without it).
  public struct HeldOut: Sendable {
    public var params: Double
    public var tokens: Double
    public var learningRate: Double
    public var batchTokens: Double?
    /// The held-out cell's own surface's penalty at the predicted setting (ΔL/L).
    public var penalty: Double
  }

  public var file: String
  public var runs: Int
  /// The sweep as read (the report's figures draw its runs).
  public var sweep: HyperparameterSweep
  public var cells: [Cell]
  /// The fitted law (η* and B* with bootstrap samples and the median cell's curvature).
  public var law: HyperparameterLaw
  /// Standard errors of (ln a, N exponent, D exponent) by ordinary least squares across cells;
  /// NaN where the cells leave no residual degrees of freedom.
  public var learningRateErrors: [Double]
  public var batchErrors: [Double]?
  /// Which exponents the batch law has: "D" (B*(D)) or "N,D"; with how each did left out.
  public var batchForm: String
  public var batchFormNote: String
  public var heldOut: [HeldOut]
  public var warnings: [String]
  public var window: Double
  public var minimumRuns: Int
  public var resamples: Int
  public var seed: UInt64
  public var columns: [String: String]

  /// The objective and method, as the text and JSON state it.
  public var method: String {
    "per cell: least squares of the loss on a quadratic in ln eta and ln B (runs within \(number("%g", 100 * window))% of the cell's best, at least \(minimumRuns)); across cells: ordinary least squares of ln eta* and ln B* on ln N and ln D; closed-form solutions (no iteration)"
  }
}
