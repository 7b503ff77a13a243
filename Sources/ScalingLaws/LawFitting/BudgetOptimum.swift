/// The compute-optimal point found at one budget.
public struct BudgetOptimum: Sendable {
  public var flops: Double
  public var params: Double
  public var tokens: Double
  public var loss: Double
  /// Points (IsoFLOP) or runs (envelope) that contributed.
  public var points: Int
  /// IsoFLOP: the sampled ln N range and whether the vertex lies inside it.
  public var sampledParams: ClosedRange<Double>? = nil
  public var vertexInRange = true
  /// IsoFLOP: the parabola L = c0 + c1 x + c2 x², x = ln N.
  public var parabola: [Double]? = nil
  /// Used in the exponent fit.
  public var used = true
  /// The (N, loss) points of an IsoFLOP budget (for plots).
  public var samples: [(Double, Double)] = []
  /// Their indices in the dataset.
  public var indices: [Int] = []
}
