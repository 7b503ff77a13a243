import ArgumentParser
import Foundation
import ScalingLaws

extension ScalingTool {
  struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "predict",
      abstract: "Predict losses with a fitted law: for every row of CSV files, or for --params/--tokens queries.",
      discussion: """
        The fit's column choices (recorded in FIT.json) are reused unless a column flag overrides \
        them. Every row is predicted (no default filters); with a loss column the relative errors \
        are reported, overall and on the final checkpoint of each run. Intervals are bootstrap \
        percentiles when the fit carries samples (scaling fit --bootstrap N).
        """)

    @Option(help: "A `scaling fit --format json` file.") var fit: String
    @Option(help: "With a fit file holding several fits: the group to use.") var group: String?
    @OptionGroup var data: DataOptions
    @Option(help: "Query: model size N (e.g. 7B).") var params: Count?
    @Option(help: "Query: training tokens D (e.g. 1.4T).") var tokens: Count?
    @Option(help: "Query: training compute C in FLOPs (default 6ND).") var flops: Count?
    @Option(help: "Query: optimiser steps (kaplan-ns).") var steps: Count?
    @Option(help: "Query of a sigmoid fit: the x (task loss) to predict the metric at.") var x: RealArgument?
    @Option(help: "A second-step fit (scaling fit --law sigmoid --format json): the first fit's prediction becomes its x.")
    var then: String?
    @Option(help: "With a --then file holding several fits: the group to use.") var thenGroup: String?
    @Option(help: "Output format.") var format: OutputFormat = .text
    @Option(help: "Write the output to this file (atomically; a link, FIFO or device is written through, never replaced).") var output: String?

    func validate() throws {
      let query = params != nil || tokens != nil || flops != nil || steps != nil || data.schedule.totalSteps != nil || x != nil
      if query == !data.files.isEmpty {
        throw ValidationError("Give CSV files or a query (--params, --tokens, --flops, --steps; --total-steps and the schedule for a curve law; --x for a sigmoid fit), not both.")
      }
      if let x, !x.value.isFinite { throw ValidationError("--x must be finite (got \(x.value)).") }
      if x != nil && then != nil { throw ValidationError("--x queries a sigmoid fit directly; with --then the x comes from the first fit.") }
      for (v, flag) in [(params, "--params"), (tokens, "--tokens"), (flops, "--flops"), (steps, "--steps")] {
        if let v, !(v.value > 0 && v.value.isFinite) { throw ValidationError("\(flag) must be positive (got \(v.value)).") }
      }
    }

    func run() throws {
      try OutputTarget.check([output], inputs: [fit] + (then.map { [$0] } ?? []) + data.files)
      if let bytes = FileManager.default.contents(atPath: fit), ApproachDocument.isApproachFile(bytes) {
        return try frontier()
      }
      let f: FitFile
      var t: FitFile? = nil
      do {
        f = try FitFile(path: fit, group: group)
        if let then { t = try FitFile(path: then, group: thenGroup) }
      } catch let e as FitFile.FitFileError {
        throw CommandUsageError(message: e.description)
      }
      if let t { try Self.checkChain(f, t) }
      let predictions: [Prediction]
      if data.files.isEmpty {
        var p = try query(f)
        if let t { p = Prediction(fit: f, dataset: p.dataset, hasLoss: false, then: t) }
        predictions = [p]
      } else if f.kind.isMetricLaw {
        var options = data.loadOptions
        for (q, name) in f.columns where options.columns[q] == nil { options.columns[q] = name }
        options.metric = true
        options.optionalColumns = [.y]
        options.skipOutOfDomain = true
        let loader = DatasetLoader(options: options, required: [.x])
        let datasets = try data.files.flatMap { try loader.load(path: $0) }
        predictions = datasets.map { Prediction(fit: f, dataset: $0, hasLoss: $0.sources[.y] != nil) }
      } else {
        var options = data.loadOptions
        for (q, name) in f.columns where options.columns[q] == nil { options.columns[q] = name }
        if options.tokensPerStep == nil { options.tokensPerStep = f.tokensPerStep }
        if f.kind.modelsSchedule {
          options.schedule = data.schedule.isEmpty ? (f.schedule ?? ScheduleOptions()) : data.schedule.options
        }
        options.skipOutOfDomain = true
        var required = f.law.required
        required.remove(.loss)
        let loader = DatasetLoader(options: options, required: required)
        let documents = try data.files.map { try CSVDocument(contentsOf: $0) }
        let datasets = try documents.flatMap { try loader.load($0) }
        if let t {
          // The observed metric of each row, read with the same filters (so the same rows).
          var metricOptions = options
          metricOptions.columns[.y] = t.columns[.y]
          metricOptions.metric = true
          metricOptions.optionalColumns = [.y]
          metricOptions.schedule = nil
          let metricLoader = DatasetLoader(options: metricOptions, required: [])
          let observed = try documents.flatMap { try metricLoader.load($0) }
          predictions = zip(datasets, observed).map { d, m in
            let aligned = m.sources[.y] != nil && m.lines == d.lines
            return Prediction(fit: f, dataset: d, hasLoss: d.sources[.loss] != nil, then: t, observedMetric: aligned ? m.loss : nil)
          }
        } else {
          predictions = datasets.map { Prediction(fit: f, dataset: $0, hasLoss: $0.sources[.loss] != nil) }
        }
      }
      let text: String
      switch format {
      case .text: text = predictions.map { $0.text }.joined(separator: "\n")
      case .csv: text = Prediction.csvDocument(predictions)
      case .json: text = JSONValue.object([("predictions", .array(predictions.map { $0.json }))]).rendered() + "\n"
      }
      try OutputTarget.emit(text, to: output)
    }

    /// An Approach 1/2 fit (`fit --approach isoflop|envelope`) predicts the optimum of a budget:
    /// N*, D* and L* at `--flops` (or the budget whose optimum has `--params` or `--tokens`), with
    /// bootstrap intervals when the fit carries resamples. It has no loss for an arbitrary (N, D),
    /// so rows of CSV files are refused.
    func frontier() throws {
      guard data.files.isEmpty, then == nil, steps == nil, x == nil, [flops, params, tokens].compactMap({ $0 }).count == 1 else {
        throw CommandUsageError(
          message: "\(fit): an Approach 1/2 fit predicts the optimum of a budget: give exactly one of --flops, --params or --tokens (it has no loss for rows of a CSV file or an arbitrary (N, D); fit a law of N and D for those)")
      }
      let law: PlanningLaw
      do {
        law = try PlanningLaw.fromFitFile(fit, group: group)
      } catch let e as PlanningLaw.LawFileError {
        throw CommandUsageError(message: e.description)
      }
      let planner = Planner(law: law)
      var answer: Allocation
      if let C = flops?.value {
        answer = planner.allocation(flops: C)
      } else if let N = params?.value {
        answer = try planner.allocation(params: N)
      } else {
        answer = planner.allocation(tokens: tokens!.value)
      }
      answer = planner.annotated(answer)
      let text: String
      switch format {
      case .text, .csv: text = format == .csv ? Allocation.csvDocument([answer], law: law, hardware: nil) : answer.text(law: law, hardware: nil) + "\n"
      case .json: text = JSONValue.object([("predictions", .array([answer.json(law: law, hardware: nil)]))]).rendered() + "\n"
      }
      try OutputTarget.emit(text, to: output)
    }

    /// A chain is a loss law's fit followed by a metric law fitted against that loss.
    static func checkChain(_ f: FitFile, _ t: FitFile) throws {
      guard !f.kind.isMetricLaw else {
        throw CommandUsageError(message: "\(f.path): a \(f.lawName) fit predicts a metric; the first step of --then must be a loss law (step 1: task loss from N and D)")
      }
      guard t.kind.isMetricLaw else {
        throw CommandUsageError(message: "\(t.path): a \(t.lawName) fit is not a metric law of a loss; --then needs a sigmoid fit (scaling fit --law sigmoid)")
      }
      if let x = t.columns[.x], let loss = f.columns[.loss], x.lowercased() != loss.lowercased() {
        throw CommandUsageError(
          message: "\(t.path) fits its metric against x = '\(x)', but \(f.path) predicts '\(loss)': the chained x would be a different quantity (fit step 2 with --x-column \(loss))")
      }
    }

    func query(_ f: FitFile) throws -> Prediction {
      if f.kind.isMetricLaw {
        guard let x else { throw ValidationError("A \(f.lawName) query needs --x (or chain it after a loss fit with --then).") }
        var d = Dataset(file: "query", params: [.nan], tokens: [.nan], flops: [.nan], loss: [.nan], lines: [0])
        d.x = [x.value]
        return Prediction(fit: f, dataset: d, hasLoss: false)
      }
      if x != nil { throw ValidationError("--x queries a sigmoid fit; the \(f.lawName) law takes --params/--tokens.") }
      if f.kind.modelsSchedule { return try curveQuery(f) }
      let needs = f.law.required
      func need(_ q: Quantity, _ v: Count?, _ flag: String) throws -> Double {
        if let v { return v.value }
        if needs.contains(q) { throw ValidationError("The \(f.lawName) law needs \(flag) for a query.") }
        return .nan
      }
      let N = try need(.params, params, "--params")
      let D = try need(.tokens, tokens, "--tokens")
      var C = flops?.value ?? .nan
      if C.isNaN {
        if N.isFinite && D.isFinite { C = 6 * N * D } else if needs.contains(.flops) {
          throw ValidationError("The \(f.lawName) law needs --flops (or --params and --tokens) for a query.")
        }
      }
      let S = try need(.step, steps, "--steps")
      let d = Dataset(
        file: "query", params: [N], tokens: [D], flops: [C], loss: [.nan], step: steps == nil ? nil : [S], lines: [0])
      return Prediction(fit: f, dataset: d, hasLoss: false)
    }

    /// The predicted curve of one run of a learning-rate-aware law: the schedule from the flags,
    /// over the fit's recorded schedule options (warm-up fraction, final fraction, λ).
    func curveQuery(_ f: FitFile) throws -> Prediction {
      var o = f.schedule ?? ScheduleOptions()
      let flags = data.schedule.options
      if let k = flags.kind { o.kind = k }
      if let t = flags.totalSteps { o.totalSteps = t }
      if let w = flags.warmupSteps { o.warmupSteps = w; o.warmupFraction = nil }
      if let w = flags.warmupFraction { o.warmupFraction = w; o.warmupSteps = nil }
      if let p = flags.peakLR { o.peakLR = p }
      if let x = flags.finalLRFraction { o.finalLRFraction = x }
      if let x = flags.decayStart { o.decayStart = x }
      if let x = flags.stageStart { o.stageStart = x }
      if let x = flags.stageLR { o.stageLR = x }
      if data.schedule.annealingDecay != nil { o.annealingDecay = flags.annealingDecay }
      guard let kind = o.kind else { throw ValidationError("A \(f.lawName) query needs --schedule (the fit records none).") }
      guard let total = o.totalSteps else { throw ValidationError("A \(f.lawName) query needs --total-steps.") }
      guard let peak = o.peakLR else { throw ValidationError("A \(f.lawName) query needs --peak-lr (the fit records none).") }
      let tps = data.tokensPerStep?.value ?? f.tokensPerStep
      if f.kind == .chinchillaLR && tps == nil { throw ValidationError("A chinchilla-lr query needs --tokens-per-step.") }
      let n = params?.value ?? .nan
      if f.law.required.contains(.params) && params == nil { throw ValidationError("A \(f.lawName) query needs --params.") }
      let schedule: LearningRateSchedule
      do {
        schedule = try LearningRateSchedule(
          kind: kind, totalSteps: total,
          warmupSteps: o.warmupSteps ?? o.warmupFraction.map { Int((Double(total) * $0).rounded()) } ?? 0,
          peakLR: peak, finalLRFraction: o.finalLRFraction ?? 0.1, decayStart: o.decayStart, stageStart: o.stageStart,
          stageLR: o.stageLR)
      } catch {
        throw ValidationError("--schedule \(kind.rawValue): \(error).")
      }
      let d = Dataset.scheduleQuery(params: n, schedule: schedule, tokensPerStep: tps, steps: Dataset.queryCurveSteps(schedule), options: o)
      return Prediction(fit: f, dataset: d, hasLoss: false)
    }
  }
}
