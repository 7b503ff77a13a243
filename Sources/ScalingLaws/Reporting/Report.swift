import Foundation

/// A complete analysis report as values: `report.md`, `fit.json`, `plan.json` and the figure
/// scripts. Building it touches no files (``ReportWriter`` does that), so the whole report can
/// be snapshot-tested.
public struct Report: Sendable {
  public var markdown: String
  public var fitJSON: String
  public var planJSON: String
  public var figures: [GnuplotScript]

  /// Every file of the report except the rendered images, by name.
  public var files: [(String, String)] {
    [("report.md", markdown), ("fit.json", fitJSON), ("plan.json", planJSON)]
      + figures.map { ("\($0.name).gp", $0.rendered()) }
  }

  /// The analysis (``ReportAnalysis``) of these fits, rendered.
  ///
  /// - Parameters:
  ///   - fits: one fit per (file, group).
  ///   - unfiltered: the same data before filters (for faded points), aligned with `fits`.
  ///   - budgets: extra budgets (FLOPs) for the plan table.
  ///   - command: the command line that made the report, recorded in it.
  ///   - serving: serving settings and the target loss for the serving trade-off figure.
  ///   - finalOnly: with a learning-rate-aware law and a holdout, the final-only Chinchilla recipe
  ///     fitted to the same files with the same holdout (the backtest); the plan uses whichever
  ///     predicted the held-out final losses better.
  public init(
    fits: [LawFit], unfiltered: [Dataset?], budgets: [Double], command: String,
    serving: (configuration: ServingModel.Configuration, targetLoss: Double)? = nil,
    finalOnly: LawFit? = nil, ladders: [Ladder.Result] = []
  ) {
    self.init(
      ReportAnalysis(
        fits: fits, unfiltered: unfiltered, budgets: budgets, serving: serving, finalOnly: finalOnly,
        ladders: ladders),
      command: command)
  }

  /// Renders an analysis: markdown, fit and plan JSON, figure scripts.
  public init(_ analysis: ReportAnalysis, command: String) {
    let fits = analysis.fits, planLaw = analysis.planLaw, plan = analysis.plan
    var figures: [GnuplotScript] = []
    var md = "# Scaling-law report\n\n"
    md += "Made by `\(command)`.\n"
    md += "Same input, same bytes: re-run the command to reproduce every number and figure here.\n\n"

    for k in fits.indices {
      let part = Report.fitPart(k, analysis)
      md += part.markdown
      figures += part.figures
    }

    let downstreamAtPlan = PlanExtras.downstream(analysis.ladders, plan: plan)
    if analysis.ladders.count > 1 { md += Report.ladderOverview(analysis.ladders, plan: plan, atPlan: downstreamAtPlan) }
    for ladder in analysis.ladders {
      let suffix = analysis.ladders.count > 1 ? "-" + (ladder.step2.dataset.columnName(.y) ?? "task") : ""
      md += Report.ladderSection(ladder, level: analysis.ladders.count > 1 ? "###" : "##")
      let figs = [
        ReportFigures.metricVsTaskLoss(ladder, name: "metric-vs-task-loss" + suffix),
        ReportFigures.metricVsCompute(ladder, name: "metric-vs-compute" + suffix),
      ]
      for f in figs { md += Report.figureMarkdown(f) }
      figures += figs
    }

    if let c = analysis.comparison { md += Report.comparisonSection(c.result, fitFile: c.fitFile, figures: &figures) }
    if let h = analysis.hyperparameters { md += Report.hyperparameterSection(h, figures: &figures) }

    let planPart = Report.planPart(analysis)
    md += planPart.markdown
    figures += planPart.figures

    if let serving = analysis.serving, case .chinchilla(let c, _) = planLaw {
      md += Report.servingSection(c, lawName: planLaw.name, serving.configuration, loss: serving.targetLoss, figures: &figures)
    }

    md += Report.howToRead
    self.markdown = md
    self.fitJSON = LawFit.jsonDocument(Report.namedFits(analysis))
    self.planJSON = JSONValue.object([
      ("law", .string(planLaw.name)), ("law_source", .string(planLaw.source)),
      ("fit", analysis.planFit.map { .string($0) } ?? .null),
      ("plans", .array(plan.map { $0.json(law: planLaw, hardware: nil) })),
    ]).rendered() + "\n"
    self.figures = figures
  }

