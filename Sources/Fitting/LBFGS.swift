/// Limited-memory BFGS for smooth unconstrained minimisation (Nocedal & Wright 2006,
/// Algorithm 7.4 with the strong-Wolfe line search of Algorithms 3.5–3.6).
///
/// Written here rather than taken from a library: Swift on Linux has no maintained optimiser
/// package, and the fits need exact control of the stopping rules so that each result can state
/// why it stopped (scipy's L-BFGS-B rules are available as ``Options/scipyDefaults``).
public struct LBFGS: Sendable {
  public struct Options: Sendable {
    /// Number of correction pairs kept.
    public var memory = 10
    /// Stop when ‖∇f‖∞ ≤ gradientTolerance.
    public var gradientTolerance = 1e-10
    /// Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, floor) ≤ functionTolerance.
    public var functionTolerance = 1e-13
    /// The `floor` above: 1 reproduces scipy's `factr` rule; a tiny value makes the test
    /// relative to the objective's own scale.
    public var functionScaleFloor = 1e-300
    /// After a failed line search, the point counts as a minimum if ‖∇f‖∞ is below this.
    public var stallGradientTolerance = 1e-7
    public var maxIterations = 15_000
    public var maxEvaluations = 15_000
    /// Armijo and curvature constants of the strong Wolfe conditions.
    public var c1 = 1e-4
    public var c2 = 0.9

    public init() {}

    /// scipy.optimize.minimize(method='L-BFGS-B') defaults: m = 10, factr = 1e7
    /// (ftol = 1e7 · ε ≈ 2.22e-9 against max(|f|, 1)), pgtol = 1e-5, 15,000 iterations and
    /// evaluations.
    public static var scipyDefaults: Options {
      var o = Options()
      o.memory = 10
      o.gradientTolerance = 1e-5
      o.functionTolerance = 1e7 * Double.ulpOfOne
      o.functionScaleFloor = 1
      o.stallGradientTolerance = 1e-5
      return o
    }
  }

  public var options: Options

  public init(options: Options = Options()) {
    self.options = options
  }

  /// Minimises `f` from `start`. `f(x, &g)` returns f(x) and writes ∇f(x) into `g`.
  public func minimize(
    start: [Double], _ f: GradientObjective
  ) -> MinimizationResult {
    let n = start.count
    var at = Iterate(start: start, f)
    guard at.isFinite else { return at.result(.nonFiniteStart, 0) }
    if infNorm(at.g) <= options.gradientTolerance { return at.result(.convergedGradient, 0) }

    let m = options.memory
    var sHist = [[Double]](), yHist = [[Double]](), rhoHist = [Double]()
    sHist.reserveCapacity(m)
    yHist.reserveCapacity(m)
    var alphaBuf = [Double](repeating: 0, count: m)
    var d = [Double](repeating: 0, count: n)
    var xNew = at.x
    var gNew = at.g
    var restartedAfterFailure = false
    var iteration = 0

    while true {
      if iteration >= options.maxIterations { return at.result(.maxIterations(iteration), iteration) }
      if at.evaluations >= options.maxEvaluations {
        return at.result(.maxEvaluations(at.evaluations), iteration)
      }
      // Two-loop recursion: d = −H g.
      for i in 0..<n { d[i] = -at.g[i] }
      let k = sHist.count
      if k > 0 {
        for j in stride(from: k - 1, through: 0, by: -1) {
          let a = rhoHist[j] * dot(sHist[j], d)
          alphaBuf[j] = a
          axpy(-a, yHist[j], &d)
        }
        let yy = dot(yHist[k - 1], yHist[k - 1])
        let gamma = yy > 0 ? 1 / (rhoHist[k - 1] * yy) : 1
        for i in 0..<n { d[i] *= gamma }
        for j in 0..<k {
          let b = rhoHist[j] * dot(yHist[j], d)
          axpy(alphaBuf[j] - b, sHist[j], &d)
        }
      }
      var slope = dot(at.g, d)
      if !(slope < 0) {
        // Not a descent direction (curvature information went bad): steepest descent.
        sHist.removeAll(keepingCapacity: true)
        yHist.removeAll(keepingCapacity: true)
        rhoHist.removeAll(keepingCapacity: true)
        for i in 0..<n { d[i] = -at.g[i] }
        slope = dot(at.g, d)
      }
      let initialStep = sHist.isEmpty ? min(1, 1 / max(infNorm(at.g), 1e-300)) : 1
      let ls = lineSearch(
        f, x: at.x, fx: at.fx, slope: slope, direction: d, initialStep: initialStep,
        xNew: &xNew, gNew: &gNew, evaluations: &at.evaluations)
      guard let fNew = ls else {
        if restartedAfterFailure || sHist.isEmpty {
          return at.result(
            infNorm(at.g) <= options.stallGradientTolerance ? .convergedStalled : .lineSearchFailed,
            iteration)
        }
        restartedAfterFailure = true
        sHist.removeAll(keepingCapacity: true)
        yHist.removeAll(keepingCapacity: true)
        rhoHist.removeAll(keepingCapacity: true)
        continue
      }
      restartedAfterFailure = false
      iteration += 1
      var s = [Double](repeating: 0, count: n)
      var y = [Double](repeating: 0, count: n)
      for i in 0..<n {
        s[i] = xNew[i] - at.x[i]
        y[i] = gNew[i] - at.g[i]
      }
      let fOld = at.fx
      swap(&at.x, &xNew)
      swap(&at.g, &gNew)
      at.fx = fNew
      let sy = dot(s, y)
      if sy > 1e-16 * dot(y, y) && sy > 0 {
        if sHist.count == m {
          sHist.removeFirst()
          yHist.removeFirst()
          rhoHist.removeFirst()
        }
        sHist.append(s)
        yHist.append(y)
        rhoHist.append(1 / sy)
      }
      if infNorm(at.g) <= options.gradientTolerance { return at.result(.convergedGradient, iteration) }
      let scale = max(abs(fOld), abs(at.fx), options.functionScaleFloor)
      if (fOld - at.fx) <= options.functionTolerance * scale {
        return at.result(.convergedFunction, iteration)
      }
    }
  }

