import ArgumentParser
import Fitting
import Foundation
import ScalingLaws

extension ScalingTool {
  struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "fit",
      abstract: "Fit a scaling law to one or more CSV files of training results.",
      discussion: """
        The objective is the SUM over points of Huber_delta(log L_pred - log L_obs) (delta = 1e-3), \
        or half the sum of squared log residuals (sum r^2/2) with --objective squared. Each fit states whether it converged \
        and why it stopped. One fit per file, or per (file, group) with --group-column.
        """)

    @OptionGroup var data: DataOptions
    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "parametric (fit --law), envelope (Hoffmann Approach 1) or isoflop (Approach 2).")
    var approach: Approach = .parametric
    @Option(help: "IsoFLOP binning: relative tolerance within which final points share a budget.")
    var isoflopTolerance: RealArgument = RealArgument(0.15)
    @Flag(help: "IsoFLOP: keep budgets whose parabola vertex lies outside the sampled model sizes.")
    var allowEdgeMinima = false
    @Option(help: "Approach 2's optimum per budget: shape (one curve c0 + c1*exp(-alpha x) + c2*exp(beta x) in x = ln N, alpha and beta shared by every budget: unbiased on wide grids) or parabola (a parabola in ln N per budget).")
    var vertex: VertexEstimator = .shape

    @Option(help: "Output format; jsonl: JSON Lines, one fit per line written in order as the fits finish (a failed fit is a line with \"error\", the batch goes on, exit 1 at the end).")
    var format: FitOutputFormat = .text
    @Option(
      help: ArgumentHelp("Fit only the K-th of N contiguous slices of the (file, group) fits (1 <= K <= N; needs --format jsonl); the N outputs concatenated in K order are the unsharded output byte for byte.", valueName: "K/N"),
      transform: { text in
        do { return try Shard(parsing: text) } catch let e as Shard.ParseError { throw ValidationError(e.description) }
      })
    var shard: Shard?
    @OptionGroup var destination: OutputOption
    @Option(help: "Write every bootstrap resample's parameters to this CSV file.")
    var bootstrapSamples: String?

    func validate() throws {
      try data.requireFiles()
      if bootstrapSamples != nil && analysis.bootstrap == 0 {
        throw ValidationError("--bootstrap-samples needs --bootstrap N.")
      }
      if shard != nil && format != .jsonl {
        throw ValidationError("--shard needs --format jsonl (JSON Lines shards concatenate into the whole batch's output).")
      }
      // Approach 1 and 2 fit parabolas and power laws of their own: the law's flags do not reach them.
      try GivenFlags.refuse(
        [
          "--law", "--formula", "--irreducible", "--objective", "--huber-delta", "--search", "--fix", "--tie", "--prior", "--y-range", "--auto",
          "--bootstrap-unit", "--bootstrap-search", "--holdout-above-params", "--holdout-above-flops", "--bootstrap-samples",
        ], when: approach != .parametric,
        "to --approach \(approach.rawValue) (its fits are the IsoFLOP or envelope minima and power laws through them; drop them, or fit a law without --approach)")
      try GivenFlags.refuse(
        ["--vertex", "--isoflop-tolerance"], when: approach != .isoflop, "without --approach isoflop (they set how IsoFLOP budgets are binned and their minima found)")
      try GivenFlags.refuse(["--allow-edge-minima"], when: approach == .parametric, "without --approach isoflop or envelope")
      if bootstrapSamples != nil && format == .jsonl {
        throw ValidationError("--bootstrap-samples is not for --format jsonl: each line's \"bootstrap_samples\" holds its fit's resamples.")
      }
    }

    func run() throws {
      try destination.check(inputs: data.files, other: bootstrapSamples)
      if approach != .parametric { return try runApproach() }
      let (datasets, jointLaw) = try jointData(data.loadDatasets(required: analysis.model().required, law: analysis.law, formula: analysis.formulaLaw()))
      let batch = FitBatch(shard: shard)
      var analysisPlan = analysis.analysis(progressTotal: batch.selected(datasets).count)
      if let jointLaw { analysisPlan.fitOptions.formulaLaw = jointLaw }
      let plan = analysisPlan
      if format == .jsonl { return try stream(datasets, batch) { try plan.run($0).json } }
      let results = parallelMap(datasets.count) { i in Result { try plan.run(datasets[i]) } }
      let fits = try results.map { try $0.get() }
      let text: String
      switch format {
      case .text: text = fits.map { $0.textReport }.joined(separator: "\n")
      case .json: text = LawFit.jsonDocument(fits)
      case .csv: text = LawFit.csvDocument(fits)
      case .jsonl: preconditionFailure("streamed above")
      }
      if let path = bootstrapSamples {
        try AtomicFile.write(LawFit.bootstrapSamplesCSV(fits), to: path)
      }
      try destination.emit(text)
    }

    /// With --shared: the groups as one dataset with group indicators, and the joint law
    /// (``JointFormula``); without, the datasets as they are.
    func jointData(_ datasets: [Dataset]) throws -> ([Dataset], FormulaLaw?) {
      guard !analysis.formula.shared.isEmpty, let base = try analysis.formulaLaw() else { return (datasets, nil) }
      guard data.groupColumn != nil || data.files.count > 1 else {
        throw ValidationError("--shared fits several groups at once: give --group-column (or several files).")
      }
      let joint: JointFormula
      do {
        joint = try JointFormula(base.spec, groups: datasets.map { $0.group ?? $0.file }, shared: analysis.formula.sharedNames)
      } catch let e as FormulaError {
        throw CommandUsageError(message: e.description)
      }
      let law = try FormulaLaw(joint.spec)
      let each = base.parameterNames.count - joint.shared.count
      if let small = datasets.first(where: { $0.count < each }) {
        throw CommandUsageError(
          message: "\(small.file) (group \(small.group ?? "")): \(small.count) point\(small.count == 1 ? "" : "s"), fewer than the \(each) parameters the group has of its own (with --shared \(joint.shared.joined(separator: ",")))")
      }
      return ([joint.dataset(datasets)], law)
    }

    func runApproach() throws {
      var required: Set<Quantity> = [.params, .tokens, .flops, .loss]
      if approach == .envelope { required.insert(.run) }
      let datasets = try data.loadDatasets(required: required)
      var o = ApproachOptions(approach: approach)
      o.isoflopTolerance = isoflopTolerance.value
      o.allowEdgeMinima = allowEdgeMinima
      o.vertex = vertex
      o.bootstrap = analysis.bootstrap
      o.seed = analysis.seed
      o.confidence = analysis.confidence.value
      let fitter = ApproachFitter(options: o)
      if format == .jsonl { return try stream(datasets, FitBatch(shard: shard)) { try fitter.run($0).json } }
      let results = try parallelMap(datasets.count) { i in Result { try fitter.run(datasets[i]) } }.map { try $0.get() }
      let text: String
      switch format {
      case .text: text = results.map { $0.textReport }.joined(separator: "\n")
      case .json: text = JSONValue.object([("fits", .array(results.map { $0.json }))]).rendered() + "\n"
      case .csv:
        text = "file,group,approach,points,a,b,a_lo,a_hi,b_lo,b_hi,largest_budget,params_at_largest,tokens_at_largest\n"
          + results.map { r in
            [r.file, r.group ?? "", r.approach.rawValue, String(r.dataset.count), "\(r.a)", "\(r.b)",
             r.intervals["a"].map { "\($0.0)" } ?? "", r.intervals["a"].map { "\($0.1)" } ?? "",
             r.intervals["b"].map { "\($0.0)" } ?? "", r.intervals["b"].map { "\($0.1)" } ?? "",
             "\(r.largestBudget)", "\(r.paramsAtLargest)", "\(r.tokensAtLargest)"].joined(separator: ",")
          }.joined(separator: "\n") + "\n"
      case .jsonl: preconditionFailure("streamed above")
      }
      try destination.emit(text)
    }

    /// `--format jsonl`: the batch's lines streamed to `--output` (kept only when the batch ends)
    /// or standard output; exit 1 after the last line when any fit failed.
    func stream(_ datasets: [Dataset], _ batch: FitBatch, fit: @Sendable (Dataset) throws -> JSONValue) throws {
      let out = try destination.stream()
      let summary = try batch.run(datasets, to: out, fit: fit)
      try out.commit()
      if summary.failed > 0 {
        throw FitError("\(summary.failed) of \(summary.written) fits failed; each one's line holds its \"error\"")
      }
    }
  }
}
