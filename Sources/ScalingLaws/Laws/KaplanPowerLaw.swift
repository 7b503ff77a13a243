import Fitting
import Foundation
import LinearAlgebra

/// Kaplan et al. 2020 single-variable laws, L = (X_c/X)^α_X (eqs. 1.1–1.3), and with an
/// irreducible term L = E + (X_c/X)^α_X. X is N (params), D (tokens) or C (flops).
///
/// Internal θ: (ln X_c, α) or (e, ln X_c, α); reported (X_c, alpha_X) or (E, X_c, alpha_X).
public struct KaplanPowerLaw: ScalingLaw {
  public let variable: Quantity
  public let irreducible: Bool

  public init(variable: Quantity, irreducible: Bool) {
    precondition([.params, .tokens, .flops].contains(variable))
    self.variable = variable
    self.irreducible = irreducible
  }

  var symbol: String {
    switch variable {
    case .params: return "N"
    case .tokens: return "D"
    default: return "C"
    }
  }

  public var kind: LawKind {
    switch variable {
    case .params: return .kaplanN
    case .tokens: return .kaplanD
    default: return .kaplanC
    }
  }
  public var name: String { LawName(kind, irreducible: irreducible).description }
  public var hasIrreducibleTerm: Bool { irreducible }
  public var formula: String {
    (irreducible ? "L = E + " : "L = ") + "(\(symbol)c/\(symbol))^alpha_\(symbol)"
  }
  public var parameterNames: [String] {
    (irreducible ? ["E"] : []) + ["\(symbol)c", "alpha_\(symbol)"]
  }
  public var exponentNames: Set<String> { ["alpha_\(symbol)"] }
  public var required: Set<Quantity> { [variable, .loss] }

  public func reported(_ t: [Double]) -> [Double] {
    irreducible ? [exp(t[0]), exp(t[1]), t[2]] : [exp(t[0]), t[1]]
  }
  public func internalParameters(_ p: [Double]) -> [Double] {
    irreducible ? [log(p[0]), log(p[1]), p[2]] : [log(p[0]), p[1]]
  }
  public func reportedDerivatives(_ t: [Double]) -> [Double] {
    irreducible ? [exp(t[0]), exp(t[1]), 1] : [exp(t[0]), 1]
  }

  func logX(_ data: LogData) -> [Double] {
    switch variable {
    case .params: return data.logParams
    case .tokens: return data.logTokens
    default: return data.logFlops
    }
  }

  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double])
    -> Double
  {
    let lx = logX(data)[i]
    if !irreducible {
      g[0] = t[1]
      g[1] = t[0] - lx
      return t[1] * (t[0] - lx)
    }
    let u = t[2] * (t[1] - lx)
    let m = max(u, t[0])
    let we = exp(t[0] - m), wu = exp(u - m)
    let s = we + wu
    g[0] = we / s
    g[1] = wu / s * t[2]
    g[2] = wu / s * (t[1] - lx)
    return m + log(s)
  }

  /// Grid in the Hoffmann style: α ∈ {0, .5, …, 2} (0 replaced by 0.05, where the law is
  /// undefined), ln X_c ∈ {0, 5, …, 50}, and e ∈ {−1, −.5, …, 1} with an irreducible term.
  public func gridStarts() -> [[Double]] {
    let alphas = [0.05, 0.5, 1, 1.5, 2]
    let scales = stride(from: 0.0, through: 50.0, by: 5.0)
    var out: [[Double]] = []
    for al in alphas {
      for sc in scales {
        if irreducible {
          for e in stride(from: -1.0, through: 1.0, by: 0.5) { out.append([e, sc, al]) }
        } else {
          out.append([sc, al])
        }
      }
    }
    return out
  }

  /// Without E: ln L = α ln X_c − α ln X is linear; ordinary least squares (LAPACK) gives the
  /// squared-loss optimum exactly. With E: variable projection over a log-spaced α grid,
  /// L ≈ E + K X^−α solved by non-negative weighted least squares, local minima as starts.
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts {
    let lx = logX(data)
    let n = data.count
    if !irreducible {
      var a = Matrix(rows: n, columns: 2)
      for i in 0..<n {
        a[i, 0] = 1
        a[i, 1] = -lx[i]
      }
      let sol = try a.leastSquares(data.logLoss)
      let c = sol.solution[0], al = sol.solution[1]
      guard al != 0, al.isFinite else {
        return FastStarts(starts: [[1, 0.1]], warnings: ["loss does not vary with \(symbol)"])
      }
      return FastStarts(starts: [[c / al, al]], gridCells: 1)
    }
    let grid = ChinchillaLaw.exponentGrid
    var results: [(Double, [Double])] = []
    for al in grid {
      var G = [Double](repeating: 0, count: 4), rhs = [0.0, 0.0]
      for i in 0..<n {
        let w = 1 / (data.loss[i] * data.loss[i])
        let x = exp(-al * lx[i])
        G[0] += w
        G[1] += w * x
        G[3] += w * x * x
        rhs[0] += w * data.loss[i]
        rhs[1] += w * x * data.loss[i]
      }
      G[2] = G[1]
      if let (c, r) = try nonNegativeSolve(gram: G, rhs: rhs, yy: Double(n)) {
        results.append((r, [c[0], c[1], al]))
      } else {
        results.append((.infinity, [0, 0, al]))
      }
    }
    var minima: [(Double, [Double])] = []
    for j in 0..<results.count {
      let v = results[j].0
      guard v.isFinite else { continue }
      if (j == 0 || results[j - 1].0 >= v) && (j == results.count - 1 || results[j + 1].0 >= v) {
        minima.append(results[j])
      }
    }
    minima.sort { $0.0 < $1.0 }
    let minLoss = data.loss.min() ?? 1
    let starts = minima.prefix(4).map { (_, c) -> [Double] in
      let E = max(c[0], 1e-4 * minLoss)
      let K = max(c[1], 1e-300)
      return [log(E), log(K) / c[2], c[2]]
    }
    return FastStarts(starts: starts, gridCells: grid.count)
  }

  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    let x: Double
    switch variable {
    case .params: x = params
    case .tokens: x = tokens
    default: x = flops
    }
    return irreducible ? p[0] + pow(p[1] / x, p[2]) : pow(p[0] / x, p[1])
  }
}
