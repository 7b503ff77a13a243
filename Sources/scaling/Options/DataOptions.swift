import ArgumentParser
import ScalingLaws

/// Input files, column names, derivations and filters (shared by `fit` and later `report`).
struct DataOptions: ParsableArguments {
  @Argument(help: "CSV files of training results (one row per run or checkpoint).")
  var files: [String] = []

  @Option(help: "Column holding the parameter count N.")
  var paramsColumn: String?
  @Option(help: "Column holding training tokens D.")
  var tokensColumn: String?
  @Option(help: "Column holding training compute C in FLOPs.")
  var flopsColumn: String?
  @Option(help: "Column holding the loss (nats per token or byte).")
  var lossColumn: String?
  @Option(help: "sigmoid: column holding the predictor x (a task loss, e.g. log_ppl).")
  var xColumn: String?
  @Option(help: "sigmoid: column holding the metric y (e.g. acc).")
  var yColumn: String?
  @Option(help: "Column holding the optimiser step.")
  var stepColumn: String?
  @Option(help: "Column naming the run (for --final-only and --exclude-run).")
  var runColumn: String?
  @Option(help: "Fit each value of this column separately.")
  var groupColumn: String?
  @Option(help: "Column giving each run's IsoFLOP budget (for --approach isoflop).")
  var budgetColumn: String?

  @Option(help: "Tokens per step, to derive D = step x this when there is no tokens column (Pythia: 2097152).")
  var tokensPerStep: Count?

  @Option(
    help: "Drop checkpoints before this step (warm-up). Default of the learning-rate-aware laws: each run's checkpoints before 1.5x its warm-up (the end-of-warm-up transient); 0 keeps every one.")
  var minStep: RealArgument?
  @Option(help: "Drop points with fewer tokens (e.g. 1e8 or 100M).")
  var minTokens: Count?
  @Option(help: "Drop models larger than this (e.g. 1.4B).")
  var maxParams: Count?
  @Option(help: "Drop every point of this run (repeatable).")
  var excludeRun: [String] = []
  @Option(help: "Keep only this run (repeatable).")
  var includeRun: [String] = []
  @Flag(help: "Keep only the last checkpoint of each run (the same as --checkpoints final).")
  var finalOnly = false
  @Option(help: "final: the last checkpoint of each run (the default for chinchilla, kaplan-n/d/c/nd); all: every checkpoint.")
  var checkpoints: CheckpointSelection?

  @OptionGroup(title: "Learning-rate schedule (chinchilla-lr, lr-annealing, multi-power)")
  var schedule: ScheduleFlags

  enum CheckpointSelection: String, ExpressibleByArgument, CaseIterable { case final, all }

  func validate() throws {
    if let t = tokensPerStep, !(t.value > 0) {
      throw ValidationError("--tokens-per-step must be positive.")
    }
    if let m = minStep, !m.value.isFinite { throw ValidationError("--min-step must be finite.") }
    if let m = minTokens, !(m.value >= 0) { throw ValidationError("--min-tokens must be non-negative.") }
    if let m = maxParams, !(m.value > 0) { throw ValidationError("--max-params must be positive.") }
    if finalOnly && checkpoints == .all { throw ValidationError("--final-only contradicts --checkpoints all.") }
    // One column cannot be two quantities (a sigmoid of y against y "converges" to nonsense).
    var named: [(flag: String, column: String)] = []
    // (Schedule columns are left out: a logged rate may serve as both the rate and its peak.)
    for (q, name) in loadOptions.columns.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where !q.isScheduleRole {
      if let other = named.first(where: { $0.column.lowercased() == name.lowercased() }) {
        throw ValidationError("\(other.flag) and \(q.columnOption) both name the column '\(name)': one column cannot be two quantities.")
      }
      named.append((q.columnOption, name))
    }
  }

  /// Commands that read data call this from their own validate() (a --config file may supply
  /// the files instead).
  func requireFiles() throws {
    if files.isEmpty { throw ValidationError("Give at least one CSV file.") }
  }

  var loadOptions: LoadOptions {
    var o = LoadOptions()
    let explicit: [(Quantity, String?)] = [
      (.params, paramsColumn), (.tokens, tokensColumn), (.flops, flopsColumn), (.loss, lossColumn),
      (.step, stepColumn), (.run, runColumn), (.group, groupColumn), (.budget, budgetColumn),
      (.x, xColumn), (.y, yColumn),
    ]
    for (q, name) in explicit { if let name { o.columns[q] = name } }
    for (q, name) in schedule.columns { o.columns[q] = name }
    o.tokensPerStep = tokensPerStep?.value
    o.minStep = minStep?.value
    o.minTokens = minTokens?.value
    o.maxParams = maxParams?.value
    o.excludeRuns = excludeRun
    o.includeRuns = includeRun
    o.finalOnly = finalOnly || checkpoints == .final
    return o
  }

  /// The load options for fitting `law`: a final-loss law (Chinchilla, Kaplan's N, D, C and N-D
  /// laws) uses the last checkpoint of each run unless `--checkpoints all`; curve laws over
  /// steps keep every checkpoint, and the learning-rate-aware ones drop the end-of-warm-up
  /// transient unless `--min-step` is given.
  func loadOptions(forLaw law: LawKind) -> LoadOptions {
    var o = loadOptions
    o.finalByDefault = law.isFinalLossLaw && checkpoints != .all
    if law.modelsSchedule {
      o.schedule = schedule.options
      o.warmupTransient = LoadOptions.defaultWarmupTransient
    }
    o.metric = law.isMetricLaw
    return o
  }

  /// The load options of a formula law: its input columns read, and, unless it is a law of the
  /// step (a curve law), the last checkpoint of each run by default, as for a final-loss law.
  func loadOptions(forFormula f: FormulaLaw) -> LoadOptions {
    var o = loadOptions
    o.finalByDefault = !f.inputNames.contains("S") && checkpoints != .all
    o.inputs = f.spec.inputs
    o.signedLoss = f.linearResponse
    o.flopsRule = f.compute.flopsRule
    return o
  }

  /// Every (file, group) dataset, in file order then group order; from `documents` (the files
  /// already parsed, in order) when a command reads the same files more than once.
  func loadDatasets(
    required: Set<Quantity>, law: LawKind? = nil, formula: FormulaLaw? = nil, documents: [CSVDocument]? = nil
  ) throws -> [Dataset] {
    try checkFlags(law: law)
    var options = law.map { loadOptions(forLaw: $0) } ?? loadOptions
    if let f = formula { options = loadOptions(forFormula: f) }
    let loader = DatasetLoader(options: options, required: required)
    if let documents { return try documents.flatMap { try loader.load($0) } }
    return try files.flatMap { try loader.load(path: $0) }
  }

  /// The data flags that contradict the law (usage errors, reported before any file is read).
  func checkFlags(law: LawKind?) throws {
    if !schedule.isEmpty, !(law?.modelsSchedule ?? false) {
      throw ValidationError(
        "the learning-rate schedule flags are for the learning-rate-aware laws (--law chinchilla-lr, lr-annealing or multi-power)\(law.map { "; --law \($0.rawValue) does not model the schedule" } ?? "").")
    }
    if let law {
      if law.isMetricLaw && lossColumn != nil {
        throw ValidationError("--loss-column is for loss laws; --law sigmoid reads --x-column and --y-column.")
      }
      if !law.isMetricLaw && (xColumn != nil || yColumn != nil) {
        throw ValidationError("--x-column and --y-column are for --law sigmoid; a loss law reads --loss-column.")
      }
    }
  }
}
