import Foundation

/// One `scaling plan` question and its settings, answered by a ``Planner``: the budget (compute,
/// GPU-hours, dollars, a target loss, a fixed N, D or run, or a sweep of budgets), then in order
/// the data-constrained, mixture-of-experts, inference-aware or serving-aware allocation and the
/// fit's annotations. The command line builds it from its flags; ``answers(_:template:)`` gives
/// the dense answers (`template` nil) or a mixture's.
public struct PlanRequest: Sendable {
  public enum Budget: Sendable, Equatable {
    case flops(Double)
    case gpuHours(Double)
    /// Dollars at `Hardware.usdPerGPUHour`.
    case usd(Double)
    /// Log-spaced budgets (``Planner/sweep(from:to:count:)``).
    case sweep(from: Double, to: Double, count: Int)
    /// The cost and loss of this run.
    case run(params: Double, tokens: Double)
    /// A fixed model size: the tokens for the target loss, or the law's compute-optimal tokens.
    case params(Double, targetLoss: Double?)
    case targetLoss(Double)
    case tokens(Double)
  }

  public var budget: Budget
  /// Converts GPU-hours and dollars to FLOPs, and prices the answers.
  public var hardware: Hardware?
  /// Unique tokens available (data-constrained allocation; with a compute budget).
  public var uniqueTokens: Double?
  /// Inference demand in tokens (inference-aware allocation).
  public var inferenceTokens: Double?
  /// With `inferenceTokens`: minimise lifetime dollars, serving on this configuration.
  public var serving: ServingModel.Configuration?

  public init(budget: Budget, hardware: Hardware? = nil) {
    self.budget = budget
    self.hardware = hardware
  }

  public var isSweep: Bool {
    if case .sweep = budget { return true }
    return false
  }

  /// The compute budget in FLOPs, for the budgets that are one.
  public var flops: Double? {
    switch budget {
    case .flops(let c): return c
    case .gpuHours(let h): return hardware?.flops(gpuHours: h)
    case .usd(let b): return hardware.flatMap { hw in hw.usdPerGPUHour.map { hw.flops(gpuHours: b / $0) } }
    default: return nil
    }
  }

  /// The answers, dense or (with `template`) for a mixture of experts; a law whose constants give
  /// no finite answer is a ``Planner/PlanError`` naming the question (never a printed inf or NaN).
  public func answers(_ planner: Planner, template: ExpertTemplate? = nil) throws -> [Allocation] {
    var answers: [Allocation]
    let budgetFlops = flops
    switch budget {
    case .sweep(let a, let b, let n):
      answers = Planner.sweep(from: a, to: b, count: n).map { C in
        let base = planner.allocation(flops: C)
        return template.map { planner.expertAllocation(base, template: $0, budget: C) } ?? base
      }
    case .flops, .gpuHours, .usd:
      guard let C = budgetFlops else { throw Planner.PlanError("a budget in GPU-hours or dollars needs the hardware (and its price) to convert to FLOPs") }
      answers = [try uniqueTokens.map { try planner.dataConstrained(flops: C, uniqueTokens: $0) } ?? planner.allocation(flops: C)]
      if let hw = hardware {
        if case .gpuHours(let h) = budget {
          answers[0].notes.insert("budget: \(h) GPU-hours = \(String(format: "%.4g", C)) FLOPs at MFU \(hw.mfu)", at: 0)
        }
        if case .usd(let b) = budget, let price = hw.usdPerGPUHour {
          answers[0].notes.insert("budget: $\(b) / $\(price) per GPU-hour = \(String(format: "%.4g", C)) FLOPs at MFU \(hw.mfu)", at: 0)
        }
      }
    case .run(let N, let D): answers = [try planner.allocation(params: N, tokens: D)]
    case .params(let N, let L): answers = [try planner.allocation(params: N, targetLoss: L)]
    case .targetLoss(let L): answers = [try planner.allocation(targetLoss: L)]
    case .tokens(let D): answers = [planner.allocation(tokens: D)]
    }
    if let t = template, !isSweep {
      answers = answers.map { planner.expertAllocation($0, template: t, budget: budgetFlops) }
    }
    if let T = inferenceTokens {
      if let config = serving, let hw = hardware {
        answers = try answers.map { try planner.servingAware($0, outputTokens: T, training: hw, serving: config, template: template) }
      } else {
        answers = try answers.map { a in
          var r = try planner.inferenceAware(a, inferenceTokens: T)
          if let t = template { r = planner.expertAllocation(r, template: t, budget: nil) }
          return r
        }
      }
    }
    answers = answers.map { planner.annotated($0) }
    for a in answers {
      let parts = [("N", a.params), ("D", a.tokens), ("C", a.flops), ("loss", a.loss)]
      if let bad = parts.first(where: { !$0.1.isFinite }) {
        throw Planner.PlanError(
          "the law \(planner.law.name) gives a non-finite \(bad.0) (\(bad.1)) for this question (\(a.query)); check the law's constants (scaling plan --list-laws, or the fit file)")
      }
    }
    return answers
  }

  /// One sentence on which of the dense and mixture answers is better: lifetime dollars when
  /// both were served, else the loss at the same budget (nil for a sweep).
  public func comparison(dense: [Allocation], moe: [Allocation]) -> String? {
    guard !isSweep, let d = dense.first, let m = moe.first else { return nil }
    if let ds = d.serving, let ms = m.serving {
      let (a, b) = (ds.best.totalUSD, ms.best.totalUSD)
      let cheaper = a <= b ? "dense" : "mixture of experts"
      return "lifetime $\(String(format: "%.4g", a)) dense vs $\(String(format: "%.4g", b)) mixture of experts at loss \(String(format: "%.4f", d.loss)): the \(cheaper) model is cheaper by \(String(format: "%.1f", 100 * abs(a - b) / max(a, b)))%"
    }
    let count = m.experts?.template.lawParams ?? .active
    if abs(m.loss - d.loss) < 1e-12 {
      if count == .active || abs(m.flops - d.flops) <= 1e-12 * d.flops {
        return "same loss \(String(format: "%.4f", d.loss)) at \(String(format: "%.4g", d.flops)) FLOPs (the law's N is the \(count.rawValue) count); the mixture holds \(shortCount(m.experts?.paramsTotal ?? m.params)) parameters to the dense \(shortCount(d.params))"
      }
      let saved = 100 * (d.flops - m.flops) / d.flops
      return "same loss \(String(format: "%.4f", d.loss)) (the law's N is the total count: the mixture's \(shortCount(m.experts?.paramsTotal ?? m.params)) total parameters, \(shortCount(m.experts?.paramsActive ?? m.params)) active, count as the dense \(shortCount(d.params))); training \(String(format: "%.4g", m.flops)) FLOPs for the mixture vs \(String(format: "%.4g", d.flops)) dense (\(String(format: "%.1f", saved))% less)"
    }
    return "loss \(String(format: "%.4f", d.loss)) dense vs \(String(format: "%.4f", m.loss)) mixture of experts (\(String(format: "%.4g", d.flops)) vs \(String(format: "%.4g", m.flops)) FLOPs)"
  }
}
