import AnalysisConfig
import ArgumentParser
import Fitting
import Foundation
import ScalingLaws

extension ScalingTool {
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract: "Fit, check, plan and plot in one go: report.md, fit.json, plan.json and figures.",
      discussion: """
        Takes the same column, filter and law flags as `scaling fit`, or --config FILE.yaml \
        (print a commented template with --write-config). Each figure is a self-contained gnuplot \
        script NAME.gp (data inline) rendered to NAME.png and NAME.svg.
        """)

    @OptionGroup var data: DataOptions
    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Output folder, e.g. notebooks-out/NAME.")
    var out: String?
    @Option(parsing: .upToNextOption, help: "Extra budgets in FLOPs for the plan table.")
    var budgets: [RealArgument] = []
    @Option(help: "Serving trade-off: the loss the served models reach (enables the serving section and figure).")
    var servingTargetLoss: RealArgument?
    @Option(help: "Serving GPU.") var servingGpu: String = "h100-sxm"
    @Option(help: "GPUs per serving replica.") var servingGpus: Int = 1
    @Option(help: "Serving price per GPU-hour in US dollars.") var servingUsdPerGpuHour: RealArgument?
    @Option(help: "Serving compute efficiency, in (0, 1].") var servingMfu: RealArgument = RealArgument(0.4)
    @OptionGroup var servingOptions: ServingOptions

    @Option(help: "Downstream: a task-metric column (e.g. acc), or a pattern with one '*' (e.g. '*_acc') for every task; adds the model-ladder section and its figures.")
    var metricColumn: String?
    @Option(help: "Downstream: the task-loss column the metric is predicted through (default: the loss column), or a pattern (e.g. '*_bpb').")
    var taskLossColumn: String?
    @Option(help: "Downstream: bootstrap resamples of each task's ladder (default: --bootstrap).")
    var downstreamBootstrap: Int?

    @Option(help: "A joint fit (fit --group-column G --shared NAMES --format json): adds the recipe comparison of --compare-candidate over --compare-baseline.")
    var compareFit: String?
    @Option(help: "With --compare-fit: the group compared against (recipe A).") var compareBaseline: String?
    @Option(help: "With --compare-fit: the group whose saving is measured (recipe B).") var compareCandidate: String?

    @Option(help: "A learning-rate and batch sweep (see `scaling hparams`): adds its section and figures, and the peak LR and batch to the plan table.")
    var hparamsSweep: String?
    @Option(help: "With --hparams-sweep: the sweep's peak learning-rate column.") var hparamsLrColumn: String?
    @Option(help: "With --hparams-sweep: the sweep's batch column.") var hparamsBatchColumn: String?
    @Option(help: "With --hparams-sweep: what the batch column counts (tokens or sequences).") var hparamsBatchUnit: Hparams.BatchUnitArgument = .tokens
    @Option(help: "With --hparams-sweep and --hparams-batch-unit sequences: tokens per sequence.") var hparamsSequenceLength: Count?

    @Flag(help: "Keep each fit as given even when it warns that the data leave a parameter undetermined (by default the report chooses among the law's priors and tied exponents by backtest, as fit --auto).")
    var noAuto = false
    @Flag(help: "Write the .gp scripts without running gnuplot.")
    var scriptsOnly = false
    @Option(help: "Read the analysis from a YAML file (see --write-config).")
    var config: String?
    @Flag(help: "Print a commented YAML template of every setting and exit.")
    var writeConfig = false

    func validate() throws {
      if writeConfig || config != nil { return }
      try data.requireFiles()
      if out == nil { throw ValidationError("Give --out FOLDER (e.g. notebooks-out/NAME).") }
      if (compareFit == nil) != (compareBaseline == nil) || (compareFit == nil) != (compareCandidate == nil) {
        throw ValidationError("--compare-fit, --compare-baseline and --compare-candidate go together (a joint fit and its two groups).")
      }
      if hparamsSweep == nil && (hparamsLrColumn != nil || hparamsBatchColumn != nil || hparamsSequenceLength != nil || hparamsBatchUnit != .tokens) {
        throw ValidationError("--hparams-lr-column, --hparams-batch-column, --hparams-batch-unit and --hparams-sequence-length describe --hparams-sweep FILE: give it.")
      }
      if hparamsSequenceLength != nil && hparamsBatchUnit == .tokens {
        throw ValidationError("--hparams-sequence-length counts a batch given in sequences: it needs --hparams-batch-unit sequences.")
      }
      if hparamsBatchUnit == .sequences && hparamsSequenceLength == nil {
        throw ValidationError("--hparams-batch-unit sequences needs --hparams-sequence-length (tokens per sequence).")
      }
      if taskLossColumn != nil && metricColumn == nil {
        throw ValidationError("--task-loss-column goes with --metric-column (the downstream section).")
      }
      if analysis.law.isMetricLaw && metricColumn != nil {
        throw ValidationError("--metric-column adds a ladder to a loss-law report; with --law sigmoid the report is of the sigmoid itself.")
      }
      for b in budgets where !(b.value > 0 && b.value.isFinite) {
        throw ValidationError("--budgets must be positive FLOP counts (got \(b.value)).")
      }
      if let l = servingTargetLoss {
        if !(l.value > 0 && l.value.isFinite) { throw ValidationError("--serving-target-loss must be positive (got \(l.value)).") }
        guard let u = servingUsdPerGpuHour, u.value > 0, u.value.isFinite else {
          throw ValidationError("--serving-target-loss needs --serving-usd-per-gpu-hour (a positive price).")
        }
        if GPU.named(servingGpu) == nil {
          throw ValidationError("Unknown --serving-gpu '\(servingGpu)'. Known: \(GPU.known.map { $0.name }.joined(separator: ", ")).")
        }
        if servingGpus < 1 { throw ValidationError("--serving-gpus must be at least 1.") }
        if !(servingMfu.value > 0 && servingMfu.value <= 1) { throw ValidationError("--serving-mfu must be in (0, 1].") }
      }
      if let b = downstreamBootstrap {
        if metricColumn == nil { throw ValidationError("--downstream-bootstrap goes with --metric-column (the downstream section).") }
        if b < 0 { throw ValidationError("--downstream-bootstrap must be 0 or more (got \(b)).") }
      }
    }

    func run() throws {
      if writeConfig {
        print(AnalysisConfig.template, terminator: "")
        return
      }
      if let config {
        // The YAML becomes the equivalent command line (one `--flag=value` token per setting),
        // parsed and validated like one; a check of a value names the key and line it came from.
        let parsed: ConfigArguments
        do {
          parsed = try AnalysisConfig.parse(fromFile: config)
        } catch let e as ConfigError {
          throw CommandUsageError(message: e.message)
        }
        var extra: [String] = []
        var rest = Array(CommandLine.arguments.dropFirst(2))
        while !rest.isEmpty {
          let a = rest.removeFirst()
          if a == "--config" { if !rest.isEmpty { rest.removeFirst() }; continue }
          if a.hasPrefix("--config=") { continue }
          extra.append(a)
        }
        let command: Report
        do {
          command = try Report.parse(parsed.arguments + ScalingTool.joiningNegativeValues(extra))
          try command.validate()
        } catch {
          if let located = parsed.located(Report.message(for: error)) { throw CommandUsageError(message: located) }
          throw error
        }
        do {
          try command.execute(configFile: config)
        } catch let e as CommandUsageError {
          throw parsed.located(e.message).map { CommandUsageError(message: $0) } ?? e
        } catch let e as UserFacingError {
          throw parsed.located(e.description).map { LocatedFailure(message: $0) } ?? e
        }
        return
      }
      try execute(configFile: nil)
    }

    /// The report of the parsed flags (`configFile`: the config they came from, an input too).
    func execute(configFile: String?) throws {
      let folder = out!
      let inputs = data.files + (configFile.map { [$0] } ?? []) + (hparamsSweep.map { [$0] } ?? []) + (compareFit.map { [$0] } ?? [])
      do {
        try ReportWriter.checkInputs(inputs, folder: folder)
      } catch let e as ReportWriter.ProtectedFile {
        throw CommandUsageError(message: e.description)
      }
      // Each file is parsed once; the fit, the faded unfiltered points, the backtest and the
      // ladder each read the parsed documents with their own column and filter options.
      try data.checkFlags(law: analysis.law)
      let documents = try data.files.map { try CSVDocument(contentsOf: $0) }
      let fitted = try ReportPipeline(
        fitOptions: analysis.fitOptions, loading: data.loadOptions(forLaw: analysis.law), recipeLoading: data.loadOptions(forLaw: .chinchilla)
      ).run(documents) { count in
        var a = analysis.analysis(progressTotal: count)
        a.auto = !noAuto
        return a
      }
      var ladders: [Ladder.Result] = []
      if let metricColumn {
        guard let task = taskLossColumn ?? fitted.fits.first?.dataset.columnName(.loss) else {
          throw ValidationError("--metric-column needs --task-loss-column (the data have no loss column).")
        }
        var sigmoid = FitOptions()
        sigmoid.law = .sigmoid
        sigmoid.loss = .squared
        ladders = try LadderCommand.ladders(
          data: data, analysis: analysis, taskLossColumn: task, metricColumn: metricColumn, sigmoid: sigmoid,
          auto: !noAuto, documents: documents, bootstrap: downstreamBootstrap)
      }
      let command = (["scaling"] + CommandLine.arguments.dropFirst()).map { arg in
        arg.contains(" ") ? "'\(arg)'" : arg
      }.joined(separator: " ")
      // Analysis (the plan, the backtest, the IsoFLOP checks), then rendering.
      var hyperparameters: HyperparameterFit? = nil
      if let sweepFile = hparamsSweep {
        var columns = HyperparameterSweep.Columns()
        columns.learningRate = hparamsLrColumn
        columns.batch = hparamsBatchColumn
        columns.batchUnit = hparamsBatchUnit == .sequences ? .sequences : .tokens
        columns.sequenceLength = hparamsSequenceLength?.value
        var fitter = HyperparameterFitter()
        fitter.bootstrap = analysis.bootstrap
        fitter.seed = analysis.seed
        do {
          hyperparameters = try fitter.fit(HyperparameterSweep.load(CSVDocument(contentsOf: sweepFile), columns: columns))
        } catch let e as HyperparameterFitter.FitFailure {
          throw CommandUsageError(message: e.description)
        }
      }
      var analysisResult = ReportAnalysis(
        fits: fitted.fits, unfiltered: fitted.unfiltered, budgets: budgets.map { $0.value },
        serving: servingTargetLoss.map { loss in
          (
            servingOptions.configuration(
              gpu: GPU.named(servingGpu)!, gpus: servingGpus, mfu: servingMfu.value,
              usdPerGPUHour: servingUsdPerGpuHour?.value, defaultBatch: nil),
            loss.value
          )
        }, finalOnly: fitted.finalOnly, ladders: ladders)
      analysisResult.hyperparameters = hyperparameters
      if let fitFile = compareFit, let a = compareBaseline, let b = compareCandidate {
        let law: PlanningLaw
        do {
          law = try PlanningLaw.fromFitFile(fitFile, group: nil)
        } catch let e as PlanningLaw.LawFileError {
          throw CommandUsageError(message: "--compare-fit \(e.description)")
        }
        guard case .fitted(let f, let samples) = law else {
          throw CommandUsageError(message: "--compare-fit \(fitFile): holds no joint formula fit (fit with --group-column G --formula ... --shared NAMES)")
        }
        let budgets = f.observedFlopsMax.map { m in [0.01, 0.1, 1, 10, 100, 1000].map { m * $0 } } ?? [1e18, 1e20, 1e22, 1e24]
        do {
          analysisResult.comparison = (try RecipeComparison(law: f, samples: samples, baseline: a, candidate: b, budgets: budgets), fitFile)
        } catch let e as RecipeComparison.ComparisonError {
          throw CommandUsageError(message: "--compare-fit \(fitFile): \(e.description)")
        }
      }
      let report = ScalingLaws.Report(analysisResult, command: command)
      do {
        try ReportWriter().write(report, to: folder, render: !scriptsOnly, inputs: inputs)
      } catch let e as Gnuplot.GnuplotError {
        throw ReportFailure(message: e.description)
      } catch let e as ReportWriter.ProtectedFile {
        throw CommandUsageError(message: e.description)
      }
      print(report.summary(fitted.fits, folder: folder, scriptsOnly: scriptsOnly), terminator: "")
    }
  }
}
