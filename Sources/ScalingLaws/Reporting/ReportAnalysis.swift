import Foundation

/// What a report says, computed before any of it is rendered: the backtest of a curve law
/// against the final-only recipe, the law the plan uses and why, the plan over the budgets, the
/// IsoFLOP check of each fit whose data have a budget column, and the ladders. ``Report`` renders
/// it into markdown, JSON and figure scripts; neither step touches files.
public struct ReportAnalysis: Sendable {
  /// One fit per (file, group).
  public var fits: [LawFit]
  /// The same data before filters (for faded points), aligned with `fits`.
  public var unfiltered: [Dataset?]
  /// The user's extra budgets (FLOPs), marked in the plan table.
  public var budgets: [Double]
  /// The final-only Chinchilla recipe fitted with the same holdout (the backtest's other side).
  public var finalOnly: LawFit?
  public var ladders: [Ladder.Result]
  /// Serving settings and the target loss of the serving trade-off.
  public var serving: (configuration: ServingModel.Configuration, targetLoss: Double)?
  /// Curve law against the final-only recipe on the held-out models (when both were fitted).
  var backtest: Backtest?
  public var planLaw: PlanningLaw
  /// One sentence on where the plan's law comes from.
  public var planNote: String
  /// The name (in the report's `fit.json`) of the fit the plan uses; nil for named constants.
  public var planFit: String? = nil
  /// The plan at the standard budgets (``standardBudgets(fittedFlops:)``) and the user's, ascending.
  public var plan: [Allocation]
  /// Per fit: Approach 2 from its budget column (nil without one, or when it fails).
  public var isoflop: [ApproachResult?]
  /// A learning-rate and batch sweep's fit (`--hparams-sweep`): its section, and the plan's
  /// learning rate and batch.
  /// A recipe comparison from a joint fit (`--compare-fit`), with the fit file's name.
  public var comparison: (result: RecipeComparison, fitFile: String)? = nil
  public var hyperparameters: HyperparameterFit? = nil {
    didSet { if let h = hyperparameters { plan = plan.map { $0.advised(by: h.law) } } }
  }

