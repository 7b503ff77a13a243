import CMultiPower
import Fitting
import Foundation

/// The multi-power law (Luo et al. 2025, arXiv 2503.12811) as a fitted law over one model size's
/// checkpoints, under any learning-rate schedules:
///
///     L(t) = L0 + A·S1(t)^−α − B·Σ_{k=1..t} (η_{k−1} − η_k)·(1 − (C·η_k^−γ·S_k(t) + 1)^−β)
///
/// (`MultiPowerLaw` evaluates it exactly; the fit evaluates the sum on `MultiPowerNodes`).
/// Internal θ = (ln L0, ln A, ln B, ln C, α, u, γ) with β = 0.1 + 2.9/(1 + e^−u) kept in (0.1, 3): one
/// schedule alone barely separates C and β (as β → ∞ with C·β fixed, G tends to 1 − e^−kx; as β → 0 with B·β fixed,
/// to a logarithm; an unbounded search walks these valleys for thousands of steps); the published fits
/// have β ≈ 0.6. Reported (L0, A, alpha, B, C, beta, gamma), the authors' order.
public struct MultiPowerFitLaw: ScalingLaw {
  public init() {}

  public var kind: LawKind { .multiPower }
  public var name: String { "multi-power" }
  public var formula: String {
    "L = L0 + A*S1^-alpha - B*sum_k (lr_{k-1} - lr_k)*(1 - (C*lr_k^-gamma*S_k + 1)^-beta)"
  }
  public var parameterNames: [String] { MultiPowerLaw.parameterNames }
  public var exponentNames: Set<String> { ["alpha", "beta", "gamma"] }
  public var required: Set<Quantity> { [.step, .loss] }

  /// The upper bound of β.
  public static let betaMax = 3.0
  /// The lower bound of β.
  public static let betaMin = 0.1
  static func beta(_ u: Double) -> Double { betaMin + (betaMax - betaMin) / (1 + exp(-u)) }
  static func u(_ beta: Double) -> Double { log((beta - betaMin) / (betaMax - beta)) }
  /// dβ/du.
  static func betaSlope(_ beta: Double) -> Double { (beta - betaMin) * (betaMax - beta) / (betaMax - betaMin) }

  public func reported(_ t: [Double]) -> [Double] {
    [exp(t[0]), exp(t[1]), t[4], exp(t[2]), exp(t[3]), Self.beta(t[5]), t[6]]
  }
  public func internalParameters(_ p: [Double]) -> [Double] {
    [log(p[0]), log(p[1]), log(p[3]), log(p[4]), p[2], Self.u(min(max(p[5], Self.betaMin + 1e-12), Self.betaMax - 1e-12)), p[6]]
  }
  public func reportedDerivatives(_ t: [Double]) -> [Double] {
    let b = Self.beta(t[5])
    return [exp(t[0]), exp(t[1]), 1, exp(t[2]), exp(t[3]), Self.betaSlope(b), 1]
  }
  public var reportedOrder: [Int] { [0, 1, 4, 2, 3, 5, 6] }

  /// Starts polished from the best grid cells.
  static let startCount = 2

  public var parameterBounds: [String: ClosedRange<Double>] { ["beta": Self.betaMin...Self.betaMax] }

  /// Starts stop at a moderate tolerance (each evaluation sums ~200 nodes per checkpoint); the
  /// chosen start is then polished by the damped Newton method to the usual tolerances.
  public var startOptions: LBFGS.Options? {
    var o = Polisher.lbfgsOptions
    o.gradientTolerance = 1e-7
    o.functionTolerance = 1e-10
    o.maxIterations = 2_000
    o.maxEvaluations = 4_000
    return o
  }

