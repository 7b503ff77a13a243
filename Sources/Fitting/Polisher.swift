/// The final polish every fit ends with, from the point the global search chose: the solver the
/// certified NIST StRD tests run (`FittingTests/NISTTests`), so the tests certify what ships.
///
/// 1. Damped Newton (difference Hessian of the analytic gradient, SVD solve): it walks down flat
///    valleys where L-BFGS stalls short of the minimum (Hessian condition numbers of 1e12), and
///    stops only when the Newton decrement ½gᵀH⁻¹g predicts no decrease above 1e-15 relative, or
///    at ‖g‖∞ ≤ 1e-11.
/// 2. If Newton did not converge: tight L-BFGS, restarted from its own result while the objective
///    still falls by more than 1e-12 relative (at most 5 rounds), then Newton again.
/// Each stage is kept only if it lowers the objective (and converged, or the point before it had
/// not).
public struct Polisher: Sendable {
  /// The tight L-BFGS of the polish (and of the fast search's starts).
  public static var lbfgsOptions: LBFGS.Options {
    var o = LBFGS.Options()
    o.gradientTolerance = 1e-11
    o.functionTolerance = 1e-15
    o.functionScaleFloor = 1e-300
    o.stallGradientTolerance = 1e-6
    o.maxIterations = 20_000
    o.maxEvaluations = 40_000
    return o
  }

  public var newton = NewtonRefinement()
  public var lbfgs = LBFGS(options: Polisher.lbfgsOptions)

  public init() {}

  /// The polished point, with the iterations and evaluations the polish spent. `newtonDone`: the
  /// chosen point already came out of a converged Newton run (skip stage 1).
  public func polish(
    _ chosen: MinimizationResult, newtonDone: Bool = false,
    _ objective: (_ x: [Double], _ gradient: inout [Double]) -> Double
  ) -> (result: MinimizationResult, iterations: Int, evaluations: Int) {
    var final = chosen
    var iterations = 0, evaluations = 0
    func keep(_ r: MinimizationResult) -> Bool {
      iterations += r.iterations
      evaluations += r.evaluations
      guard r.objective <= final.objective && (r.converged || !final.converged) else { return false }
      let improved = r.objective < final.objective
      final = r
      return improved
    }
    var first = chosen
    if !newtonDone {
      first = newton.minimize(start: final.parameters, objective)
      if first.parameters != chosen.parameters || first.objective != chosen.objective {
        _ = keep(first)
      } else if first.converged && !chosen.converged {
        // Newton did not move and certifies the chosen point: it is converged (an L-BFGS line
        // search that failed at the minimum's machine-precision floor is not a failure).
        final = first
      }
      // Otherwise a Newton run that did not move keeps the chosen point and its stopping reason.
    }
    if !first.converged {
      var moved = false
      for _ in 0..<5 {
        let before = final.objective
        guard keep(lbfgs.minimize(start: final.parameters, objective)) else { break }
        moved = true
        if before - final.objective <= 1e-12 * abs(final.objective) { break }
      }
      if moved { _ = keep(newton.minimize(start: final.parameters, objective)) }
    }
    return (final, iterations, evaluations)
  }

  /// The whole production path for one start: L-BFGS with the polish options (what each start of
  /// the fast search runs), then `polish`.
  public func minimize(
    start: [Double], _ objective: (_ x: [Double], _ gradient: inout [Double]) -> Double
  ) -> MinimizationResult {
    polish(lbfgs.minimize(start: start, objective), objective).result
  }
}
