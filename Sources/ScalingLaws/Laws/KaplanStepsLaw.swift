import Fitting
import Foundation
import LinearAlgebra

/// Kaplan et al. 2020 eq. 1.6: L(N, S) = (N_c/N)^α_N + (S_c/S)^α_S, over optimiser steps S
/// (Kaplan's S_min; here the checkpoint's step). Needs a step column; step 0 must be filtered.
///
/// Internal θ = (ln N_c, α_N, ln S_c, α_S); log L = LSE(α_N(ln N_c − ln N), α_S(ln S_c − ln S)).
/// Reported (Nc, alpha_N, Sc, alpha_S).
public struct KaplanStepsLaw: ScalingLaw {
  public init() {}

  public var kind: LawKind { .kaplanNS }
  public var name: String { "kaplan-ns" }
  public var formula: String { "L = (Nc/N)^alpha_N + (Sc/S)^alpha_S" }
  public var parameterNames: [String] { ["Nc", "alpha_N", "Sc", "alpha_S"] }
  public var exponentNames: Set<String> { ["alpha_N", "alpha_S"] }
  public var required: Set<Quantity> { [.params, .step, .loss] }

  public func reported(_ t: [Double]) -> [Double] { [exp(t[0]), t[1], exp(t[2]), t[3]] }
  public func internalParameters(_ p: [Double]) -> [Double] { [log(p[0]), p[1], log(p[2]), p[3]] }
  public func reportedDerivatives(_ t: [Double]) -> [Double] { [exp(t[0]), 1, exp(t[2]), 1] }

  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double]) -> Double {
    let v1 = t[0] - data.logParams[i], v2 = t[2] - data.logSteps[i]
    let u1 = t[1] * v1, u2 = t[3] * v2
    let m = max(u1, u2)
    let e1 = exp(u1 - m), e2 = exp(u2 - m)
    let s = e1 + e2
    let w1 = e1 / s, w2 = e2 / s
    g[0] = w1 * t[1]
    g[1] = w1 * v1
    g[2] = w2 * t[3]
    g[3] = w2 * v2
    return m + log(s)
  }

  /// α_N, α_S ∈ {0.05, .5, 1, 1.5, 2}; ln N_c ∈ {0, 10, …, 50}; ln S_c ∈ {0, 5, …, 25}.
  public func gridStarts() -> [[Double]] {
    let ex = [0.05, 0.5, 1, 1.5, 2]
    var out: [[Double]] = []
    for an in ex {
      for asx in ex {
        for n in stride(from: 0.0, through: 50.0, by: 10.0) {
          for sc in stride(from: 0.0, through: 25.0, by: 5.0) { out.append([n, an, sc, asx]) }
        }
      }
    }
    return out
  }

  /// Variable projection: for fixed (α_N, α_S), L = K₁ N^−α_N + K₂ S^−α_S is linear in
  /// (K₁, K₂) ≥ 0 (weighted NNLS, LAPACK), on a 40 × 40 log-spaced exponent grid. Cells are
  /// scored by the objective itself (on at most 4,000 strided points) and one start is taken
  /// from each of the best six local minima of that surface.
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts {
    guard data.logSteps.allSatisfy({ $0.isFinite }) else {
      throw FitError("kaplan-ns needs positive steps: drop step 0 with \(OptionName.minStep) 1")
    }
    let grid = (0..<40).map { 0.01 * pow(300.0, Double($0) / 39.0) }
    let n = data.count
    return try startsFromGrid(rows: grid.count, columns: grid.count, data: data, loss: loss) { ia, ib in
      let an = grid[ia], asx = grid[ib]
      var G = [0.0, 0.0, 0.0, 0.0], rhs = [0.0, 0.0]
      for i in 0..<n {
        let w = 1 / (data.loss[i] * data.loss[i])
        let x1 = exp(-an * data.logParams[i]), x2 = exp(-asx * data.logSteps[i])
        G[0] += w * x1 * x1
        G[1] += w * x1 * x2
        G[3] += w * x2 * x2
        rhs[0] += w * x1 * data.loss[i]
        rhs[1] += w * x2 * data.loss[i]
      }
      G[2] = G[1]
      guard let (c, _) = try nonNegativeSolve(gram: G, rhs: rhs, yy: Double(n)), c[0] > 0, c[1] > 0 else { return nil }
      return [log(c[0]) / an, an, log(c[1]) / asx, asx]
    }
  }

  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    pow(p[0] / params, p[1]) + pow(p[2] / steps, p[3])
  }
}