  /// One fit's sections (data, fit, --auto, holdout, warnings, the backtest after the first,
  /// IsoFLOP check) and figures.
  static func fitPart(_ k: Int, _ analysis: ReportAnalysis) -> (markdown: String, figures: [GnuplotScript]) {
    let fits = analysis.fits, unfiltered = analysis.unfiltered, backtest = analysis.backtest
    let fit = fits[k]
    var md = ""
    var figs: [GnuplotScript] = []
    let suffix = fits.count > 1 ? "-\(k + 1)" : ""
    let heading = fit.group.map { "\(fit.file), group \($0)" } ?? fit.file
    md += "## \(fits.count > 1 ? "\(k + 1). " : "")\(heading)\n\n"
    md += Report.dataSection(fit)
    md += Report.fitSection(fit)
    if let a = fit.auto { md += Report.autoSection(a, metric: fit.kind.isMetricLaw) }
    if let h = fit.holdout { md += Report.holdoutSection(h) }
    md += "### Warnings\n\n"
    md += fit.warnings.isEmpty ? "None.\n\n" : fit.warnings.map { "- \($0)\n" }.joined() + "\n"

    if ReportFigures.usesNAndD(fit) || fit.kind == .kaplanC {
      figs.append(ReportFigures.lossVsCompute(fit, name: "loss-vs-compute" + suffix))
    }
    if k == 0, let b = backtest { md += b.markdown }
    if fit.dataset.curve != nil {
      if let f = ReportFigures.scheduleCurves(fit, name: "checkpoint-curves" + suffix) { figs.append(f) }
      if let f = ReportFigures.scheduleComparison(fit, name: "schedule-comparison" + suffix) { figs.append(f) }
    } else if fit.dataset.run != nil, Set(fit.dataset.run!).count < fit.dataset.count {
      figs.append(ReportFigures.checkpointCurves(fit, all: k < unfiltered.count ? unfiltered[k] : nil, name: "checkpoint-curves" + suffix))
    }
    if let iso = analysis.isoflop[k] {
      md += "### IsoFLOP check (Approach 2)\n\n"
      md += "From the budget column: a = \(number("%.4f", iso.a)), b = \(number("%.4f", iso.b)) over \(iso.budgets.filter { $0.used }.count) budgets"
      if let f = ReportFigures.chinchilla(fit) {
        md += " (this fit's a = beta/(alpha+beta) = \(number("%.4f", f.a)))"
      }
      md += ". " + iso.warnings.joined(separator: " ") + "\n\n"
      figs.append(ReportFigures.isoflopProfiles(iso, name: "isoflop-profiles" + suffix))
    }
    if let f = ReportFigures.optimalAllocation(fit, name: "optimal-allocation" + suffix) { figs.append(f) }
    figs.append(ReportFigures.residuals(fit, name: "residuals" + suffix))
    figs.append(ReportFigures.predictedVsObserved(fit, name: "predicted-vs-observed" + suffix))
    if let f = ReportFigures.bootstrapExponents(fit, name: "bootstrap-exponents" + suffix) { figs.append(f) }
    md += "### Figures\n\n"
    for f in figs { md += Report.figureMarkdown(f) }
  
    return (md, figs)
  }

