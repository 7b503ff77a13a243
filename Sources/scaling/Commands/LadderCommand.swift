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

    @Option(help: ArgumentHelp("Step 1 on each run's final checkpoint, its task loss the mean of the run's last K evaluations (only finals are then predicted).", valueName: "K"))
    var step1AverageLast: Int?
    @Option(help: ArgumentHelp("Step 2 without each run's first fraction F of its steps, F in [0, 1).", valueName: "F"))
    var step2SkipFraction: RealArgument?
    @Option(help: ArgumentHelp("Step 2 on a centred moving average of K checkpoints of each run.", valueName: "K"))
    var step2Smooth: Int?
    @Option(help: ArgumentHelp("An ideal point (task loss, metric) added to step 2's data with the weight of one run and to every resample; repeatable. Default: 0,1 when the metric is in [0, 1] and the task loss is at least 0.", valueName: "x,y"))
    var anchor: [String] = []
    @Flag(help: "No anchor point in step 2 (not even the default 0,1).")
    var noAnchor = false
    @Option(help: ArgumentHelp("Fix step 2's lower level at the task's chance level Y in [0, 1), or 'auto' for the table of known tasks (see the README).", valueName: "Y|auto"))
    var chance: String?
    @Flag(help: "Keep step 1 as given even when it warns that the data leave a parameter undetermined (by default step 1 chooses among the law's priors and tied exponents by backtest, as fit --auto and the report do).")
    var noAuto = false
    @Flag(help: "One step: the metric from log10 of the compute C = 6ND directly, instead of through the task loss (as --method direct).")
    var direct = false
    @Option(help: "two-step (through the task loss), direct (from log10 C), or auto (default): two steps, and for a task the predictability check calls unpredictable the direct law when it predicts the largest fitted size better when both are refitted without it.")
    var method: LadderOptions.Method?

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
      _ = try ladderOptions()
      if noAuto && analysis.auto { throw ValidationError("--auto and --no-auto: give one of them.") }
      if chance != nil && sigmoidFix.contains(where: { $0.hasPrefix("b=") }) {
        throw ValidationError("--chance fixes the sigmoid's lower level b; --sigmoid-fix b=... does too: give one of them.")
      }
    }

    /// The ladder options from the flags (`--chance auto` is resolved per task by `ladders`).
    func ladderOptions() throws -> LadderOptions {
      var o = LadderOptions()
      if let k = step1AverageLast {
        guard k >= 1 else { throw ValidationError("--step1-average-last must be at least 1 (got \(k)).") }
        o.step1AverageLast = k
      }
      if let f = step2SkipFraction?.value {
        guard f >= 0, f < 1 else { throw ValidationError("--step2-skip-fraction must be in [0, 1) (got \(f)).") }
        o.step2SkipFraction = f
      }
      if let k = step2Smooth {
        guard k >= 1 else { throw ValidationError("--step2-smooth must be at least 1 (got \(k)).") }
        o.step2Smooth = k
      }
      if noAnchor && !anchor.isEmpty { throw ValidationError("--no-anchor and --anchor: give one of them.") }
      if noAnchor { o.anchors = [] }
      for a in anchor {
        let parts = a.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        // Double() as well, so that inf and nan reach the finiteness check with its own message.
        func number(_ t: String) -> Double? { RealArgument(argument: t)?.value ?? Double(t) }
        guard parts.count == 2, let x = number(parts[0]), let y = number(parts[1]) else {
          throw ValidationError("--anchor '\(a)' must be two numbers x,y (a task loss and a metric), e.g. 0,1.")
        }
        guard x.isFinite, y.isFinite else { throw ValidationError("--anchor '\(a)': both values must be finite.") }
        o.anchors = (o.anchors ?? []) + [LadderOptions.Anchor(x: x, y: y)]
      }
      if let c = chance, c != "auto" {
        guard let v = RealArgument(argument: c)?.value, v >= 0, v < 1 else {
          throw ValidationError("--chance must be a number in [0, 1) or 'auto' (got '\(c)').")
        }
        o.chance = v
      }
      if direct, let m = method, m != .direct {
        throw ValidationError("--direct is --method direct; --method \(m.rawValue) says otherwise: give one of them.")
      }
      o.method = direct ? .direct : method ?? o.method
      if o.method == .direct {
        if !(o.anchors ?? []).isEmpty { throw ValidationError("--anchor places points in (task loss, metric); --direct has no task loss.") }
        if o.step1AverageLast != nil { throw ValidationError("--step1-average-last is for step 1; --direct has one step.") }
      }
      return o
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
        sigmoid: try sigmoidOptions(), options: try ladderOptions(), chanceAuto: chance == "auto", auto: !noAuto)
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
      options: LadderOptions = LadderOptions(), chanceAuto: Bool = false, auto: Bool = true, documents: [CSVDocument]? = nil,
      bootstrap: Int? = nil
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
            b.search = analysis.bootstrapSearch ?? .global
          }
          b.resamples = bootstrap
          step1.bootstrap = b
        } else {
          step1.bootstrap = nil
        }
      }
      // Step 1 chooses among its law's priors and tied exponents by backtest when it warns
      // (`AutoFit`): on the OLMo ladder and Pythia LAMBADA it never predicted worse and often
      // better (README); step 2 (the sigmoid) has no named priors.
      step1.auto = auto || analysis.auto
      var step2 = step1
      step2.auto = false
      step2.fitOptions = sigmoid
      // Step 2's resamples refit the sigmoid from the main fit's optimum (one local L-BFGS solve)
      // unless --bootstrap-search says otherwise: the same intervals on the OLMo ladder (52 of 54
      // finals covered either way) in half the time, the sigmoid's optimum moving little between
      // resamples of ~1,400 checkpoints.
      if var b = step2.bootstrap {
        b.search = analysis.bootstrapSearch ?? .local
        step2.bootstrap = b
      }
      var results: [Ladder.Result] = []
      if chanceAuto, let unknown = tasks.first(where: { ChanceLevels.chance(task: $0.task) == nil }) {
        throw CommandUsageError(
          message: "--chance auto: no chance level is known for task '\(unknown.task)' (known: \(ChanceLevels.known.map(\.task).joined(separator: ", "))); give --chance Y")
      }
      for task in tasks {
        var taskOptions = options
        if chanceAuto { taskOptions.chance = ChanceLevels.chance(task: task.task) }
        let ladder = Ladder(step1: step1, step2: step2, options: taskOptions)
        var lossOptions = data.loadOptions(forLaw: law)
        lossOptions.columns[.loss] = task.taskLoss
        var metricOptions = data.loadOptions(forLaw: .sigmoid)
        metricOptions.columns[.x] = task.taskLoss
        metricOptions.columns[.y] = task.metric
        let lossLoader = DatasetLoader(options: lossOptions, required: analysis.fitOptions.makeLaw().required)
        let metricLoader = DatasetLoader(options: metricOptions, required: [.x, .y])
        let lossData = try documents.flatMap { try lossLoader.load($0) }
        let metricData = try documents.flatMap { try metricLoader.load($0) }
        if let c = taskOptions.chance {
          for d in metricData {
            if let i = d.loss.indices.first(where: { !(d.loss[$0] >= 0 && d.loss[$0] <= 1) }) {
              throw CommandUsageError(
                message: "\(d.file):\(d.lines[i]): column \(task.metric): \(d.loss[i]) is outside [0, 1]; --chance \(String(format: "%g", c)) fixes the lower level of a metric in [0, 1]")
            }
          }
        }
        results += try zip(lossData, metricData).map { try ladder.run(lossData: $0, metricData: $1) }
      }
      return results
    }
  }
}

extension LadderOptions.Method: ExpressibleByArgument {}
