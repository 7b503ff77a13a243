import Foundation

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
  /// IsoFLOP with the shared shape: (c0, c1, c2, x̄, α, β) of L = c0 + c1·e^(−α(x−x̄)) + c2·e^(β(x−x̄)).
  public var shape: [Double]? = nil
  /// Used in the exponent fit.
  public var used = true
  /// The (N, loss) points of an IsoFLOP budget (for plots).
  public var samples: [(Double, Double)] = []
  /// Their indices in the dataset.
  public var indices: [Int] = []

  /// The fitted IsoFLOP curve's loss at x = ln N (nil without one).
  public func profile(atLogParams x: Double) -> Double? {
    if let s = shape { return s[0] + s[1] * exp(-s[4] * (x - s[3])) + s[2] * exp(s[5] * (x - s[3])) }
    if let p = parabola { return p[0] + p[1] * x + p[2] * x * x }
    return nil
  }
}