  /// - Parameters:
  ///   - finalOnly: with a learning-rate-aware law and a holdout, the final-only Chinchilla recipe
  ///     fitted to the same files with the same holdout; the plan uses whichever predicted the
  ///     held-out final losses better.
  public init(
    fits: [LawFit], unfiltered: [Dataset?], budgets: [Double],
    serving: (configuration: ServingModel.Configuration, targetLoss: Double)? = nil,
    finalOnly: LawFit? = nil, ladders: [Ladder.Result] = []
  ) {
    self.fits = fits
    self.unfiltered = unfiltered
    self.budgets = budgets
    self.serving = serving
    self.finalOnly = finalOnly
    self.ladders = ladders

    // Plan: from the (first) converged Chinchilla fit, else the default named law.
    var planLaw = PlanningLaw.chinchilla(.epoch, samples: [])
    var planFit: String? = nil
    var planNote = "No converged Chinchilla fit: the plan uses the `chinchilla-epoch` constants (Besiroglu et al. 2024)."
    var backtest: Backtest? = nil
    if let curveFit = fits.first, let finalOnly, let b = Backtest(curve: curveFit, finalOnly: finalOnly) { backtest = b }
    let planCandidates = backtest.map { $0.finalOnlyPredictsBetter ? [finalOnly!] : [] } ?? fits
    if backtest != nil && planCandidates.isEmpty, let f = fits.first {
      // The curve law predicted the held-out finals better: plan with it at the end of a run.
      let end = f.kind == .chinchillaLR && f.converged ? ScheduleEnd.planning(f.dataset) : nil
      let set = f.parameterSet
      let name = "this fit at the end of a run" + (f.group.map { " (group \($0))" } ?? "")
      if let end, var cc = ChinchillaConstants(curveLaw: set.parameters.map { $0.value }, of: set, at: end, name: name, source: "fitted to \(f.file)") {
        cc.observe(f.dataset, warnings: f.warnings + (set.values(["C"]).flatMap { end.annealingWarning(c: $0[0]) }.map { [$0] } ?? []))
        let samples = (f.bootstrap?.samples ?? []).compactMap { ChinchillaConstants(curveLaw: $0, of: set, at: end, name: name) }
        planLaw = .chinchilla(cc, samples: samples)
        planFit = "curve"
        planNote =
          "The plan uses this report's \(f.law) fit (it predicted the held-out final losses better; see the backtest) at the end of a run with the schedule of `\(end.run)` (the largest model's longest run, peak rate \(fmt(end.peakLR))): with S1_tok = κ·D and S2 at its long-run limit, it is the Chinchilla law E' + A/N^alpha + B'/D^beta with E' = E − C·S2 = \(fmt(cc.E)) (S2 = \(fmt(end.annealing))) and B' = B·κ^−beta = \(fmt(cc.B)) (κ = \(number("%.4f", end.meanRelativeRate)), the schedule's mean rate over its peak)"
          + (samples.isEmpty ? "." : ", with \(Int(100 * (f.bootstrap?.confidence ?? 0.95)))% bootstrap intervals from \(samples.count) resamples.")
      } else {
        let why =
          f.kind != .chinchillaLR ? "only chinchilla-lr, a law of N and the schedule, converts to a plan"
          : !f.converged ? "it did not converge"
          : end == nil ? "its data hold no schedule to plan a run with"
          : "its annealing bonus C·S2 reaches its floor E at the end of a long run"
        planNote = "The curve law predicted the held-out final losses better than the final-only recipe (see the backtest), but \(why): the plan uses the `chinchilla-epoch` constants (Besiroglu et al. 2024)."
      }
    }
    if let f = planCandidates.first(where: { $0.kind == .chinchilla && $0.converged }), let c = ReportFigures.chinchilla(f) {
      var cc = c
      cc.name = "this fit" + (f.group.map { " (group \($0))" } ?? "")
      cc.source = "fitted to \(f.file)"
      cc.observe(f.dataset, warnings: f.warnings)
      let set = f.parameterSet
      let samples = (f.bootstrap?.samples ?? []).compactMap { ChinchillaConstants(resample: $0, of: set, name: cc.name) }
      planLaw = .chinchilla(cc, samples: samples)
      planFit = backtest != nil ? "final" : (fits.count > 1 ? "fit/\(f.group ?? f.file)" : "fit")
      planNote = "The plan uses this report's Chinchilla fit" + (backtest != nil ? " of the final checkpoints (chosen by the backtest)" : "")
        + (samples.isEmpty ? "." : ", with \(Int(100 * (f.bootstrap?.confidence ?? 0.95)))% bootstrap intervals from \(samples.count) resamples.")
    }
    var planner = Planner(law: planLaw)
    planner.confidence = fits.first?.bootstrap?.confidence ?? 0.95
    let allBudgets = Set(Self.standardBudgets(fittedFlops: fits.first?.dataset.flops ?? []) + budgets).sorted()
    self.plan = allBudgets.map { planner.annotated(planner.allocation(flops: $0)) }
    self.planLaw = planLaw
    self.planNote = planNote
    self.planFit = planFit
    self.backtest = backtest
    self.isoflop = fits.map { fit in
      fit.dataset.budget == nil ? nil : try? ApproachFitter(options: ApproachOptions(approach: .isoflop)).run(fit.dataset)
    }
  }

  /// The budgets a report plans at unless asked for more: the powers of ten from the decade of
  /// the largest fitted compute to about two decades beyond it (10^k for k from
  /// floor(log10 Cmax) to round(log10 Cmax + 2)). Further out, every exponent error is
  /// multiplied past use, and a plan there reads as a forecast the data cannot make; the user's
  /// own budgets are added to these. Without finite compute in the data: 1e18 ... 1e25.
  public static func standardBudgets(fittedFlops: [Double]) -> [Double] {
    guard let cmax = fittedFlops.filter({ $0.isFinite && $0 > 0 }).max() else {
      return Planner.sweep(from: 1e18, to: 1e25, count: 8)
    }
    let lo = Int(log10(cmax).rounded(.down)), hi = Int((log10(cmax) + 2).rounded())
    return (lo...max(lo, hi)).map { pow(10, Double($0)) }
  }
}