  /// Strong-Wolfe line search (bracketing, then zoom with safeguarded cubic interpolation).
  /// Returns the new objective, with the new point and gradient in `xNew`/`gNew`, or nil.
  private func lineSearch(
    _ f: (_ x: [Double], _ gradient: inout [Double]) -> Double,
    x: [Double], fx: Double, slope: Double, direction d: [Double], initialStep: Double,
    xNew: inout [Double], gNew: inout [Double], evaluations: inout Int
  ) -> Double? {
    let n = x.count
    let c1 = options.c1, c2 = options.c2
    func eval(_ t: Double) -> (Double, Double) {
      for i in 0..<n { xNew[i] = x[i] + t * d[i] }
      let v = f(xNew, &gNew)
      evaluations += 1
      let dv = dot(gNew, d)
      return (v.isFinite && dv.isFinite) ? (v, dv) : (.infinity, .nan)
    }
    var tPrev = 0.0, fPrev = fx, dPrev = slope
    var t = initialStep
    let maxSteps = 40
    for i in 0..<maxSteps {
      let (ft, dt) = eval(t)
      if !ft.isFinite {
        // Overflow: shrink the step.
        t = 0.5 * (tPrev + t)
        if t - tPrev < 1e-20 { return nil }
        continue
      }
      if ft > fx + c1 * t * slope || (i > 0 && ft >= fPrev) {
        return zoom(
          f: eval, lo: (tPrev, fPrev, dPrev), hi: (t, ft, dt), fx: fx, slope: slope, c1: c1,
          c2: c2)
      }
      if abs(dt) <= -c2 * slope { return ft }
      if dt >= 0 {
        return zoom(
          f: eval, lo: (t, ft, dt), hi: (tPrev, fPrev, dPrev), fx: fx, slope: slope, c1: c1,
          c2: c2)
      }
      tPrev = t
      fPrev = ft
      dPrev = dt
      t *= 2.5
    }
    return nil
  }

  private func zoom(
    f eval: (Double) -> (Double, Double), lo loIn: (Double, Double, Double),
    hi hiIn: (Double, Double, Double), fx: Double, slope: Double, c1: Double, c2: Double
  ) -> Double? {
    var lo = loIn, hi = hiIn
    var best: (t: Double, f: Double)? = nil
    for _ in 0..<60 {
      let (tl, fl, dl) = lo
      let (th, fh, dh) = hi
      // Cubic interpolation between lo and hi, safeguarded to the middle 80% of the bracket.
      var t = cubicMinimizer(tl, fl, dl, th, fh, dh)
      let a = min(tl, th), b = max(tl, th)
      let width = b - a
      if !(t.isFinite) || t < a + 0.1 * width || t > b - 0.1 * width { t = 0.5 * (a + b) }
      if width <= 1e-16 * max(1, abs(b)) { break }
      let (ft, dt) = eval(t)
      if !ft.isFinite {
        hi = (t, .infinity, .nan)
        continue
      }
      if ft > fx + c1 * t * slope || ft >= fl {
        hi = (t, ft, dt)
      } else {
        if best == nil || ft < best!.f { best = (t, ft) }
        if abs(dt) <= -c2 * slope { return ft }
        if dt * (th - tl) >= 0 { hi = lo }
        lo = (t, ft, dt)
      }
    }
    // The Wolfe curvature condition was not met, but accept a sufficient decrease if we found one.
    if let b = best, b.f < fx {
      let (ft, _) = eval(b.t)
      return ft
    }
    return nil
  }

  private func cubicMinimizer(
    _ a: Double, _ fa: Double, _ da: Double, _ b: Double, _ fb: Double, _ db: Double
  ) -> Double {
    guard fb.isFinite, db.isFinite else { return .nan }
    let d1 = da + db - 3 * (fa - fb) / (a - b)
    let disc = d1 * d1 - da * db
    guard disc >= 0 else { return .nan }
    let d2 = (b > a ? 1.0 : -1.0) * disc.squareRoot()
    return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2)
  }
}

@inline(__always)
func dot(_ a: [Double], _ b: [Double]) -> Double {
  var s = 0.0
  for i in 0..<a.count { s += a[i] * b[i] }
  return s
}

@inline(__always)
func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
  for i in 0..<x.count { y[i] += alpha * x[i] }
}

@inline(__always)
func infNorm(_ a: [Double]) -> Double {
  var m = 0.0
  for v in a { m = max(m, abs(v)) }
  return m
}
