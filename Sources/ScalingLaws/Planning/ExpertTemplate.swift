import Foundation

/// A mixture-of-experts family for planning (`plan --experts E --active-experts K`): a dense
/// proposal's MLP replicated into E experts of the same width, K of them used per token
/// (Mixtral's construction: "8x7B" is the 7B's MLP eight times, two active), with a router.
///
/// The law's N is a dense model's parameter count; for a mixture of experts it stands for the
/// active parameters (the default: the law gives the experts no credit for their extra memory,
/// which is conservative) or the total ones (the law credits every expert as if dense, which is
/// optimistic). Training FLOPs are 6·N_active·D either way.
public struct ExpertTemplate: Sendable, Equatable {
  public enum LawParams: String, Sendable, CaseIterable {
    case active, total
  }

  public var experts: Int
  public var active: Int
  public var lawParams: LawParams
  public var swiglu: Bool

  public init(experts: Int, active: Int, lawParams: LawParams = .active, swiglu: Bool = false) {
    self.experts = experts
    self.active = active
    self.lawParams = lawParams
    self.swiglu = swiglu
  }

  /// The mixture built on a dense base shape.
  func mixture(of base: TransformerShape) -> TransformerShape {
    var s = base
    s.experts = MixtureOfExperts(experts: experts, active: active)
    return s
  }

  /// The shape whose active (or total, as the law's N) parameters come closest to N: the dense
  /// base's size is corrected by the ratio of N to the mixture's count, four times (proposals
  /// come in steps of 128 in d_model, so it lands within a few percent).
  public func shape(near N: Double) -> TransformerShape {
    var target = N
    var best = mixture(of: TransformerShape.proposal(near: target, swiglu: swiglu))
    for _ in 0..<4 {
      let got = lawParams == .active ? best.activeParams : best.totalParams
      guard got > 0 else { break }
      target *= N / got
      let next = mixture(of: TransformerShape.proposal(near: target, swiglu: swiglu))
      let err = { (s: TransformerShape) in abs(log((self.lawParams == .active ? s.activeParams : s.totalParams) / N)) }
      if err(next) < err(best) { best = next }
    }
    return best
  }

  /// N_active / N for the law's N (1 when the law's N is the active count).
  public func activeFraction(near N: Double) -> Double {
    guard lawParams == .total else { return 1 }
    let s = shape(near: N)
    return s.activeParams / s.totalParams
  }

  /// The mixture's total and active parameters for the law's N, given N_active / N_total.
  public func counts(lawN N: Double, activeFraction ratio: Double) -> (total: Double, active: Double) {
    lawParams == .active ? (N / ratio, N) : (N, N * ratio)
  }

  public var label: String { "\(experts) experts (\(active) active)" }
}
