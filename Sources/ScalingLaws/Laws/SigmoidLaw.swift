import Fitting
import Foundation

/// The second step of the model ladder (Bhagia et al. 2024, arXiv 2412.04403): a task metric y
/// (accuracy) against a task loss x, y = a / (1 + exp(−k·(x − x0))) + b.
///
/// Fitted on the linear scale (the residual is ŷ − y, least squares by default): an accuracy is
/// not a positive power law, and its errors are additive. The curve runs from b to a + b with
/// a ≥ 0; the sign of k gives the direction (k < 0: the metric falls as the loss grows), so b is
/// the level at the bad end (chance, `--fix b=0.25` for 4-way multiple choice).
///
/// With `yRange` [lo, hi] both levels stay inside it: b = lo + (hi − lo)·σ(u),
/// a = (hi − b)·σ(w), so the curve is inside the range for every x. Internal θ = (w, u, k, x0);
/// without a range θ = (ln a, b, k, x0). `--y-range` (the default [0, 1] for data inside it)
/// keeps the curve in range over the data: the fitter fits without `yRange` and uses this
/// bounded form only when the unbounded curve leaves the range within the data (binding the
/// levels at x = ±∞ bends the curve inside the data where no observation asks for it:
/// datasets/README.md, Pythia LAMBADA).
public struct SigmoidLaw: ScalingLaw {
  /// The range both levels of the curve are kept in (nil: unbounded).
  public let yRange: ClosedRange<Double>?

  public init(yRange: ClosedRange<Double>?) {
    precondition(yRange.map { $0.upperBound > $0.lowerBound } ?? true)
    self.yRange = yRange
  }

  public var kind: LawKind { .sigmoid }
  public var name: String { "sigmoid" }
  public var formula: String { "y = a/(1 + exp(-k*(x - x0))) + b" }
  public var parameterNames: [String] { ["a", "b", "k", "x0"] }
  /// None: k is the logistic's slope, not a power-law exponent.
  public var exponentNames: Set<String> { [] }
  public var required: Set<Quantity> { [.x, .y] }

  @inline(__always)
  static func logistic(_ z: Double) -> Double { 1 / (1 + Foundation.exp(-z)) }

  @inline(__always)
  static func logit(_ p: Double) -> Double { Foundation.log(p / (1 - p)) }

  public func reported(_ t: [Double]) -> [Double] {
    guard let r = yRange else { return [Foundation.exp(t[0]), t[1], t[2], t[3]] }
    let b = r.lowerBound + (r.upperBound - r.lowerBound) * Self.logistic(t[1])
    return [(r.upperBound - b) * Self.logistic(t[0]), b, t[2], t[3]]
  }

  public func internalParameters(_ p: [Double]) -> [Double] {
    guard let r = yRange else { return [Foundation.log(p[0]), p[1], p[2], p[3]] }
    let u = Self.logit((p[1] - r.lowerBound) / (r.upperBound - r.lowerBound))
    return [Self.logit(p[0] / (r.upperBound - p[1])), u, p[2], p[3]]
  }

  /// The diagonal of ∂p/∂θ (exact without a range; with one, a also depends on u, which
  /// `reportedJacobian` gives in full).
  public func reportedDerivatives(_ t: [Double]) -> [Double] {
    let J = jacobian(t)
    return (0..<4).map { J[$0][$0] }
  }

  /// ∂p_c/∂θ_j: with a range, a = (hi − b(u))·σ(w) depends on w and u.
  public func reportedJacobian(_ t: [Double]) -> [[Double]]? { jacobian(t) }

  func jacobian(_ t: [Double]) -> [[Double]] {
    // levels' d_j = ∂a/∂θ_j and c_j = ∂b/∂θ_j.
    let l = levels(t)
    return [[l.d0, l.d1, 0, 0], [l.c0, l.c1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
  }

  /// The starts stop at a moderate tolerance and the chosen one is polished by the damped Newton
  /// method to the usual tolerances: with four parameters Newton's last digits cost a few
  /// gradient evaluations where L-BFGS's cost a hundred (a small fit's whole-process time is
  /// most of what a user waits for).
  public var startOptions: LBFGS.Options? {
    var o = Polisher.lbfgsOptions
    o.gradientTolerance = 1e-7
    o.functionTolerance = 1e-12
    return o
  }

  public var parameterBounds: [String: ClosedRange<Double>] {
    yRange.map { ["b": $0] } ?? [:]
  }

  /// The y-range of a law that is a sigmoid, bare or with fixed parameters (nil otherwise).
  static func yRange(of law: any ScalingLaw) -> ClosedRange<Double>? {
    ((law as? SigmoidLaw) ?? (ConstrainedLaw.wrapped(in: law)?.inner as? SigmoidLaw) ?? ((law as? PriorLaw)?.inner as? SigmoidLaw))?.yRange
  }

  /// The levels a and b at θ and their derivatives, d_j = ∂a/∂θ_j and c_j = ∂b/∂θ_j (j = 0, 1), so
  /// that ∂ŷ/∂θ_j = s·d_j + c_j with s the logistic term at the point.
  @inline(__always)
  func levels(_ t: [Double]) -> (a: Double, b: Double, d0: Double, c0: Double, d1: Double, c1: Double) {
    guard let r = yRange else {
      let a = Foundation.exp(t[0])
      return (a, t[1], a, 0, 0, 1)
    }
    let sw = Self.logistic(t[0]), su = Self.logistic(t[1])
    let width = r.upperBound - r.lowerBound
    let b = r.lowerBound + width * su
    let dbdu = width * su * (1 - su)
    return ((r.upperBound - b) * sw, b, (r.upperBound - b) * sw * (1 - sw), 0, -dbdu * sw, dbdu)
  }

  /// ŷ at point i (on the linear scale: this law's residual is ŷ − y), with ∂ŷ/∂θ.
  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double]) -> Double {
    let x = data.x[i]
    let k = t[2], x0 = t[3]
    let s = Self.logistic(k * (x - x0))
    let ds = s * (1 - s)
    let l = levels(t)
    g[0] = s * l.d0 + l.c0
    g[1] = s * l.d1 + l.c1
    g[2] = l.a * ds * (x - x0)
    g[3] = -l.a * ds * k
    return l.a * s + l.b
  }