  /// The plan: the table with its intervals and flags, the closed forms, the tokens-per-parameter
  /// figure and the serving columns.
  static func planPart(_ analysis: ReportAnalysis) -> (markdown: String, figures: [GnuplotScript]) {
    let budgets = analysis.budgets, planLaw = analysis.planLaw, plan = analysis.plan
    var md = ""
    var figures: [GnuplotScript] = []
    md += "## Plan\n\n\(analysis.planNote) Law: \(planLaw.name) (\(planLaw.source)).\n\n"
    let hasIntervals = plan.contains { a in ["params", "tokens", "loss"].contains { a.intervals[$0] != nil } }
    let advised = plan.contains { $0.hyperparameters != nil }
    md += "| budget (FLOPs) | parameters N | tokens D | D/N | loss |" + (hasIntervals ? " N interval | D interval | loss interval |" : "")
      + (advised ? " peak LR | batch (tokens) |" : "") + "\n"
    md += "|---:|---:|---:|---:|---:|" + (hasIntervals ? "---|---|---|" : "") + (advised ? "---:|---:|" : "") + "\n"
    for a in plan {
      md += "| \(number("%.3g", a.flops))\(budgets.contains(a.flops) ? " (yours)" : "") | \(shortCount(a.params)) | \(shortCount(a.tokens)) | \(ratioText(a.tokensPerParam)) | \(number("%.4f", a.loss)) |"
      if hasIntervals {
        let iv = { (k: String, f: (Double) -> String) -> String in a.intervals[k].map { "\(f($0.0)) – \(f($0.1))" } ?? "" }
        md += " \(iv("params", shortCount)) | \(iv("tokens", shortCount)) | \(iv("loss") { number("%.4f", $0) }) |"
      }
      if advised, let h = a.hyperparameters {
        md += " \(number("%.3g", h.learningRate)) | \(h.batchTokens.map(shortCount) ?? "-") |"
      }
      md += "\n"
    }
    let fitWarnings = Allocation.fitWarnings(plan)
    let flagged = plan.filter { !$0.budgetWarnings.isEmpty }
    if !fitWarnings.isEmpty || !flagged.isEmpty {
      md += "\nEvery number in this table comes from this fit; read it with the fit's warnings and each budget's flags:\n\n"
      md += fitWarnings.map { "- \($0)\n" }.joined()
      for a in flagged {
        let flags = a.budgetWarnings
        md += "- \(number("%.3g", a.flops)) FLOPs: " + flags.joined(separator: "; ") + "\n"
      }
    }
    md += "\nClosed forms (Hoffmann et al. 2022 eq. 4): N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b, a = beta/(alpha+beta), b = alpha/(alpha+beta). "
    md += "Extrapolating far beyond the fitted compute range multiplies every error in the exponents; read the large budgets with their intervals.\n\n"
    let tpp = ReportFigures.tokensPerParameter(plan, lawName: planLaw.name)
    md += Report.figureMarkdown(tpp)
    figures.append(tpp)
    md += Report.planServingSection(plan)
    return (md, figures)
  }

  /// Every fit of the report, each with a unique name (``LawFit/name``) that `predict --group`
  /// and `plan --group` take: `curve` (or `fit` for a final-loss law), `curve/GROUP` with several
  /// groups, `final` (the backtest's final-only recipe), `ladder/METRIC/step1` and `/step2` (`/direct` for a task predicted by the direct law).
  static func namedFits(_ analysis: ReportAnalysis) -> [LawFit] {
    let main = analysis.fits.first.map { $0.dataset.curve != nil ? "curve" : "fit" } ?? "fit"
    var out: [LawFit] = []
    var used: [String: Int] = [:]
    func add(_ fit: LawFit, _ base: String) {
      var f = fit
      let n = used[base, default: 0]
      used[base] = n + 1
      f.name = n == 0 ? base : "\(base)#\(n + 1)"
      out.append(f)
    }
    for f in analysis.fits { add(f, analysis.fits.count > 1 ? "\(main)/\(f.group ?? f.file)" : main) }
    if let f = analysis.finalOnly { add(f, "final") }
    for l in analysis.ladders {
      let metric = l.step2.dataset.columnName(.y) ?? "metric"
      let group = l.step1.group.map { "/\($0)" } ?? ""
      if l.isDirect {
        add(l.step2, "ladder/\(metric)\(group)/direct")
      } else {
        add(l.step1, "ladder/\(metric)\(group)/step1")
        add(l.step2, "ladder/\(metric)\(group)/step2")
      }
    }
    return out
  }

