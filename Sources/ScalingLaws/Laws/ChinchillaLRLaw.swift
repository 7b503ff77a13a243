import Fitting
import Foundation

/// The Chinchilla law over whole training curves, with the learning-rate schedule as input:
///
///     L(N, t) = E + A/N^α + B/S1_tok(t)^β − C·S2(t)
///
/// S1_tok(t) = Σ_{τ≤t} (η_τ/η_peak)·tokens per step is the schedule-weighted token count (D for a
/// constant schedule, fewer effective tokens while the rate is low); S2 is the annealing area of
/// Tissue et al. 2024 (`LRAnnealingLaw`) on the absolute rate η, so a run with a lower peak rate
/// gets a smaller annealing bonus, as the multi-power law of Luo et al. 2025 has it (measured on
/// the mini-Pythia runs, whose larger models use lower peak rates: see datasets/README.md).
/// Internal θ = (ln A, ln B, ln E, ln C, α, β); reported (E, A, B, C, alpha, beta).
public struct ChinchillaLRLaw: ScalingLaw {
  public init() {}

  public var kind: LawKind { .chinchillaLR }
  public var name: String { "chinchilla-lr" }
  public var formula: String { "L = E + A/N^alpha + B/S1_tok^beta - C*S2 (S1_tok = lr-weighted tokens, S2 = annealing area)" }
  public var parameterNames: [String] { ["E", "A", "B", "C", "alpha", "beta"] }
  public var exponentNames: Set<String> { ["alpha", "beta"] }
  public var required: Set<Quantity> { [.params, .step, .loss] }

  public func reported(_ t: [Double]) -> [Double] { [exp(t[2]), exp(t[0]), exp(t[1]), exp(t[3]), t[4], t[5]] }
  public func internalParameters(_ p: [Double]) -> [Double] { [log(p[1]), log(p[2]), log(p[0]), log(p[3]), p[4], p[5]] }
  public func reportedDerivatives(_ t: [Double]) -> [Double] { [exp(t[2]), exp(t[0]), exp(t[1]), exp(t[3]), 1, 1] }
  public var reportedOrder: [Int] { [2, 0, 1, 3, 4, 5] }

  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double]) -> Double {
    let c = data.curve!
    let lN = data.logParams[i], lX = data.logTokenArea[i], s2 = c.annealing[i]
    let pa = exp(t[0] - t[4] * lN), pb = exp(t[1] - t[5] * lX), e = exp(t[2]), cc = exp(t[3])
    let L = e + pa + pb - cc * s2
    guard L > 0, L.isFinite else { return LogResidual.invalid(&g) }
    g[0] = pa / L
    g[1] = pb / L
    g[2] = e / L
    g[3] = -cc * s2 / L
    g[4] = -pa * lN / L
    g[5] = -pb * lX / L
    return log(L)
  }

  /// The hot path: f and ∇f in one pass (the token-area logs are taken once per call).
  public func objective(_ t: [Double], _ data: LogData, loss: RobustLoss, gradient: inout [Double]) -> Double {
    let c = data.curve!
    let a = t[0], b = t[1], e = exp(t[2]), cc = exp(t[3]), al = t[4], be = t[5]
    var f = 0.0
    var g = [Double](repeating: 0, count: 6)
    for i in 0..<data.count {
      let lN = data.logParams[i], lX = data.logTokenArea[i], s2 = c.annealing[i]
      let pa = exp(a - al * lN), pb = exp(b - be * lX)
      let L = e + pa + pb - cc * s2
      guard let q = LogResidual.weight(prediction: L, observedLog: data.logLoss[i], loss: loss, adding: &f) else {
        return LogResidual.invalid(&gradient)
      }
      g[0] += q * pa
      g[1] += q * pb
      g[2] += q * e
      g[3] -= q * cc * s2
      g[4] -= q * pa * lN
      g[5] -= q * pb * lX
    }
    for j in 0..<6 { gradient[j] = g[j] }
    return f
  }

  public func gridStarts() -> [[Double]] {
    var out: [[Double]] = []
    for al in stride(from: 0.0, through: 2.0, by: 0.5) {
      for be in stride(from: 0.0, through: 2.0, by: 0.5) {
        for e in [-1.0, 0, 1] { for a in [0.0, 10, 20] { for b in [0.0, 10, 20] { for c in [-8.0, 0] {
          out.append([a, b, e, c, al, be])
        } } } }
      }
    }
    return out
  }

  /// Variable projection: for fixed (α, β) the law is linear in (E, A, B, C) ≥ 0. On the 24 × 24
  /// exponent grid of the Chinchilla search, a weighted NNLS per cell (LAPACK); each local
  /// minimum of the surface is refined on a 5 × 5 grid at a quarter of the spacing.
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts {
    let c = data.curve!
    guard c.tokenArea.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      // A zero area is a checkpoint before any training (step 0, or a zero learning rate so
      // far); a non-finite one is a missing token count.
      let zero = c.tokenArea.filter { $0 == 0 }.count
      if zero > 0 {
        throw FitError(
          "chinchilla-lr: \(zero) checkpoint\(zero == 1 ? " is" : "s are") at step 0 or before any learning rate (token area S1_tok = 0, where the law's B/S1^beta is infinite); drop them with \(OptionName.minStep) 1 or more")
      }
      throw FitError(
        "chinchilla-lr needs tokens per step for the token area S1_tok: give \(OptionName.tokensPerStep) or a tokens column")
    }
    let logX = c.tokenArea.map { log($0) }
    let ones = [Double](repeating: 1, count: data.count)
    let minusS2 = c.annealing.map { -$0 }
    let grid = ChinchillaLaw.exponentGrid
    let k = grid.count
    let vp = PairedProjection(fixed: [ones, minusS2], loss: data.loss)
    let colsN = grid.map { al in vp.column(data.logParams.map { exp(-al * $0) }) }
    let colsX = grid.map { be in vp.column(logX.map { exp(-be * $0) }) }
    let rss = try gridSurface(k) { try vp.solve(colsN[$0], colsX[$1])?.0 }
    let minima = gridLocalMinima(rss, rows: k, columns: k)
    let floor = 1e-8 * (data.loss.min() ?? 1)
    let s2Scale = max(c.annealing.max() ?? 0, 1e-300)
    var refined: [(Double, [Double])] = []
    for cell in minima.prefix(6) {
      let (alphas, betas) = fineExponents(around: cell, grid: grid, step: ChinchillaLaw.exponentGridStep)
      var best: (Double, [Double])? = nil
      for al in alphas {
        let xn = vp.column(data.logParams.map { exp(-al * $0) })
        for be in betas {
          let xx = vp.column(logX.map { exp(-be * $0) })
          guard let (r, v) = try vp.solve(xn, xx) else { continue }
          if best == nil || r < best!.0 {
            best = (r, [log(max(v[1], floor)), log(max(v[2], floor)), log(max(v[0], 1e4 * floor)),
                        log(max(v[3], floor / s2Scale)), al, be])
          }
        }
      }
      if let best { refined.append(best) }
    }
    refined.sort { $0.0 < $1.0 }
    var warnings = exponentGridEdgeWarning(minima, grid)
    if (c.annealing.max() ?? 0) == 0 {
      warnings.append("S2 = 0 at every checkpoint (the learning rate never decays): C is not identifiable")
    }
    return FastStarts(starts: refined.map { $0.1 }, warnings: warnings, gridCells: k * k + 25 * refined.count)
  }

  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    .nan  // needs the schedule: use predictions(_:_:) on data with curve features
  }
}
