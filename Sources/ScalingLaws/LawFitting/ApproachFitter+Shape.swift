import Foundation
import LinearAlgebra

/// Approach 2's vertices from one curve shape shared by every budget.
///
/// At a budget C = 6ND any law E + A/N^α + B/D^β is, in x = ln N,
///
///     L(x) = c0 + c1·e^(−α(x − x̄)) + c2·e^(β(x − x̄)),
///
/// with c0 = E, c1 = A·e^(−αx̄), c2 = B·(C/6)^(−β)·e^(βx̄) (x̄ the budget's mean ln N). Each budget
/// gets its own (c0, c1, c2), linear given the exponents; α and β are shared, chosen by least
/// squares over every budget (a 30 × 30 grid of ln α, ln β in [0.05, 2], refined by a pattern
/// search). The minimum is x* = x̄ + ln(α·c1/(β·c2))/(α + β), the loss there L*. The parabola in
/// ln N is the second-order expansion of the same curve: exact only near the vertex, so over a
/// grid several nats wide its vertex is biased (towards smaller N when β > α; 0.75–0.95× the
/// optimum on real grids), while this form is exact for a Chinchilla-form loss at any width.
struct SharedShapeVertices {
  struct Bin {
    var xs: [Double]
    var ys: [Double]
    var mean: Double { xs.reduce(0, +) / Double(xs.count) }
  }

  struct Fit {
    var alpha: Double
    var beta: Double
    /// (c0, c1, c2) per bin, nil where the bin has fewer than 3 sizes.
    var coefficients: [[Double]?]
    var sse: Double
  }

  let bins: [Bin]
  /// Whether each bin has three or more distinct sizes (counted once, not per evaluation).
  let usable: [Bool]
  /// Each bin's mean x.
  let means: [Double]

  init(bins: [Bin]) {
    self.bins = bins
    self.usable = bins.map { Set($0.xs).count >= 3 }
    self.means = bins.map { $0.mean }
  }

  /// Σ over bins of the squared residuals at (α, β), with each bin's coefficients. One pass over
  /// the points and no allocation but the scratch columns (``leastSquares3(_:_:_:)``).
  func evaluate(_ alpha: Double, _ beta: Double) -> (Double, [[Double]?]) {
    var sse = 0.0
    var coefficients: [[Double]?] = []
    coefficients.reserveCapacity(bins.count)
    var scratch = [Double](repeating: 0, count: 4 * (bins.map { $0.xs.count }.max() ?? 0))
    for (k, bin) in bins.enumerated() {
      guard usable[k] else {
        coefficients.append(nil)
        continue
      }
      let m = means[k], n = bin.xs.count
      for i in 0..<n {
        let t = bin.xs[i] - m
        scratch[i] = 1
        scratch[n + i] = exp(-alpha * t)
        scratch[2 * n + i] = exp(beta * t)
        scratch[3 * n + i] = bin.ys[i]
      }
      guard let (c, r) = Self.leastSquares3(&scratch, n), c.allSatisfy({ $0.isFinite }) else {
        return (.infinity, [])
      }
      sse += r
      coefficients.append(c)
    }
    return (sse, coefficients)
  }

  /// Least squares of the fourth column of `a` (n rows each, stored column after column) on the
  /// first three, by modified Gram–Schmidt on the augmented matrix [A | y]: backward stable for
  /// least squares (Björck 1967), in place and without LAPACK's workspace queries and copies,
  /// which cost more than the arithmetic on bins of a few points. Returns the coefficients and
  /// the residual sum of squares, or nil when a column depends on the earlier ones.
  static func leastSquares3(_ a: inout [Double], _ n: Int) -> (c: [Double], sse: Double)? {
    var r = [[Double]](repeating: [0, 0, 0, 0], count: 3)
    for k in 0..<3 {
      var scale = 0.0, norm2 = 0.0
      for i in 0..<n { scale = max(scale, abs(a[k * n + i])) }
      guard scale > 0 else { return nil }
      for i in 0..<n { norm2 += (a[k * n + i] / scale) * (a[k * n + i] / scale) }
      let norm = scale * norm2.squareRoot()
      // What is left of the column after the earlier ones are taken out, against the column as
      // built (its norm² is what is left plus its projections r[j][k]²): a column the earlier
      // ones span to 1e-10 is dependent.
      var built2 = norm * norm
      for j in 0..<k { built2 += r[j][k] * r[j][k] }
      guard norm > 0, norm > 1e-10 * built2.squareRoot() else { return nil }
      r[k][k] = norm
      for i in 0..<n { a[k * n + i] /= norm }
      for j in (k + 1)..<4 {
        var dot = 0.0
        for i in 0..<n { dot += a[k * n + i] * a[j * n + i] }
        r[k][j] = dot
        for i in 0..<n { a[j * n + i] -= dot * a[k * n + i] }
      }
    }
    var sse = 0.0
    for i in 0..<n { sse += a[3 * n + i] * a[3 * n + i] }
    var c = [0.0, 0, 0]
    for k in stride(from: 2, through: 0, by: -1) {
      var v = r[k][3]
      for j in (k + 1)..<3 { v -= r[k][j] * c[j] }
      c[k] = v / r[k][k]
    }
    return (c, sse)
  }

  func fit() -> Fit? {
    let lo = log(0.05), hi = log(2.0), cells = 30
    var best = (f: Double.infinity, u: 0.0, v: 0.0)
    for i in 0..<cells {
      for j in 0..<cells {
        let u = lo + (hi - lo) * Double(i) / Double(cells - 1)
        let v = lo + (hi - lo) * Double(j) / Double(cells - 1)
        let f = evaluate(exp(u), exp(v)).0
        if f < best.f { best = (f, u, v) }
      }
    }
    guard best.f.isFinite else { return nil }
    // Pattern search in (ln α, ln β) from the best cell, inside the grid's range.
    var step = (hi - lo) / Double(cells - 1)
    while step > 1e-7 {
      var moved = false
      for (du, dv) in [(step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)] {
        let (u, v) = (min(hi, max(lo, best.u + du)), min(hi, max(lo, best.v + dv)))
        let f = evaluate(exp(u), exp(v)).0
        if f < best.f {
          best = (f, u, v)
          moved = true
        }
      }
      if !moved { step /= 2 }
    }
    let (sse, coefficients) = evaluate(exp(best.u), exp(best.v))
    return Fit(alpha: exp(best.u), beta: exp(best.v), coefficients: coefficients, sse: sse)
  }

  /// The minimum (x*, L*) of bin `k`'s curve; nil when it has none (c1 or c2 not positive).
  static func vertex(_ fit: Fit, bin: Bin, _ k: Int) -> (x: Double, loss: Double)? {
    guard let c = fit.coefficients[k], c[1] > 0, c[2] > 0 else { return nil }
    let (a, b) = (fit.alpha, fit.beta)
    let t = log(a * c[1] / (b * c[2])) / (a + b)
    return (bin.mean + t, c[0] + c[1] * exp(-a * t) + c[2] * exp(b * t))
  }
}
