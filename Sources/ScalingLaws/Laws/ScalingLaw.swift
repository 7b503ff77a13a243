/// A parametric loss law fitted in log space: the residual of point i is
/// r_i = log L̂(θ; x_i) − log L_i, and the objective is Σ ρ(r_i).
///
/// Each law optimises over internal parameters θ (log-scales such as a = ln A, so that every
/// coordinate has a similar scale) and reports named physical parameters p (A = e^a). The map
/// θ → p is element-wise, so `reportedDerivatives` gives the diagonal of ∂p/∂θ.
public protocol ScalingLaw: Sendable {
  var kind: LawKind { get }
  /// `--law` name, plus "+E" for an irreducible term.
  var name: String { get }
  /// The formula as text, e.g. "L = E + A/N^alpha + B/D^beta".
  var formula: String { get }
  /// Reported parameter names, in output order.
  var parameterNames: [String] { get }
  /// Whether the optional irreducible term is on (`--irreducible`; "+E" in the law's name).
  var hasIrreducibleTerm: Bool { get }
  /// The power-law exponents among them (α, β, γ: the range warnings and the bootstrap figure
  /// are about these).
  var exponentNames: Set<String> { get }
  /// Columns the law needs.
  var required: Set<Quantity> { get }

  func reported(_ theta: [Double]) -> [Double]
  func internalParameters(_ p: [Double]) -> [Double]
  /// ∂p_k/∂θ_{order[k]}, in reported order.
  func reportedDerivatives(_ theta: [Double]) -> [Double]
  /// For each reported parameter, the index of the internal parameter it comes from.
  var reportedOrder: [Int] { get }
  /// The full ∂p_c/∂θ_j for a law whose map θ → p is not element-wise (nil: the diagonal
  /// `reportedDerivatives` in `reportedOrder` is exact).
  func reportedJacobian(_ theta: [Double]) -> [[Double]]?

  /// log L̂ at point i, with ∂ log L̂/∂θ written into `gradient`.
  func logPrediction(_ theta: [Double], _ data: LogData, _ i: Int, gradient: inout [Double]) -> Double

  /// Σ ρ(r_i) and its gradient with respect to θ.
  func objective(_ theta: [Double], _ data: LogData, loss: RobustLoss, gradient: inout [Double])
    -> Double

  /// The Hoffmann/Epoch-style grid of starting points.
  func gridStarts() -> [[Double]]
  /// Starting points from the law's own global strategy (variable projection, linear fits).
  func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts

  /// L-BFGS options for the starts of the fast search when they differ from the final polish's
  /// (nil: the polish options). The final Newton polish is the same for every law.
  var startOptions: LBFGS.Options? { get }
  /// Ranges a law's parametrisation keeps parameters in (a fit at a bound is reported).
  var parameterBounds: [String: ClosedRange<Double>] { get }

  /// Residuals on the linear scale (ŷ − y: a metric law, a formula law with linear residuals)
  /// rather than in logs; `LogData.logLoss` then holds the response itself.
  var linearResponse: Bool { get }
  /// The law's own input columns of `d`, in the order `LogData.inputs` holds them (empty for the
  /// built-in laws, which read N, D, C and the step from their own fields).
  func inputColumns(_ d: Dataset) -> [[Double]]

  /// L̂ for reported parameters at a point (N, D, C, step); unused inputs may be NaN.
  func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double
}

/// Starting points from a law's global search, best first, with any grid-edge warning.
public struct FastStarts: Sendable {
  public var starts: [[Double]]
  public var warnings: [String]
  /// Cells of the (α, β) or α grid examined.
  public var gridCells: Int

  public init(starts: [[Double]], warnings: [String] = [], gridCells: Int = 0) {
    self.starts = starts
    self.warnings = warnings
    self.gridCells = gridCells
  }
}

extension ScalingLaw {
  public var parameterCount: Int { parameterNames.count }
  /// The law inside any fixes, ties and priors.
  public var baseLaw: any ScalingLaw {
    if let c = self as? ConstrainedLaw { return c.inner.baseLaw }
    if let p = self as? PriorLaw { return p.inner.baseLaw }
    return self
  }
  /// Only Kaplan's single-variable laws have the term as an option.
  public var hasIrreducibleTerm: Bool { false }

  /// L̂ at a point without a step (every law but kaplan-ns).
  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double) -> Double {
    predict(p, params: params, tokens: tokens, flops: flops, steps: .nan)
  }
  public var reportedOrder: [Int] { Array(0..<parameterNames.count) }
  public func reportedJacobian(_ theta: [Double]) -> [[Double]]? { nil }
  public var startOptions: LBFGS.Options? { nil }
  public var parameterBounds: [String: ClosedRange<Double>] { [:] }
  public var linearResponse: Bool { kind.isMetricLaw }
  public func inputColumns(_ d: Dataset) -> [[Double]] { [] }

  /// Σ ρ(r_i) at θ, without the gradient (ranking grid cells by the objective itself).
  public func objectiveValue(_ theta: [Double], _ data: LogData, loss: RobustLoss) -> Double {
    var g = [Double](repeating: 0, count: theta.count)
    var f = 0.0
    for i in 0..<data.count {
      f += loss.rho(logPrediction(theta, data, i, gradient: &g) - data.logLoss[i])
    }
    return f
  }

  /// Generic objective through `logPrediction` (laws with a hot path override it).
  public func objective(
    _ theta: [Double], _ data: LogData, loss: RobustLoss, gradient: inout [Double]
  ) -> Double {
    let k = theta.count
    for j in 0..<k { gradient[j] = 0 }
    var g = [Double](repeating: 0, count: k)
    var f = 0.0
    for i in 0..<data.count {
      let r = logPrediction(theta, data, i, gradient: &g) - data.logLoss[i]
      f += loss.rho(r)
      let psi = loss.psi(r)
      for j in 0..<k { gradient[j] += psi * g[j] }
    }
    return f
  }
}

import Fitting
import Foundation

/// L̂ at every point of a dataset for any parameter vector: through `predict` for laws of
/// per-point columns, through the log-space prediction on the points' curve features (built
/// once) for the learning-rate-aware laws, and through ŷ at each point's x for a metric law.
public struct PointPredictor: Sendable {
  public let law: any ScalingLaw
  public let dataset: Dataset
  private let data: LogData?

  public init(law: any ScalingLaw, dataset: Dataset) {
    self.law = law
    self.dataset = dataset
    data = law.kind.modelsSchedule || law.kind.isMetricLaw || law.kind == .formula ? LogData(dataset, for: law) : nil
  }

  /// Reported parameters p → L̂ per point (NaN where the law cannot predict).
  public func callAsFunction(_ p: [Double]) -> [Double] {
    let d = dataset
    guard let data else {
      return (0..<d.count).map { i in
        law.predict(p, params: d.params[i], tokens: d.tokens[i], flops: d.flops[i], steps: d.step?[i] ?? .nan)
      }
    }
    let theta = law.internalParameters(p)
    var g = [Double](repeating: 0, count: theta.count)
    let metric = law.linearResponse
    return (0..<d.count).map { i in
      let r = law.logPrediction(theta, data, i, gradient: &g)
      let v = metric ? r : Foundation.exp(r)
      return v.isFinite ? v : .nan
    }
  }
}