  /// Each planned model served on one H100 SXM in bf16 (`scaling serve --params N`).
  static func planServingSection(_ plan: [Allocation]) -> String {
    let served = PlanExtras.serving(plan)
    guard !plan.isEmpty else { return "" }
    var md = "### Serving each planned model\n\n"
    md += "One H100 SXM (80 GB, 3.35 TB/s, 989 TFLOP/s dense BF16), bf16 weights and KV cache, 4,096-token context, 1,024 prompt + 512 output tokens per request, MFU 0.4, the shape `scaling serve --params N` proposes (its numbers; see `scaling serve` for other settings).\n\n"
    md += "| budget (FLOPs) | N | shape | weights | decode tokens/s, batch 1 | largest batch | tokens/s at that batch | GPU-hours per million output tokens |\n"
    md += "|---:|---:|---|---:|---:|---:|---:|---:|\n"
    for (a, s) in zip(plan, served) {
      md += "| \(number("%.3g", a.flops)) | \(shortCount(a.params)) |"
      guard let s else {
        md += " | does not fit on one GPU (weights \(number("%.0f", a.params * 2 / 1e9)) GB plus one 4,096-token cache in 90% of 80 GB) | | | | |\n"
        continue
      }
      let e = s.full
      let shape = "\(s.model.shape.layers) layers x \(s.model.shape.dModel)"
      md += " \(shape) | \(number("%.3g GB", e.weightBytes / 1e9)) | \(number("%.0f", s.single.decodeTokensPerSecondTotal)) | \(e.batch) | \(number("%.0f", e.decodeTokensPerSecondTotal)) | \(number("%.3g", e.secondsPerMillionOutputTokens / 3600)) |\n"
    }
    return md + "\n"
  }

  static func servingSection(
    _ c: ChinchillaConstants, lawName: String, _ cfg: ServingModel.Configuration, loss: Double,
    figures: inout [GnuplotScript]
  ) -> String {
    var md = "## Serving\n\n"
    guard loss > c.E else {
      return md + "The serving target loss \(loss) is at or below the law's irreducible loss E = \(number("%.4g", c.E)): no model reaches it.\n\n"
    }
    let nChin = c.optimalParams(flops: c.flops(forLoss: loss))
    let shape = TransformerShape.proposal(near: nChin)
    md += "Models that reach loss \(number("%.4f", loss)) under \(lawName), served on \(cfg.gpus) x \(cfg.gpu.name) "
    md += "(\(cfg.gpu.memoryGB) GB, \(cfg.gpu.bandwidthTBs) TB/s each), KV cache \(Int(cfg.kvBits))-bit, context \(cfg.context), "
    md += "\(cfg.promptTokens) prompt + \(cfg.outputTokens) output tokens per request, batch \(cfg.batch.map(String.init) ?? "the largest that fits"), "
    md += "$\(cfg.usdPerGPUHour.map { number("%.4g", $0) } ?? "?") per GPU-hour (see `scaling serve`).\n\n"
    md += "| weights | $ per million output tokens at the Chinchilla-optimal N = \(shortCount(nChin)) | batch | bound |\n|---|---:|---:|---|\n"
    for bits in ServingModel.weightBitChoices {
      var x = cfg
      x.weightBits = bits
      let label = bits == bits.rounded() ? "\(Int(bits))-bit" : "\(bits)-bit"
      if let e = try? ServingModel(params: nChin, shape: shape).estimate(x), let u = e.usdPerMillionOutputTokens {
        md += "| \(label) | \(number("%.4g", u)) | \(e.batch) | \(e.bound) |\n"
      } else {
        md += "| \(label) | does not fit | | |\n"
      }
    }
    md += "\n"
    if let f = ReportFigures.servingCost(constants: c, loss: loss, serving: cfg) {
      md += Report.figureMarkdown(f)
      figures.append(f)
    }
    return md
  }

  static func figureMarkdown(_ f: GnuplotScript) -> String {
    let lines = f.caption.split(separator: "\n").map(String.init)
    let alt = lines.first ?? f.name
    var s = "![\(alt)](\(f.name).png)\n\n"
    s += "*\(lines.joined(separator: " "))* (script: `\(f.name).gp`, vector: `\(f.name).svg`)\n\n"
    return s
  }

