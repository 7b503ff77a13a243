import Fitting
import Foundation
import LinearAlgebra

/// The Chinchilla parametric loss (Hoffmann et al. 2022, eq. 2):
///
///     L(N, D) = E + A / N^α + B / D^β
///
/// fitted in Hoffmann's parameterisation log L = LSE(a − α ln N, b − β ln D, e) with
/// A = e^a, B = e^b, E = e^e. Internal order θ = (a, b, e, α, β), as in Epoch's replication;
/// reported order (E, A, B, alpha, beta).
public struct ChinchillaLaw: ScalingLaw {
  public init() {}

  public var kind: LawKind { .chinchilla }
  public var name: String { "chinchilla" }
  public var formula: String { "L = E + A/N^alpha + B/D^beta" }
  public var parameterNames: [String] { ["E", "A", "B", "alpha", "beta"] }
  public var exponentNames: Set<String> { ["alpha", "beta"] }
  public var required: Set<Quantity> { [.params, .tokens, .loss] }

  public func reported(_ t: [Double]) -> [Double] { [exp(t[2]), exp(t[0]), exp(t[1]), t[3], t[4]] }
  public func internalParameters(_ p: [Double]) -> [Double] {
    [log(p[1]), log(p[2]), log(p[0]), p[3], p[4]]
  }
  /// ∂p/∂θ in reported order: E ← e, A ← a, B ← b.
  public func reportedDerivatives(_ t: [Double]) -> [Double] {
    [exp(t[2]), exp(t[0]), exp(t[1]), 1, 1]
  }

  /// E ← θ[2] (e), A ← θ[0] (a), B ← θ[1] (b).
  public var reportedOrder: [Int] { [2, 0, 1, 3, 4] }

  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double])
    -> Double
  {
    let t1 = t[0] - t[3] * data.logParams[i]
    let t2 = t[1] - t[4] * data.logTokens[i]
    let m = max(t1, t2, t[2])
    let e1 = exp(t1 - m), e2 = exp(t2 - m), e3 = exp(t[2] - m)
    let s = e1 + e2 + e3
    g[0] = e1 / s
    g[1] = e2 / s
    g[2] = e3 / s
    g[3] = -g[0] * data.logParams[i]
    g[4] = -g[1] * data.logTokens[i]
    return m + log(s)
  }

  /// The hot path: f and ∇f in one pass, overflow-safe (max-shifted) log-sum-exp.
  public func objective(
    _ t: [Double], _ data: LogData, loss: RobustLoss, gradient: inout [Double]
  ) -> Double {
    let a = t[0], b = t[1], e = t[2], al = t[3], be = t[4]
    var f = 0.0, g0 = 0.0, g1 = 0.0, g2 = 0.0, g3 = 0.0, g4 = 0.0
    let delta: Double
    switch loss {
    case .huber(let d): delta = d
    case .squared: delta = .infinity
    }
    let halfDelta = 0.5 * delta
    data.logParams.withUnsafeBufferPointer { lN in
      data.logTokens.withUnsafeBufferPointer { lD in
        data.logLoss.withUnsafeBufferPointer { y in
          for i in 0..<y.count {
            let t1 = a - al * lN[i]
            let t2 = b - be * lD[i]
            // Max-shifted: the largest of the three terms is exp(0) = 1, so two exps suffice.
            let e1: Double, e2: Double, e3: Double, m: Double
            if t1 >= t2 && t1 >= e {
              m = t1; e1 = 1; e2 = exp(t2 - m); e3 = exp(e - m)
            } else if t2 >= e {
              m = t2; e1 = exp(t1 - m); e2 = 1; e3 = exp(e - m)
            } else {
              m = e; e1 = exp(t1 - m); e2 = exp(t2 - m); e3 = 1
            }
            let s = e1 + e2 + e3
            let r = m + log(s) - y[i]
            let ar = abs(r)
            let psi: Double
            if ar <= delta {
              f += 0.5 * r * r
              psi = r
            } else {
              f += delta * (ar - halfDelta)
              psi = r > 0 ? delta : -delta
            }
            let q = psi / s
            let q1 = q * e1, q2 = q * e2
            g0 += q1
            g1 += q2
            g2 += q * e3
            g3 -= q1 * lN[i]
            g4 -= q2 * lD[i]
          }
        }
      }
    }
    gradient[0] = g0
    gradient[1] = g1
    gradient[2] = g2
    gradient[3] = g3
    gradient[4] = g4
    return f
  }

  /// Hoffmann et al. 2022 App. D.2 / Epoch: α, β ∈ {0, .5, …, 2}, e ∈ {−1, −.5, …, 1},
  /// a, b ∈ {0, 5, …, 25}: 4,500 starts, in Epoch's itertools.product order.
  public func gridStarts() -> [[Double]] {
    var out: [[Double]] = []
    out.reserveCapacity(4500)
    let ab = stride(from: 0.0, through: 2.0, by: 0.5)
    let es = stride(from: -1.0, through: 1.0, by: 0.5)
    let ls = stride(from: 0.0, through: 25.0, by: 5.0)
    for al in ab { for be in ab { for e in es { for a in ls { for b in ls {
      out.append([a, b, e, al, be])
    } } } } }
    return out
  }

  /// The coarse exponent grid of the variable-projection search: 24 log-spaced values in
  /// [0.01, 2.5], so that flat valleys with α near 0.01 are reachable. Each local minimum of the
  /// coarse surface is refined on a 5 × 5 grid at a quarter of the coarse spacing.
  public static let exponentGrid: [Double] = (0..<24).map { 0.01 * pow(250.0, Double($0) / 23.0) }
  /// The ratio of successive values of `exponentGrid`.
  static let exponentGridStep = pow(250.0, 1.0 / 23.0)

  /// Variable projection: for fixed (α, β) the law is linear in (E, A, B). On the exponent grid,
  /// solve the weighted non-negative least squares Σ (E + A N^−α + B D^−β − L)² / L² (weights
  /// make it a relative, i.e. log-like, error) with LAPACK, and return the refined local minima
  /// of the grid surface, best first, as starts for the Huber polish.
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts {
    let vp = ChinchillaProjection(data)
    let grid = Self.exponentGrid
    let k = grid.count
    let colsN = grid.map { vp.column(data.logParams, $0) }
    let colsD = grid.map { vp.column(data.logTokens, $0) }
    let rss = try gridSurface(k) { try vp.cell(colsN[$0], colsD[$1])?.0 }
    // Local minima of the coarse surface (8-neighbourhood), best first.
    let minima = gridLocalMinima(rss, rows: k, columns: k)
    // Refine each of the best minima on a finer local grid.
    let minLoss = data.loss.min() ?? 1
    var refined: [(Double, [Double])] = []
    for cell in minima.prefix(6) {
      let (fineA, fineB) = fineExponents(around: cell, grid: grid, step: Self.exponentGridStep)
      let fa = fineA.map { vp.column(data.logParams, $0) }
      let fb = fineB.map { vp.column(data.logTokens, $0) }
      var best: (Double, [Double])? = nil
      for i in 0..<5 {
        for j in 0..<5 {
          guard let (r, c) = try vp.cell(fa[i], fb[j]) else { continue }
          if best == nil || r < best!.0 {
            let e = max(c[0], 1e-4 * minLoss)
            best = (r, [log(max(c[1], 1e-8)), log(max(c[2], 1e-8)), log(e), fineA[i], fineB[j]])
          }
        }
      }
      if let best { refined.append(best) }
    }
    refined.sort { $0.0 < $1.0 }
    let warnings = exponentGridEdgeWarning(minima, grid)
    return FastStarts(starts: refined.map { $0.1 }, warnings: warnings, gridCells: k * k + 25 * refined.count)
  }

  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    p[0] + p[1] / pow(params, p[3]) + p[2] / pow(tokens, p[4])
  }
}

