import ArgumentParser
import Foundation
import ScalingLaws

extension ScalingTool {
  struct LadderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "ladder",
      abstract: "Two-step downstream prediction: task loss from N and D, then the task metric from the task loss.",
      discussion: """
        Step 1 fits --law (default chinchilla; chinchilla-lr with the schedule for checkpoint curves) \
        to the task-loss column. Step 2 fits the sigmoid y = a/(1 + exp(-k*(x - x0))) + b of the \
        metric column against the task-loss column over every checkpoint (least squares on y). \
        With --holdout-above-params both are fitted on the smaller models and the larger ones are \
        predicted: step 1 alone, step 2 alone (at the observed task loss) and chained (from N and \
        D only). With --bootstrap N the chained intervals pair resample j of step 1 with \
        resample j of step 2 (Bhagia et al. 2024, arXiv 2412.04403).
        """)

    @OptionGroup var data: DataOptions
    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Column holding the task loss (step 1's loss, step 2's x), e.g. log_ppl; or a pattern with one '*' (e.g. '*_bpb') whose '*' takes each metric column's stem.")
    var taskLossColumn: String
    @Option(help: "Column holding the task metric (step 2's y), e.g. acc; or a pattern with one '*' (e.g. '*_acc'): one ladder per matching column.")
    var metricColumn: String
    @Option(help: ArgumentHelp("Step 2: hold a sigmoid parameter at a value, e.g. b=0.25; repeatable.", valueName: "name=value"))
    var sigmoidFix: [String] = []
    @Option(help: ArgumentHelp("Step 2: keep b and a + b inside lo,hi, or none. Default: 0,1 when every metric value is in [0, 1].", valueName: "lo,hi|none"))
    var sigmoidYRange: String?

    @Option(help: "Output format.") var format: OutputFormat = .text
    @Option(help: "Write the output to this file (atomically; a link, FIFO or device is written through, never replaced) instead of standard output.") var output: String?

    func validate() throws {
      try data.requireFiles()
      if analysis.law.isMetricLaw {
        throw ValidationError("--law is step 1's law of the task loss; step 2 is always the sigmoid.")
      }
      if data.lossColumn != nil || data.xColumn != nil || data.yColumn != nil {
        throw ValidationError("scaling ladder reads --task-loss-column and --metric-column (not --loss-column, --x-column, --y-column).")
      }
      _ = try sigmoidOptions()
    }

    /// Step 2's fit options: the sigmoid, least squares, with --sigmoid-fix and --sigmoid-y-range.
    func sigmoidOptions() throws -> FitOptions {
      var o = FitOptions()
      o.law = .sigmoid
      o.loss = .squared
      o.search = analysis.search
      o.fixed = try AnalysisOptions.parseFix(sigmoidFix, flag: "--sigmoid-fix")
      o.yRange = try AnalysisOptions.parseYRange(sigmoidYRange, flag: "--sigmoid-y-range")
      let names = SigmoidLaw(yRange: nil).parameterNames
      if let bad = o.fixed.keys.sorted().first(where: { !names.contains($0) }) {
        throw ValidationError("--sigmoid-fix \(bad): the sigmoid has no parameter '\(bad)' (its parameters: \(names.joined(separator: ", "))).")
      }
      return o
    }

    func run() throws {
      try OutputTarget.check([output], inputs: data.files)
      let results = try Self.ladders(
        data: data, analysis: analysis, taskLossColumn: taskLossColumn, metricColumn: metricColumn,
        sigmoid: try sigmoidOptions())
      let text: String
      switch format {
      case .text: text = results.map { $0.text }.joined(separator: "\n")
      case .csv: text = Ladder.Result.csvHeader.joined(separator: ",") + "\n" + results.map { $0.csv.split(separator: "\n", maxSplits: 1).dropFirst().joined() }.joined()
      case .json: text = JSONValue.object([("ladders", .array(results.map { $0.json }))]).rendered() + "\n"
      }
      try OutputTarget.emit(text, to: output)
    }

    /// Both steps for every task and (file, group): step 1 `analysis` on the task-loss column,
    /// step 2 the sigmoid of the metric column against it, with the same holdout and bootstrap
    /// (`bootstrap` resamples instead of the analysis's, when given). The two columns may be
    /// patterns with one `*` (`*_bpb`, `*_acc`): one ladder per metric column the pattern matches
    /// in the first file's header, in the header's order.
    static func ladders(
      data: DataOptions, analysis: AnalysisOptions, taskLossColumn: String, metricColumn: String, sigmoid: FitOptions,
      documents: [CSVDocument]? = nil, bootstrap: Int? = nil
    ) throws -> [Ladder.Result] {
      let law = analysis.law
      if !data.schedule.isEmpty && !law.modelsSchedule {
        throw ValidationError("the learning-rate schedule flags are for the learning-rate-aware laws; --law \(law.rawValue) does not model the schedule.")
      }
      // Each file parsed once, read by both loaders of every task.
      let documents = try documents ?? data.files.map { try CSVDocument(contentsOf: $0) }
      let tasks: [TaskColumns]
      do {
        tasks = try TaskColumns.expand(
          metric: metricColumn, taskLoss: taskLossColumn, header: documents.first?.headerNames ?? [], file: documents.first?.name ?? "")
      } catch let e as TaskColumns.PatternError {
        throw CommandUsageError(message: e.description)
      }
      var step1 = analysis.analysis(progressTotal: 2 * tasks.count * max(1, documents.count))
      if let bootstrap {
        if bootstrap > 0 {
          var b = step1.bootstrap ?? BootstrapOptions(resamples: bootstrap, seed: analysis.seed)
          if step1.bootstrap == nil {
            b.confidence = analysis.confidence.value
            b.unit = analysis.bootstrapUnit
            b.search = analysis.bootstrapSearch
          }
          b.resamples = bootstrap
          step1.bootstrap = b
        } else {
          step1.bootstrap = nil
        }
      }
      var step2 = step1
      step2.fitOptions = sigmoid
      let ladder = Ladder(step1: step1, step2: step2)
      var results: [Ladder.Result] = []
      for task in tasks {
        var lossOptions = data.loadOptions(forLaw: law)
        lossOptions.columns[.loss] = task.taskLoss
        var metricOptions = data.loadOptions(forLaw: .sigmoid)
        metricOptions.columns[.x] = task.taskLoss
        metricOptions.columns[.y] = task.metric
        let lossLoader = DatasetLoader(options: lossOptions, required: analysis.fitOptions.makeLaw().required)
        let metricLoader = DatasetLoader(options: metricOptions, required: [.x, .y])
        let lossData = try documents.flatMap { try lossLoader.load($0) }
        let metricData = try documents.flatMap { try metricLoader.load($0) }
        results += try zip(lossData, metricData).map { try ladder.run(lossData: $0, metricData: $1) }
      }
      return results
    }
  }
}