  static func dataSection(_ fit: LawFit) -> String {
    let s = DataSummary(fit.dataset)
    var md = "### Data\n\n| item | value |\n|---|---|\n"
    md += "| file | `\(fit.file)` |\n"
    md += "| rows read | \(s.rowsRead) |\n"
    md += "| points used | \(s.points) |\n"
    if let r = s.runs { md += "| runs | \(r) |\n" }
    md += s.modelSizes.isEmpty
      ? "| model sizes | not in the data (no params column) |\n"
      : "| model sizes | \(s.modelSizes.count): \(s.modelSizes.map(shortCount).joined(separator: ", ")) |\n"
    if let r = s.tokenRange { md += "| tokens | \(shortCount(r.lowerBound)) – \(shortCount(r.upperBound)) |\n" }
    if let r = s.flopRange { md += "| compute (FLOPs) | \(number("%.3g", r.lowerBound)) – \(number("%.3g", r.upperBound)) |\n" }
    if let r = s.lossRange { md += "| loss | \(number("%.4f", r.lowerBound)) – \(number("%.4f", r.upperBound)) |\n" }
    for q in Quantity.allCases { if let src = s.sources[q] { md += "| \(q.rawValue) from | `\(src)` |\n" } }
    md += "\n"
    if !s.derivations.isEmpty {
      md += "Derived: " + s.derivations.joined(separator: "; ") + ".\n\n"
    }
    if !s.filters.isEmpty {
      md += "| filter | points removed |\n|---|---:|\n"
      for f in s.filters { md += "| `\(f.filter)` | \(f.removed) |\n" }
      md += "\n"
    }
    return md
  }

  static func fitSection(_ fit: LawFit) -> String {
    var md = "### Fit: \(fit.law), \(fit.formula)\n\n"
    md += "Objective \(number("%.10g", fit.objective)) (\(fit.objectiveDefinition)). "
    md += "Converged: **\(fit.converged ? "yes" : "NO")** (\(fit.termination.description)). "
    md += "Search: \(fit.search.rawValue), \(fit.starts) starts (\(fit.startsConverged) converged), \(fit.iterations) iterations. "
    md += "RMSE (log) \(number("%.4g", fit.rmseLog)), R² (log) \(number("%.4f", fit.r2Log)), cond(J) \(fit.conditionNumber.isFinite ? number("%.3g", fit.conditionNumber) : "inf").\n\n"
    if !fit.priors.isEmpty {
      md += "MAP fit with priors \(fit.priors.map { "`\($0.description)`" }.joined(separator: ", ")): data term \(number("%.10g", fit.objective - fit.priorTerm)) + prior term \(number("%.4g", fit.priorTerm)) (c = \(number("%.4g", fit.priorScale ?? .nan))).\n\n"
    }
    if !fit.tied.isEmpty {
      md += "Tied: \(fit.tied.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", ")).\n\n"
    }
    let b = fit.bootstrap
    md += "| parameter | value | standard error (Gauss–Newton) |" + (b != nil ? " bootstrap \(Int(100 * b!.confidence))% interval | bootstrap s.e. |" : "") + "\n"
    md += "|---|---:|---:|" + (b != nil ? "---:|---:|" : "") + "\n"
    for (i, n) in fit.parameterNames.enumerated() {
      md += "| \(n) | \(number("%.6g", fit.parameters[i])) | \(fit.standardErrors.map { number("%.3g", $0[i]) } ?? "n/a") |"
      if let b { md += " \(number("%.5g", b.intervals[i].0)) – \(number("%.5g", b.intervals[i].1)) | \(number("%.3g", b.standardErrors[i])) |" }
      md += "\n"
    }
    md += "\n"
    if let b {
      md += "Bootstrap: \(b.resamples) resamples by \(b.unit.rawValue), seed \(b.seed), \(b.search.rawValue) search, \(b.failed) failed.\n\n"
      if !b.derived.isEmpty {
        md += "| derived quantity | value | \(Int(100 * b.confidence))% interval |\n|---|---:|---:|\n"
        for q in b.derived {
          md += "| \(q.name) | \(number("%.4g", q.value)) | \(number("%.4g", q.interval.0)) – \(number("%.4g", q.interval.1)) |\n"
        }
        md += "\n"
      }
    }
    return md
  }

