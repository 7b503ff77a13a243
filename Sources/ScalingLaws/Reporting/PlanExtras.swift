import Foundation

/// What a report adds to each planned model beyond N, D and loss: the downstream metrics its
/// ladders predict at the plan's (N, D), and what serving it costs on one GPU (the numbers of
/// `scaling serve --params N`: bf16 weights and cache, 4,096-token context, the largest batch that
/// fits).
public enum PlanExtras {
  /// The task loss step 1 of a ladder predicts at the end of a run of D tokens on N parameters:
  /// a Chinchilla fit directly, a chinchilla-lr fit at the end of a run with its data's planning
  /// schedule (as the plan reads it; ``ScheduleEnd``). nil for other laws or a fit that did not
  /// converge.
  public static func endOfRunLoss(_ fit: LawFit) -> ((Double, Double) -> Double)? {
    guard fit.converged else { return nil }
    if fit.kind == .chinchilla, let c = ReportFigures.chinchilla(fit) {
      return { c.loss(params: $0, tokens: $1) }
    }
    if fit.kind == .chinchillaLR, let end = ScheduleEnd.planning(fit.dataset) {
      let set = fit.parameterSet
      guard let c = ChinchillaConstants(curveLaw: set.parameters.map { $0.value }, of: set, at: end, name: "step 1") else { return nil }
      return { c.loss(params: $0, tokens: $1) }
    }
    return nil
  }

  /// The metric each ladder's chain predicts for each plan row (nil where it cannot, or where the
  /// prediction is not finite).
  public static func downstream(_ ladders: [Ladder.Result], plan: [Allocation]) -> [[Double?]] {
    ladders.map { l in
      if l.isDirect {
        guard l.step2.converged else { return plan.map { _ in nil } }
        return plan.map { a in
          let y = SigmoidLaw.metric(l.step2.parameters, x: log10(a.flops))
          return y.isFinite ? y : nil
        }
      }
      guard l.step2.converged, let loss = endOfRunLoss(l.step1) else { return plan.map { _ in nil } }
      return plan.map { a in
        let x = loss(a.params, a.tokens)
        let y = SigmoidLaw.metric(l.step2.parameters, x: x)
        return x.isFinite && y.isFinite ? y : nil
      }
    }
  }

  /// One served model: its shape, and the estimates at batch 1 and at the largest batch that fits.
  public struct Served: Sendable {
    public var model: ServingModel
    public var single: ServingModel.Estimate
    public var full: ServingModel.Estimate
  }

  /// One H100 SXM serving each planned model in bf16 (nil where the weights do not fit).
  public static func serving(_ plan: [Allocation], gpu: GPU = GPU.named("h100-sxm")!) -> [Served?] {
    var one = ServingModel.Configuration(gpu: gpu)
    one.batch = 1
    var full = one
    full.batch = nil
    return plan.map { a in
      guard a.params.isFinite, a.params > 0 else { return nil }
      let m = ServingModel(params: a.params, shape: TransformerShape.proposal(near: a.params))
      guard let s = try? m.estimate(one), let f = try? m.estimate(full) else { return nil }
      return Served(model: m, single: s, full: f)
    }
  }
}