/// The data side of the Chinchilla variable projection: weights w = 1/L², and per-exponent
/// columns x = X^−e with the sums the 3 × 3 normal equations need.
struct ChinchillaProjection {
  struct Column {
    /// w·x per point.
    var weighted: [Double]
    /// x per point.
    var plain: [Double]
    var sumWX: Double
    var sumWXX: Double
    /// Σ w x L = Σ x / L.
    var sumWXL: Double
  }

  let n: Int
  let w: [Double]
  let invL: [Double]
  let sumW: Double
  let sumWL: Double

  init(_ data: LogData) {
    n = data.count
    w = data.loss.map { 1 / ($0 * $0) }
    invL = data.loss.map { 1 / $0 }
    sumW = w.reduce(0, +)
    sumWL = invL.reduce(0, +)
  }

  func column(_ logs: [Double], _ exponent: Double) -> Column {
    var weighted = [Double](repeating: 0, count: n)
    var plain = [Double](repeating: 0, count: n)
    var a1 = 0.0, a2 = 0.0, aL = 0.0
    for i in 0..<n {
      let x = exp(-exponent * logs[i])
      let wx = w[i] * x
      plain[i] = x
      weighted[i] = wx
      a1 += wx
      a2 += wx * x
      aL += x * invL[i]
    }
    return Column(weighted: weighted, plain: plain, sumWX: a1, sumWXX: a2, sumWXL: aL)
  }

  /// The weighted NNLS fit of (E, A, B) for one (α, β) cell: (rss, [E, A, B]).
  func cell(_ cn: Column, _ cd: Column) throws -> (Double, [Double])? {
    guard let (c, r) = try solve(cn, cd) else { return nil }
    return (r, c)
  }

  private func solve(_ cn: Column, _ cd: Column) throws -> ([Double], Double)? {
    var cross = 0.0
    cn.weighted.withUnsafeBufferPointer { p in
      cd.plain.withUnsafeBufferPointer { q in
        for i in 0..<n { cross += p[i] * q[i] }
      }
    }
    let G = [sumW, cn.sumWX, cd.sumWX, cn.sumWX, cn.sumWXX, cross, cd.sumWX, cross, cd.sumWXX]
    return try nonNegativeSolve(gram: G, rhs: [sumWL, cn.sumWXL, cd.sumWXL], yy: Double(n))
  }
}