  /// The choice by backtest (`AutoFit`): the candidates and their backtest errors.
  static func autoSection(_ a: AutoChoice, metric: Bool) -> String {
    var md = "### Choice by backtest\n\n"
    guard !a.rows.isEmpty else { return md + "Fit as given: \(a.reason).\n\n" }
    md += "The fit warned that the data leave a parameter undetermined, so the law was refitted with its named priors and tied exponents and each candidate backtested inside the fitted data (\(a.design)); a candidate replaces the fit as given only when it predicts the held-back points better by more than 5%.\n\n"
    md += "| candidate | backtest error | points |\n|---|---:|---:|\n"
    for r in a.rows {
      let e = AutoChoice.text(r.backtestError, metric: metric)
      md += "| \(r.name == a.chosen ? "**\(r.name)** (chosen)" : r.name) | \(e) | \(r.backtestPoints) |\n"
    }
    return md + "\nChosen: \(a.chosen): \(a.reason).\n\n"
  }

  static func holdoutSection(_ h: HoldoutResult) -> String {
    var md = "### Extrapolation check\n\n"
    md += "Fitted without the points with \(h.criterion.description) (\(h.points) points), then predicted them: "
    md += "mean |relative error| \(number("%.2f", 100 * h.meanAbsRelError))%, max \(number("%.2f", 100 * h.maxAbsRelError))%.\n\n"
    if let w = h.withoutStalledRuns {
      md += "Held-out run\(h.stalledRuns.count == 1 ? "" : "s") \(h.stalledRuns.map { "`\($0)`" }.joined(separator: ", ")) \(h.stalledRuns.count == 1 ? "ends" : "end") more than 2% above a smaller model's run of the same length (see the warnings): a stalled run, which no law falling with N predicts. Without \(h.stalledRuns.count == 1 ? "it" : "them") (\(w.points) points): mean |relative error| \(number("%.2f", 100 * w.mean))%, max \(number("%.2f", 100 * w.max))%.\n\n"
    }
    if let r = h.peakRates {
      md += "The held-out run\(r.runs.count == 1 ? " was" : "s were") trained at peak learning rate \(PeakRateExtrapolation.range(r.heldOut)), outside the fitted runs' \(PeakRateExtrapolation.range(r.fitted)), and \(r.lawSees): the error above may include the effect of that change, which the law cannot see.\n\n"
    }
    md += "| line | N | D | observed | predicted | interval | error |\n|---:|---:|---:|---:|---:|---|---:|\n"
    for p in h.predictions {
      md += "| \(p.line) | \(shortCount(p.params)) | \(shortCount(p.tokens)) | \(number("%.4f", p.observed)) | \(number("%.4f", p.predicted)) | \(p.interval.map { "\(number("%.4f", $0.0)) – \(number("%.4f", $0.1))" } ?? "") | \(number("%+.2f%%", 100 * p.relativeError)) |\n"
    }
    return md + "\n"
  }

  static let howToRead = """
    ## How to read this report

    - **Converged** says whether the local solver met its tolerances, and why it stopped. A fit that \
    did not converge is marked NO and carries a warning; do not plan with it.
    - **Standard errors** are the Gauss–Newton approximation, s²(JᵀJ)⁻¹ from the Jacobian of the log \
    residuals. The **bootstrap intervals** refit every resample with the same global search and are the \
    more honest measure, especially for A and B, which trade off against the exponents (see the \
    correlations in `fit.json`); the bootstrap s.e. is the robust 1.4826 × MAD over the resamples.
    - **Warnings** name what the data cannot support: flat valleys, an exponent at the edge of the \
    searched range, E driven to zero (in the fit, or in enough bootstrap resamples that its interval \
    reaches 0), one model size, N and D moving together, or a run that ends more than 2% above a smaller model's \
    run of the same length (stalled: no law falling with N fits it).
    - The **backtest of candidate fits**: when a fit warns that the data leave a parameter undetermined, the law \
    is refitted with its named priors and tied exponents, each candidate predicts held-back sizes \
    (or runs) of the fitted data, and another fit replaces the one asked for only when it predicts \
    better by more than 5%; the table shows every candidate's error.
    - **E** is a fitted asymptote for this data, tokenizer and loss; it is not a universal floor.
    - The **plan** extrapolates the fitted law; compare its budgets with the compute range in the data.

    """
}