  /// Σ ρ(ŷ_i − y_i) and its gradient in one pass with scalars (the hot path of every start).
  public func objective(_ t: [Double], _ data: LogData, loss: RobustLoss, gradient g: inout [Double]) -> Double {
    let k = t[2], x0 = t[3]
    let (a, b, d0, c0, d1, c1) = levels(t)
    var f = 0.0, g0 = 0.0, g1 = 0.0, g2 = 0.0, g3 = 0.0
    let xs = data.x, ys = data.logLoss
    for i in 0..<xs.count {
      let dx = xs[i] - x0
      let s = Self.logistic(k * dx)
      let r = a * s + b - ys[i]
      f += loss.rho(r)
      let psi = loss.psi(r)
      let ads = a * s * (1 - s) * psi
      g0 += psi * (s * d0 + c0)
      g1 += psi * (s * d1 + c1)
      g2 += ads * dx
      g3 -= ads * k
    }
    g[0] = g0
    g[1] = g1
    g[2] = g2
    g[3] = g3
    return f
  }

  /// A grid start from every (−k, +k) × x0 cell of a grid scaled to the data.
  public func gridStarts() -> [[Double]] {
    [[0, 0, -1, 0], [0, 0, 1, 0], [0, 0, -4, 0], [0, 0, 4, 0]].map { t in
      yRange == nil ? [0, 0.1, t[2], t[3]] : t
    }
  }

  /// Variable projection: the law is linear in (a, b) at fixed (k, x0). Over a grid of 24 k
  /// (|k|·span of x from 0.5 to 50, both signs) × 17 x0 (from one span below the data to one
  /// above), (a, b) is the least-squares solution inside the constraints (a ≥ 0; b and a + b in
  /// the y-range), scored by its sum of squares on at most 2,000 evenly strided points; one
  /// start from each of the three best local minima of that surface.
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts {
    let ranking = data.strided(maxCount: 2_000)
    let xs = ranking.x, ys = ranking.logLoss
    guard let lo = data.x.min(), let hi = data.x.max(), hi > lo else {
      throw FitError("x is constant (every x = \(data.x.first.map { String(format: "%g", $0) } ?? "?")): the sigmoid has no slope to fit")
    }
    let span = hi - lo
    let magnitudes = (0..<12).map { 0.5 * Foundation.pow(100, Double($0) / 11) / span }
    let ks = magnitudes.reversed().map { -$0 } + magnitudes
    let x0s = (0..<17).map { lo - span + 3 * span * Double($0) / 16 }
    let n = xs.count
    var s = [Double](repeating: 0, count: n)
    var e = [Double](repeating: 0, count: n)
    var scores = [Double](repeating: .infinity, count: ks.count * x0s.count)
    var thetas = [[Double]](repeating: [], count: scores.count)
    for (r, k) in ks.enumerated() {
      // σ(k(x − x0)) = 1 / (1 + exp(−k(x − lo)) · exp(k(x0 − lo))): one exp per point per k,
      // not per cell. |k| ≤ 50/span keeps both factors within exp(±100).
      for i in 0..<n { e[i] = Foundation.exp(-k * (xs[i] - lo)) }
      for (c, x0) in x0s.enumerated() {
        let shift = Foundation.exp(k * (x0 - lo))
        for i in 0..<n { s[i] = 1 / (1 + e[i] * shift) }
        guard let (a, b, cost) = constrainedLevels(s, ys) else { continue }
        scores[r * x0s.count + c] = cost
        thetas[r * x0s.count + c] = internalStart(a: a, b: b, k: k, x0: x0)
      }
    }
    let minima = gridLocalMinima(scores, rows: ks.count, columns: x0s.count)
    return FastStarts(starts: minima.prefix(3).map { thetas[$0] }, gridCells: scores.count)
  }

