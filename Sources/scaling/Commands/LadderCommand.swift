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
    @OptionGroup var ladder: LadderFlags
    @Flag(help: "Keep step 1 as given even when it warns that the data leave a parameter undetermined (by default step 1 chooses among the law's priors and tied exponents by backtest, as fit --auto and the report do).")
    var noAuto = false

    @Option(help: "Output format.") var format: OutputFormat = .text
    @OptionGroup var destination: OutputOption

    func validate() throws {
      try data.requireFiles()
      if analysis.law.isMetricLaw {
        throw ValidationError("--law is step 1's law of the task loss; step 2 is always the sigmoid.")
      }
      if data.lossColumn != nil || data.xColumn != nil || data.yColumn != nil {
        throw ValidationError("scaling ladder reads --task-loss-column and --metric-column (not --loss-column, --x-column, --y-column).")
      }
      if noAuto && analysis.auto { throw ValidationError("--auto and --no-auto: give one of them.") }
      if taskLossColumn.lowercased() == metricColumn.lowercased() {
        throw ValidationError(
          "--task-loss-column and --metric-column both name '\(metricColumn)': step 2 would fit the metric against itself; give the task's loss (e.g. hellaswag_bpb) and its metric (hellaswag_acc).")
      }
    }

    func run() throws {
      try destination.check(inputs: data.files)
      let results = try Self.ladders(
        data: data, analysis: analysis, taskLossColumn: taskLossColumn, metricColumn: metricColumn,
        sigmoid: try ladder.sigmoidOptions(search: analysis.search), options: try ladder.ladderOptions(),
        chanceAuto: ladder.chanceAuto, auto: !noAuto)
      let text: String
      switch format {
      case .text: text = results.map { $0.text }.joined(separator: "\n")
      case .csv: text = Ladder.Result.csvDocument(results)
      case .json: text = JSONValue.object([("ladders", .array(results.map { $0.json }))]).rendered() + "\n"
      }
      try destination.emit(text)
    }

    /// The ladder of every task and (file, group) (``LadderPipeline``), from the flags: step 1
    /// `analysis` on the task-loss column (`bootstrap` resamples instead of the analysis's, when
    /// given), step 2 the sigmoid. The two columns may be patterns with one `*` (`*_bpb`,
    /// `*_acc`): one ladder per metric column the pattern matches in the first file's header.
    static func ladders(
      data: DataOptions, analysis: AnalysisOptions, taskLossColumn: String, metricColumn: String, sigmoid: FitOptions,
      options: LadderOptions = LadderOptions(), chanceAuto: Bool = false, auto: Bool = true, documents: [CSVDocument]? = nil,
      bootstrap: Int? = nil
    ) throws -> [Ladder.Result] {
      let law = analysis.law
      if !data.schedule.isEmpty && !law.modelsSchedule {
        throw ValidationError("the learning-rate schedule flags are for the learning-rate-aware laws; --law \(law.rawValue) does not model the schedule.")
      }
      // Each file parsed once, read by both loaders of every task.
      let documents = try documents ?? data.files.map { try CSVDocument(contentsOf: $0) }
      do {
        let tasks = try TaskColumns.expand(
          metric: metricColumn, taskLoss: taskLossColumn, header: documents.first?.headerNames ?? [], file: documents.first?.name ?? "")
        var step1 = analysis.analysis(progressTotal: 2 * tasks.count * max(1, documents.count), resamples: bootstrap)
        // Step 1 chooses among its law's priors and tied exponents by backtest when it warns
        // (`AutoFit`): on the OLMo ladder and Pythia LAMBADA it never predicted worse and often
        // better (README).
        step1.auto = auto || analysis.auto
        let pipeline = LadderPipeline(
          step1: step1, sigmoid: sigmoid, options: options, lossLoading: data.loadOptions(forLaw: law),
          metricLoading: data.loadOptions(forLaw: .sigmoid), chanceAuto: chanceAuto,
          step2BootstrapSearch: analysis.bootstrapSearch ?? .local)
        return try pipeline.run(documents, tasks: tasks)
      } catch let e as TaskColumns.PatternError {
        throw CommandUsageError(message: e.description)
      } catch let e as LadderPipeline.UsageError {
        throw CommandUsageError(message: e.description)
      }
    }
  }
}
