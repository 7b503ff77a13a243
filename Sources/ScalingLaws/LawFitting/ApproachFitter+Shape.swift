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

  /// Σ over bins of the squared residuals at (α, β), with each bin's coefficients.
  func evaluate(_ alpha: Double, _ beta: Double) -> (Double, [[Double]?]) {
    var sse = 0.0
    var coefficients: [[Double]?] = []
    for bin in bins {
      guard Set(bin.xs).count >= 3 else {
        coefficients.append(nil)
        continue
      }
      let m = bin.mean
      let A = Matrix(rowArrays: bin.xs.map { [1, exp(-alpha * ($0 - m)), exp(beta * ($0 - m))] })
      guard let c = try? A.leastSquares(bin.ys).solution, c.allSatisfy({ $0.isFinite }) else {
        return (.infinity, [])
      }
      for (x, y) in zip(bin.xs, bin.ys) {
        let r = c[0] + c[1] * exp(-alpha * (x - m)) + c[2] * exp(beta * (x - m)) - y
        sse += r * r
      }
      coefficients.append(c)
    }
    return (sse, coefficients)
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
