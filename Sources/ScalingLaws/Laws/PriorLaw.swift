import Fitting
import Foundation

/// A law fitted with Gaussian priors on some of its parameters (a MAP fit). The objective is
///
///     F(θ) = Σ ρ(r_i) + c · Σ_k z_k² / 2,     z_k = (g(p_k) − μ_k) / σ_k,
///
/// the data term of the plain fit plus the prior term, with g the identity or log10. `c` puts the
/// prior in the data term's units: for an M-estimator with per-point loss ρ and ψ = ρ', the data
/// term's curvature is E[ψ′]·JᵀJ while the information the data carry is JᵀJ·E[ψ′]²/E[ψ²], so
/// the posterior mode is the minimum of F with c = E[ψ²]/E[ψ′] (for least squares c = s², the
/// residual variance; for Huber, E[ψ′] is the share of residuals inside δ, taken from a normal
/// law with the residuals' robust scale so that it never vanishes). `LawFitter` estimates c at
/// the best start, re-estimates it at the optimum when it is off there by more than a factor 1.5,
/// and records it; a bootstrap keeps it fixed.
public struct PriorLaw: ScalingLaw {
  public let inner: any ScalingLaw
  public let priors: [Prior]
  /// Reported index (in `inner.parameterNames`) of each prior's parameter.
  let indices: [Int]
  /// The weight c of the prior term (nil: not yet estimated; the prior term is then 0).
  public let scale: Double?

  public init(_ inner: any ScalingLaw, priors: [Prior], scale: Double? = nil) throws {
    let names = inner.parameterNames
    var seen: Set<String> = []
    indices = try priors.map { p in
      guard let i = names.firstIndex(of: p.parameter) else {
        throw FitError(
          "no parameter '\(p.parameter)' to put a prior on: the free parameters of the \(inner.name) law are \(names.joined(separator: ", "))")
      }
      guard seen.insert(p.parameter).inserted else { throw FitError("two priors on \(p.parameter)") }
      return i
    }
    self.inner = inner
    self.priors = priors
    self.scale = scale
  }

  public func withScale(_ c: Double) -> PriorLaw {
    // The parameters were checked when this law was made.
    try! PriorLaw(inner, priors: priors, scale: c)
  }

