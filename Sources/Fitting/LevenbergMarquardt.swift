import LinearAlgebra

/// Levenberg–Marquardt for min ½‖r(p)‖² with Marquardt's diagonal scaling (MINPACK-style:
/// D_j is the largest column norm of J seen so far) and Nielsen's damping update.
/// Each step solves the augmented system [J; √μ D] δ = [−r; 0] with LAPACK `dgelsd`, which
/// avoids forming JᵀJ and so keeps the conditioning of J itself.
public struct LevenbergMarquardt: Sendable {
  public struct Options: Sendable {
    /// Stop when the relative reduction of ‖r‖² (actual and predicted) is below this.
    public var functionTolerance = 1e-15
    /// Stop when ‖D δ‖ ≤ stepTolerance · (‖D p‖ + stepTolerance).
    public var stepTolerance = 1e-15
    /// Stop when the scaled gradient ‖Jᵀr‖∞ / (‖r‖ · max column norm) is below this.
    public var gradientTolerance = 1e-15
    public var maxIterations = 5_000
    /// Initial damping relative to max D².
    public var initialDamping = 1e-3

    public init() {}
  }

  public var options: Options

  public init(options: Options = Options()) {
    self.options = options
  }

  public func minimize(_ problem: LeastSquaresProblem, start: [Double]) throws
    -> MinimizationResult
  {
    let n = problem.parameterCount
    var p = start
    var r = problem.residuals(p)
    var cost = sumOfSquares(r)
    var evaluations = 1
    var J = problem.jacobian(p)
    func gradient() -> [Double] { J.transposeTimes(r) }
    func result(_ t: Termination, _ it: Int) -> MinimizationResult {
      MinimizationResult(
        parameters: p, objective: 0.5 * cost, gradient: gradient(), iterations: it,
        evaluations: evaluations, termination: t)
    }
    guard cost.isFinite, J.storage.allSatisfy({ $0.isFinite }) else {
      return result(.nonFiniteStart, 0)
    }
    var scale = (0..<n).map { j -> Double in
      let c = columnNorm(J, j)
      return c > 0 ? c : 1
    }
    var mu = options.initialDamping * (scale.map { $0 * $0 }.max() ?? 1)
    var nu = 2.0
    var iteration = 0
    while iteration < options.maxIterations {
      iteration += 1
      for j in 0..<n { scale[j] = max(scale[j], columnNorm(J, j)) }
      let g = gradient()
      let rNorm = cost.squareRoot()
      var gScaled = 0.0
      for j in 0..<n where scale[j] > 0 {
        gScaled = max(gScaled, abs(g[j]) / (scale[j] * max(rNorm, 1e-300)))
      }
      if gScaled <= options.gradientTolerance || cost == 0 {
        return result(.convergedGradient, iteration - 1)
      }
      // Inner loop: increase damping until a step reduces the cost.
      while true {
        let m = r.count
        var aug = Matrix(rows: m + n, columns: n)
        for j in 0..<n {
          for i in 0..<m { aug[i, j] = J[i, j] }
          aug[m + j, j] = mu.squareRoot() * scale[j]
        }
        var rhs = [Double](repeating: 0, count: m + n)
        for i in 0..<m { rhs[i] = -r[i] }
        let delta = try aug.leastSquares(rhs, rcond: 1e-15).solution
        var pNew = p
        for j in 0..<n { pNew[j] += delta[j] }
        let rNew = problem.residuals(pNew)
        evaluations += 1
        let costNew = sumOfSquares(rNew)
        let jd = J * delta
        var linearized = 0.0
        for i in 0..<m {
          let v = r[i] + jd[i]
          linearized += v * v
        }
        let predicted = cost - linearized
        let actual = cost - costNew
        var dNorm = 0.0, pNorm = 0.0
        for j in 0..<n {
          dNorm += (scale[j] * delta[j]) * (scale[j] * delta[j])
          pNorm += (scale[j] * p[j]) * (scale[j] * p[j])
        }
        dNorm = dNorm.squareRoot()
        pNorm = pNorm.squareRoot()
        let rho = costNew.isFinite && predicted > 0 ? actual / predicted : -1
        if rho > 0 {
          p = pNew
          r = rNew
          cost = costNew
          J = problem.jacobian(p)
          mu *= max(1.0 / 3.0, 1 - pow3(2 * rho - 1))
          nu = 2
          if abs(actual) <= options.functionTolerance * cost
            && predicted <= options.functionTolerance * cost
          {
            return result(.convergedFunction, iteration)
          }
          if dNorm <= options.stepTolerance * (pNorm + options.stepTolerance) {
            return result(.convergedStep, iteration)
          }
          break
        }
        if dNorm <= options.stepTolerance * (pNorm + options.stepTolerance) {
          return result(.convergedStep, iteration)
        }
        mu *= nu
        nu *= 2
        if !mu.isFinite || mu > 1e300 { return result(.lineSearchFailed, iteration) }
      }
    }
    return result(.maxIterations(options.maxIterations), iteration)
  }
}

@inline(__always) private func pow3(_ x: Double) -> Double { x * x * x }

private func sumOfSquares(_ r: [Double]) -> Double {
  var s = 0.0
  for v in r { s += v * v }
  return s
}

private func columnNorm(_ m: Matrix, _ j: Int) -> Double {
  var s = 0.0
  for i in 0..<m.rows { s += m[i, j] * m[i, j] }
  return s.squareRoot()
}