  /// min Σ (a·s_i + b − y_i)² subject to a ≥ 0 and, with a range, lo ≤ b and a + b ≤ hi:
  /// the unconstrained solution if feasible, else the best solution on the active edges.
  /// Returns (a, b, Σ (a·s + b − y)² − Σ y²).
  func constrainedLevels(_ s: [Double], _ y: [Double]) -> (Double, Double, Double)? {
    let n = Double(s.count)
    var ss = 0.0, sy = 0.0, s2 = 0.0, sys = 0.0
    for i in 0..<s.count {
      ss += s[i]
      sy += y[i]
      s2 += s[i] * s[i]
      sys += s[i] * y[i]
    }
    func cost(_ a: Double, _ b: Double) -> Double {
      // Σ (a s + b − y)² up to the constant Σ y².
      a * a * s2 + 2 * a * b * ss + n * b * b - 2 * a * sys - 2 * b * sy
    }
    let lo = yRange?.lowerBound ?? -.infinity, hi = yRange?.upperBound ?? .infinity
    func feasible(_ a: Double, _ b: Double) -> Bool { a >= 0 && b >= lo && a + b <= hi }
    var candidates: [(Double, Double)] = []
    let det = n * s2 - ss * ss
    if det > 1e-12 * n * s2 {
      let a = (n * sys - ss * sy) / det
      candidates.append((a, (sy - a * ss) / n))
    }
    // a = 0: a flat line at the mean.
    candidates.append((0, min(max(sy / n, lo), hi)))
    if yRange != nil {
      // b = lo: a = Σ s(y − lo) / Σ s².
      if s2 > 0 { candidates.append((max(0, min(hi - lo, (sys - lo * ss) / s2)), lo)) }
      // a + b = hi: y − hi = a (s − 1).
      let q = s2 - 2 * ss + n
      if q > 0 {
        let a = max(0, min(hi - lo, (sys - sy - hi * ss + hi * n) / q))
        candidates.append((a, hi - a))
      }
    }
    var best: (Double, Double, Double)? = nil
    for (a, b) in candidates where a.isFinite && b.isFinite && feasible(a, b) {
      let c = cost(a, b)
      if c < (best?.2 ?? .infinity) { best = (a, b, c) }
    }
    return best
  }

  /// θ of (a, b, k, x0), nudged off the range's edges (where the logits are infinite).
  func internalStart(a: Double, b: Double, k: Double, x0: Double) -> [Double] {
    guard let r = yRange else { return [Foundation.log(max(a, 1e-6)), b, k, x0] }
    let width = r.upperBound - r.lowerBound
    let fb = min(max((b - r.lowerBound) / width, 1e-4), 1 - 1e-4)
    let bb = r.lowerBound + width * fb
    let fa = min(max(a / (r.upperBound - bb), 1e-4), 1 - 1e-4)
    return [Self.logit(fa), Self.logit(fb), k, x0]
  }

  /// The metric at x (the other inputs are unused: a sigmoid law takes its x from the data, or
  /// from a first-step prediction).
  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    .nan
  }

  /// y at x for reported parameters (a, b, k, x0): the same for every y-range (the range only
  /// changes the internal parametrisation).
  public static func metric(_ p: [Double], x: Double) -> Double {
    p[0] * logistic(p[2] * (x - p[3])) + p[1]
  }

  /// Where a curve that stays inside `range` over the data's x range [dataLow, dataHigh] leaves
  /// it beyond the data (a level outside the range), as a sentence for the fit's warnings; nil
  /// when both levels are inside. Reported parameters (a ≥ 0: b is the lower level, a + b the
  /// upper; k's sign gives the direction).
  static func rangeExit(_ p: [Double], range r: ClosedRange<Double>, dataLow: Double, dataHigh: Double) -> String? {
    let (a, b, k, x0) = (p[0], p[1], p[2], p[3])
    guard a > 0, k != 0 else { return nil }
    var exits: [String] = []
    // x where y = level: σ(k(x − x0)) = (level − b)/a.
    func crossing(_ level: Double) -> Double { x0 + logit((level - b) / a) / k }
    if a + b > r.upperBound {
      exits.append("x \(k > 0 ? ">" : "<") \(fmt(crossing(r.upperBound))) (its upper level a + b = \(fmt(a + b)))")
    }
    if b < r.lowerBound {
      exits.append("x \(k > 0 ? "<" : ">") \(fmt(crossing(r.lowerBound))) (its lower level b = \(fmt(b)))")
    }
    guard !exits.isEmpty else { return nil }
    return "the curve stays inside the y-range [\(fmt(r.lowerBound)), \(fmt(r.upperBound))] over the data (x from \(fmt(dataLow)) to \(fmt(dataHigh))) and leaves it beyond them, for \(exits.joined(separator: " and for ")): a prediction there is outside the range"
  }
}
