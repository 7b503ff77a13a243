import Fitting
import Foundation

/// The learning-rate-annealing law of Tissue et al. 2024 ("Scaling Law with Learning Rate
/// Annealing", arXiv 2408.11029) for one model size:
///
///     L(t) = L0 + A·S1(t)^−α − C·S2(t),
///     S1(t) = Σ_{τ≤t} η_τ,  S2(t) = Σ_{i≤t} m_i,  m_i = λ·m_{i−1} + (η_{i−1} − η_i)
///
/// with the areas computed by the loader from each run's schedule (`CurveFeatures`; λ from
/// `--annealing-decay`, default 0.999). Internal θ = (ln L0, ln A, ln C, α); reported
/// (L0, A, C, alpha).
public struct LRAnnealingLaw: ScalingLaw {
  public init() {}

  public var kind: LawKind { .lrAnnealing }
  public var name: String { "lr-annealing" }
  public var formula: String { "L = L0 + A*S1^-alpha - C*S2 (S1 = sum of lr, S2 = annealing area)" }
  public var parameterNames: [String] { ["L0", "A", "C", "alpha"] }
  public var exponentNames: Set<String> { ["alpha"] }
  public var required: Set<Quantity> { [.step, .loss] }

  public func reported(_ t: [Double]) -> [Double] { [exp(t[0]), exp(t[1]), exp(t[2]), t[3]] }
  public func internalParameters(_ p: [Double]) -> [Double] { [log(p[0]), log(p[1]), log(p[2]), p[3]] }
  public func reportedDerivatives(_ t: [Double]) -> [Double] { [exp(t[0]), exp(t[1]), exp(t[2]), 1] }

  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double]) -> Double {
    let c = data.curve!
    let l0 = exp(t[0]), cc = exp(t[2])
    let ls1 = data.logArea[i]
    let pa = exp(t[1] - t[3] * ls1)
    let s2 = c.annealing[i]
    let L = l0 + pa - cc * s2
    guard L > 0 else { return LogResidual.invalid(&g) }
    g[0] = l0 / L
    g[1] = pa / L
    g[2] = -cc * s2 / L
    g[3] = -pa * ls1 / L
    return log(L)
  }

  public func gridStarts() -> [[Double]] {
    var out: [[Double]] = []
    for al in stride(from: 0.1, through: 1.5, by: 0.2) {
      for l0 in [-1.0, 0, 1] { for a in [-2.0, 0, 2] { for c in [-8.0, -4, 0] { out.append([l0, a, c, al]) } } }
    }
    return out
  }

  /// Variable projection: for fixed α the law is linear in (L0, A, C) ≥ 0; α on a 24-point log
  /// grid in [0.01, 2.5], each local minimum refined at a quarter of the spacing.
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts {
    let c = data.curve!
    let logArea = c.area.map { log($0) }
    let ones = [Double](repeating: 1, count: data.count)
    let minusS2 = c.annealing.map { -$0 }
    func cell(_ alpha: Double) throws -> (Double, [Double])? {
      let x = logArea.map { exp(-alpha * $0) }
      return try relativeNonNegativeFit(columns: [ones, x, minusS2], loss: data.loss)
    }
    let grid = ChinchillaLaw.exponentGrid
    let rss = try grid.map { try cell($0)?.0 ?? .infinity }
    let minima = gridLocalMinima(rss, rows: 1, columns: grid.count)
    let ratio = ChinchillaLaw.exponentGridStep
    let floor = 1e-8 * (data.loss.min() ?? 1)
    let s2Scale = max(c.annealing.max() ?? 0, 1e-300)
    var starts: [(Double, [Double])] = []
    for m in minima.prefix(4) {
      for j in -2...2 {
        let al = grid[m] * pow(ratio, Double(j) / 4)
        guard let (r, v) = try cell(al) else { continue }
        starts.append((r, [log(max(v[0], floor)), log(max(v[1], floor)), log(max(v[2], floor / s2Scale)), al]))
      }
    }
    starts.sort { $0.0 < $1.0 }
    var warnings: [String] = []
    if (c.annealing.max() ?? 0) == 0 {
      warnings.append("S2 = 0 at every checkpoint (the learning rate never decays): C is not identifiable")
    }
    return FastStarts(starts: Array(starts.prefix(6).map { $0.1 }), warnings: warnings, gridCells: grid.count + starts.count)
  }

  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    .nan  // needs the schedule: use predictions(_:_:) on data with curve features
  }
}
