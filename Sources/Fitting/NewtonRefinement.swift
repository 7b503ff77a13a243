import LinearAlgebra

/// Damped Newton refinement of a smooth objective from a point near its minimum, with the Hessian
/// taken by central differences of the analytic gradient (2k gradient evaluations for k
/// parameters). It is one stage of the final polish of every fit, beside L-BFGS.
///
/// Why both: on a flat valley (a Hessian condition number of 1e12 is common when the irreducible
/// loss E is small) L-BFGS can stall a visible distance short of the minimum, because its
/// curvature pairs do not resolve the flat direction at double precision; a Newton step with the
/// whole Hessian, solved through the SVD of its Jacobi-scaled form (LAPACK `dgelsd`), walks down
/// the valley in a few steps. With k ≤ 10 parameters the difference Hessian costs a handful of
/// gradient evaluations, so a step costs what two or three L-BFGS iterations do. For the Huber
/// objective (whose Hessian jumps where a residual crosses δ) the differences average the jump,
/// which is what a generalised Newton step wants.
public struct NewtonRefinement: Sendable {
  public struct Options: Sendable {
    public var maxIterations = 50
    /// Stop when the decrease the quadratic model predicts, ½ gᵀH⁻¹g, is at most this relative to
    /// |f|, or when an accepted step lowers f by no more than this, relatively.
    public var functionTolerance = 1e-15
    /// Stop when ‖∇f‖∞ is below this.
    public var gradientTolerance = 1e-11
    /// When no step lowers f, the point counts as a minimum if ‖∇f‖∞ is below this.
    public var stallGradientTolerance = 1e-6
    /// Relative difference step for the Hessian.
    public var differenceStep = 1e-5
    public init() {}
  }

  public var options: Options

  public init(options: Options = Options()) {
    self.options = options
  }

  /// Minimises `f` from `start`. `f(x, &g)` returns f(x) and writes ∇f(x) into `g`.
  public func minimize(
    start: [Double], _ f: GradientObjective
  ) -> MinimizationResult {
    let k = start.count
    var at = Iterate(start: start, f)
    guard at.isFinite else { return at.result(.nonFiniteStart, 0) }
    var gPlus = at.g, gMinus = at.g
    for iteration in 0..<options.maxIterations {
      if at.g.allSatisfy({ abs($0) <= options.gradientTolerance }) {
        return at.result(.convergedGradient, iteration)
      }
      // Central-difference Hessian, symmetrised.
      var H = Matrix(rows: k, columns: k)
      var finite = true
      for j in 0..<k {
        let h = options.differenceStep * max(1, abs(at.x[j]))
        var xp = at.x, xm = at.x
        xp[j] += h
        xm[j] -= h
        let fp = f(xp, &gPlus), fm = f(xm, &gMinus)
        at.evaluations += 2
        if !fp.isFinite || !fm.isFinite { finite = false }
        for i in 0..<k { H[i, j] = (gPlus[i] - gMinus[i]) / (2 * h) }
      }
      guard finite else { return at.result(.lineSearchFailed, iteration) }
      for i in 0..<k {
        for j in 0..<i {
          let v = 0.5 * (H[i, j] + H[j, i])
          H[i, j] = v
          H[j, i] = v
        }
      }
      // Newton direction on the Jacobi-scaled Hessian; Levenberg damping μ·diag until it is a
      // direction of descent with a positive model decrease.
      var scale = [Double](repeating: 1, count: k)
      for j in 0..<k {
        let d = abs(H[j, j])
        scale[j] = d > 0 ? 1 / d.squareRoot() : 1
      }
      var direction: [Double]? = nil
      var predicted = 0.0
      var mu = 0.0
      for _ in 0..<20 {
        var S = Matrix(rows: k, columns: k)
        for i in 0..<k {
          for j in 0..<k { S[i, j] = H[i, j] * scale[i] * scale[j] }
          S[i, i] += mu
        }
        let rhs = (0..<k).map { -at.g[$0] * scale[$0] }
        if let sol = try? S.leastSquares(rhs, rcond: 1e-14).solution, sol.allSatisfy({ $0.isFinite }) {
          let d = (0..<k).map { sol[$0] * scale[$0] }
          var slope = 0.0
          for i in 0..<k { slope += at.g[i] * d[i] }
          // Model decrease −(gᵀd + ½ dᵀHd).
          var dHd = 0.0
          for i in 0..<k { for j in 0..<k { dHd += d[i] * H[i, j] * d[j] } }
          let dec = -(slope + 0.5 * dHd)
          if slope < 0 && dec > 0 {
            direction = d
            predicted = dec
            break
          }
        }
        mu = mu == 0 ? 1e-8 : mu * 10
      }
      guard let d = direction else { return at.result(.lineSearchFailed, iteration) }
      if predicted <= options.functionTolerance * abs(at.fx) {
        return at.result(.convergedFunction, iteration)
      }
      // Backtracking from the full step.
      var t = 1.0
      var accepted = false
      for _ in 0..<30 {
        let trial = (0..<k).map { at.x[$0] + t * d[$0] }
        let ft = f(trial, &gPlus)
        at.evaluations += 1
        if ft.isFinite && ft < at.fx && gPlus.allSatisfy({ $0.isFinite }) {
          let gain = at.fx - ft
          at.x = trial
          at.fx = ft
          at.g = gPlus
          accepted = true
          if gain <= options.functionTolerance * abs(at.fx) {
            return at.result(.convergedFunction, iteration + 1)
          }
          break
        }
        t *= 0.5
      }
      if !accepted {
        let stalled = at.g.allSatisfy { abs($0) <= options.stallGradientTolerance }
        return at.result(stalled ? .convergedStalled : .lineSearchFailed, iteration)
      }
    }
    return at.result(.maxIterations(options.maxIterations), options.maxIterations)
  }
}
