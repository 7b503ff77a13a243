import Foundation

/// A compute-optimal frontier fitted by Approach 1 (envelope) or 2 (IsoFLOP): N*(C) = kN·C^a,
/// D*(C) = kD·C^b and, with three budgets or more, the optimal loss L*(C) = E + k·C^−γ. What
/// `plan --law ISO.json` answers with: it knows the optimum at each budget, not the loss of
/// any (N, D) (that needs a law of N and D, `fit --law chinchilla`).
public struct AllocationFrontier: Sendable {
  public var name: String
  public var source: String
  public var a: Double
  public var kN: Double
  public var b: Double
  public var kD: Double
  public var lossLaw: OptimalLossLaw?
  /// The budgets the frontier was fitted on.
  public var fittedFlops: ClosedRange<Double>?
  /// The fit's warnings, repeated with every answer.
  public var fitWarnings: [String] = []

  public init(name: String, source: String, a: Double, kN: Double, b: Double, kD: Double, lossLaw: OptimalLossLaw?) {
    self.name = name
    self.source = source
    self.a = a
    self.kN = kN
    self.b = b
    self.kD = kD
    self.lossLaw = lossLaw
  }

  public func optimalParams(flops C: Double) -> Double { kN * pow(C, a) }
  public func optimalTokens(flops C: Double) -> Double { kD * pow(C, b) }
  /// L*(C); NaN without a loss law.
  public func optimalLoss(flops C: Double) -> Double { lossLaw?.loss(flops: C) ?? .nan }
  /// The budget whose optimal model has N parameters.
  public func flops(forParams N: Double) -> Double { pow(N / kN, 1 / a) }
  /// The budget whose optimal run has D tokens.
  public func flops(forTokens D: Double) -> Double { pow(D / kD, 1 / b) }
  public func flops(forLoss L: Double) -> Double? { lossLaw?.flops(forLoss: L) }

  /// The frontier of an Approach result (`name` for answers), with a sample per bootstrap
  /// resample when the result carries them.
  public init(_ r: ApproachResult, name: String) {
    self.init(name: name, source: "", a: r.a, kN: r.kN, b: r.b, kD: r.kD, lossLaw: r.lossLaw)
    let used = r.budgets.filter { $0.used }.map { $0.flops }
    if let lo = used.min(), let hi = used.max() { fittedFlops = lo...hi }
    fitWarnings = r.warnings
  }
}