  /// LD and its derivatives with respect to ln C, β and γ at point i: the C kernel
  /// (`scaling_multipower_reduction`, glibc's vector exp/log1p where the machine has them: ~3x
  /// the scalar loop on the 25,473 nodes of a 24,000-step curve).
  @inline(__always)
  func reduction(_ nodes: MultiPowerNodes, _ i: Int, c: Double, beta: Double, gamma: Double)
    -> (ld: Double, dc: Double, dbeta: Double, dgamma: Double)
  {
    let lo = nodes.start[i], count = nodes.start[i + 1] - lo
    var out = (0.0, 0.0, 0.0, 0.0)
    guard count > 0 else { return out }  // a constant rate without warm-up: no drops at all
    nodes.drop.withUnsafeBufferPointer { d in
      nodes.area.withUnsafeBufferPointer { s in
        nodes.logRate.withUnsafeBufferPointer { le in
          withUnsafeMutableBytes(of: &out) { o in
            scaling_multipower_reduction(
              d.baseAddress! + lo, s.baseAddress! + lo, le.baseAddress! + lo, count, c, beta, gamma,
              o.baseAddress!.assumingMemoryBound(to: Double.self))
          }
        }
      }
    }
    return out
  }

  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double]) -> Double {
    let nodes = data.multiPowerNodes!
    let l0 = exp(t[0]), b = exp(t[2])
    let ls1 = log(nodes.s1[i])
    let pa = exp(t[1] - t[4] * ls1)
    let beta = Self.beta(t[5])
    let r = reduction(nodes, i, c: t[3], beta: beta, gamma: t[6])
    let L = l0 + pa - b * r.ld
    guard L > 0, L.isFinite else { return LogResidual.invalid(&g) }
    g[0] = l0 / L
    g[1] = pa / L
    g[2] = -b * r.ld / L
    g[3] = -b * r.dc / L
    g[4] = -pa * ls1 / L
    g[5] = -b * r.dbeta * Self.betaSlope(beta) / L
    g[6] = -b * r.dgamma / L
    return log(L)
  }

  /// f and ∇f in one pass over the points (the node sums in `reduction`).
  public func objective(_ t: [Double], _ data: LogData, loss: RobustLoss, gradient: inout [Double]) -> Double {
    let nodes = data.multiPowerNodes!
    let l0 = exp(t[0]), b = exp(t[2]), al = t[4], beta = Self.beta(t[5])
    let slope = Self.betaSlope(beta)
    var f = 0.0
    var g = [Double](repeating: 0, count: 7)
    for i in 0..<data.count {
      let r = reduction(nodes, i, c: t[3], beta: beta, gamma: t[6])
      let ls1 = log(nodes.s1[i])
      let pa = exp(t[1] - al * ls1)
      let L = l0 + pa - b * r.ld
      guard let w = LogResidual.weight(prediction: L, observedLog: data.logLoss[i], loss: loss, adding: &f) else {
        return LogResidual.invalid(&gradient)
      }
      g[0] += w * l0
      g[1] += w * pa
      g[2] -= w * b * r.ld
      g[3] -= w * b * r.dc
      g[4] -= w * pa * ls1
      g[5] -= w * b * r.dbeta * slope
      g[6] -= w * b * r.dgamma
    }
    for j in 0..<7 { gradient[j] = g[j] }
    return f
  }

  public func gridStarts() -> [[Double]] {
    var out: [[Double]] = []
    for al in [0.2, 0.5, 0.8] { for be in [0.3, 0.6, 0.9] { for ga in [0.3, 0.6] {
      for l0 in [0.0, 1] { for a in [-1.0, 0] { for b in [4.0, 6] { for c in [0.0, 1.5] {
        out.append([l0, a, b, c, al, Self.u(be), ga])
      } } } }
    } } }
    return out
  }

  /// Variable projection: for fixed (α, C, β, γ) the law is linear in (L0, A, B) ≥ 0. A coarse
  /// grid, α × (C, β, γ) = 8 × 4 × 4 × 4 cells, each a weighted NNLS; the best cells, one per
  /// (C, β, γ) triple, start the polish (the best two: more found no lower optimum on the
  /// lr-schedules curves and cost a polish each).
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts {
    let nodes = data.multiPowerNodes!
    let n = data.count
    let logS1 = nodes.s1.map { log($0) }
    let ones = [Double](repeating: 1, count: n)
    let alphas = [0.1, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8, 1.0]
    let cs = [0.1, 0.5, 2.0, 8.0], betas = [0.3, 0.5, 0.7, 0.9], gammas = [0.3, 0.5, 0.65, 0.8]
    let powerColumns = alphas.map { al in logS1.map { exp(-al * $0) } }
    var cells3: [(Double, Double, Double)] = []
    for c in cs { for be in betas { for ga in gammas { cells3.append((c, be, ga)) } } }
    let triples = cells3
    let cells: [(Double, [Double])?] = parallelMap(triples.count) { k in
      let (c, be, ga) = triples[k]
      let minusLD = (0..<n).map { -reduction(nodes, $0, c: log(c), beta: be, gamma: ga).ld }
      var best: (Double, [Double])? = nil
      for (ia, al) in alphas.enumerated() {
        guard let (r, v) = try? relativeNonNegativeFit(columns: [ones, powerColumns[ia], minusLD], loss: data.loss),
          v[0] > 0, v[1] > 0, v[2] > 0
        else { continue }
        if best == nil || r < best!.0 { best = (r, [log(v[0]), log(v[1]), log(v[2]), log(c), al, Self.u(be), ga]) }
      }
      return best
    }
    let ranked = cells.compactMap { $0 }.sorted { $0.0 < $1.0 }
    return FastStarts(starts: ranked.prefix(Self.startCount).map { $0.1 }, gridCells: alphas.count * triples.count)
  }

  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    .nan  // needs the schedule: use predictions(_:_:) on data with curve features
  }
}
