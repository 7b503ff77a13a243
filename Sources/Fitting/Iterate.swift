/// An objective with its gradient: `f(x, &g)` returns f(x) and writes ∇f(x) into `g`.
public typealias GradientObjective = (_ x: [Double], _ gradient: inout [Double]) -> Double

/// Where a local minimiser (L-BFGS, damped Newton) stands: the point, f and ∇f there, and the
/// objective evaluations so far; the start both share and the result both return.
struct Iterate {
  var x: [Double]
  var fx: Double
  var g: [Double]
  var evaluations: Int

  /// f and ∇f at `start` (one evaluation).
  init(start: [Double], _ f: GradientObjective) {
    x = start
    g = [Double](repeating: 0, count: start.count)
    fx = f(x, &g)
    evaluations = 1
  }

  /// Whether f and every component of ∇f are finite.
  var isFinite: Bool { fx.isFinite && g.allSatisfy { $0.isFinite } }

  func result(_ termination: Termination, _ iterations: Int) -> MinimizationResult {
    MinimizationResult(
      parameters: x, objective: fx, gradient: g, iterations: iterations, evaluations: evaluations,
      termination: termination)
  }
}