  public var kind: LawKind { inner.kind }
  public var name: String { inner.name }
  public var hasIrreducibleTerm: Bool { inner.hasIrreducibleTerm }
  public var formula: String { inner.formula }
  public var parameterNames: [String] { inner.parameterNames }
  public var exponentNames: Set<String> { inner.exponentNames }
  public var required: Set<Quantity> { inner.required }
  public var startOptions: LBFGS.Options? { inner.startOptions }
  public var parameterBounds: [String: ClosedRange<Double>] { inner.parameterBounds }
  public var linearResponse: Bool { inner.linearResponse }
  public func inputColumns(_ d: Dataset) -> [[Double]] { inner.inputColumns(d) }
  public var reportedOrder: [Int] { inner.reportedOrder }
  public func reported(_ t: [Double]) -> [Double] { inner.reported(t) }
  public func internalParameters(_ p: [Double]) -> [Double] { inner.internalParameters(p) }
  public func reportedDerivatives(_ t: [Double]) -> [Double] { inner.reportedDerivatives(t) }
  public func reportedJacobian(_ t: [Double]) -> [[Double]]? { inner.reportedJacobian(t) }
  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double]) -> Double {
    inner.logPrediction(t, data, i, gradient: &g)
  }
  public func gridStarts() -> [[Double]] { inner.gridStarts() }
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts { try inner.fastStarts(data, loss: loss) }
  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    inner.predict(p, params: params, tokens: tokens, flops: flops, steps: steps)
  }

  /// Each prior's z at θ.
  public func zScores(_ t: [Double]) -> [Double] {
    let p = inner.reported(t)
    return zip(priors, indices).map { $0.z(p[$1]) }
  }

  /// c·Σ z²/2 at θ, with its gradient added into `g`.
  public func priorTerm(_ t: [Double], addingGradientTo g: inout [Double]) -> Double {
    guard let c = scale, c > 0 else { return 0 }
    let p = inner.reported(t)
    let J = inner.reportedJacobian(t)
    let d = J == nil ? inner.reportedDerivatives(t) : []
    let order = inner.reportedOrder
    var f = 0.0
    for (prior, k) in zip(priors, indices) {
      let z = prior.z(p[k])
      f += 0.5 * c * z * z
      let w = c * z * prior.slope(p[k]) / prior.sd
      if let J {
        for j in 0..<g.count { g[j] += w * J[k][j] }
      } else {
        g[order[k]] += w * d[k]
      }
    }
    return f
  }

  /// c·Σ z²/2 at θ.
  public func priorTerm(_ t: [Double]) -> Double {
    var g = [Double](repeating: 0, count: t.count)
    return priorTerm(t, addingGradientTo: &g)
  }

  public func objective(_ t: [Double], _ data: LogData, loss: RobustLoss, gradient g: inout [Double]) -> Double {
    inner.objective(t, data, loss: loss, gradient: &g) + priorTerm(t, addingGradientTo: &g)
  }

  /// The weight c = E[ψ²]/E[ψ′] of residuals `r` of a fit with `k` free parameters (see the type's
  /// comment); E[ψ²] over n − k degrees of freedom.
  ///
  /// Checkpoints of one run are not independent observations: a smooth misfit leaves runs of
  /// residuals of one sign, and n such points carry the information of about n(1 − ρ)/(1 + ρ)
  /// independent ones (ρ the lag-1 correlation of consecutive residuals within a run, from
  /// `runs`). c is scaled by (1 + ρ)/(1 − ρ) for ρ > 0 (ρ capped at 0.9), so a prior is not
  /// outweighed by a curve's many correlated points.
  public static func scale(residuals r: [Double], loss: RobustLoss, freeParameters k: Int, runs: [String]? = nil) -> Double {
    let n = r.count
    let dof = Double(max(1, n - k))
    var c = r.reduce(0) { $0 + loss.psi($1) * loss.psi($1) } / dof
    if case .huber(let delta) = loss {
      // E[ψ′] = P(|r| ≤ δ) under a normal law with the residuals' robust scale 1.4826·MAD.
      let s = 1.4826 * percentile(r.map { Swift.abs($0) }, 0.5)
      let inside = s > 0 ? erf(delta / (s * 2.0.squareRoot())) : 1
      c /= max(inside, 1e-12)
    }
    let rho = min(0.9, lagOneCorrelation(r, runs: runs))
    return rho > 0 ? c * (1 + rho) / (1 - rho) : c
  }

  /// The correlation of consecutive residuals of the same run (0 without runs or pairs).
  static func lagOneCorrelation(_ r: [Double], runs: [String]?) -> Double {
    guard let runs, runs.count == r.count else { return 0 }
    var num = 0.0, den = 0.0, pairs = 0
    let mean = r.reduce(0, +) / Double(max(1, r.count))
    for i in r.indices {
      den += (r[i] - mean) * (r[i] - mean)
      if i > 0 && runs[i] == runs[i - 1] {
        num += (r[i] - mean) * (r[i - 1] - mean)
        pairs += 1
      }
    }
    guard pairs > 0, den > 0 else { return 0 }
    return num / den * Double(r.count) / Double(pairs)
  }

  /// Residuals r_i = log L̂_i − log L_i (y for a metric law) at θ.
  public func residuals(_ t: [Double], _ data: LogData) -> [Double] {
    var g = [Double](repeating: 0, count: t.count)
    return (0..<data.count).map { inner.logPrediction(t, data, $0, gradient: &g) - data.logLoss[$0] }
  }
}
