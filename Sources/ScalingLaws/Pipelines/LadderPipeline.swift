import Fitting
import Foundation

/// The downstream ladder for every task and every (file, group) of the files (`scaling ladder`,
/// the report's downstream section): step 1 ``FitAnalysis`` on the task's loss column, step 2 the
/// sigmoid of its metric column against that loss, with step 1's holdout and bootstrap, one
/// ``Ladder`` per task. Each file is parsed once by the caller and read by both steps' loaders.
public struct LadderPipeline: Sendable {
  /// Step 1: the task loss's law, holdout, bootstrap and `auto` choice.
  public var step1: FitAnalysis
  /// Step 2's fit options: the sigmoid, least squares (with any fixed parameters and y-range).
  public var sigmoid: FitOptions
  public var options: LadderOptions
  /// How step 1's and step 2's rows are read; the task's columns are set per task.
  public var lossLoading: LoadOptions
  public var metricLoading: LoadOptions
  /// Fix each task's lower level at its chance level from ``ChanceLevels`` (`chance auto`).
  public var chanceAuto: Bool
  /// Step 2's bootstrap search: local by default. Its resamples refit the sigmoid from the main
  /// fit's optimum (one local L-BFGS solve): the same intervals on the OLMo ladder (52 of 54
  /// finals covered either way) in half the time, the sigmoid's optimum moving little between
  /// resamples of ~1,400 checkpoints.
  public var step2BootstrapSearch: BootstrapSearch

  public init(
    step1: FitAnalysis, sigmoid: FitOptions, options: LadderOptions, lossLoading: LoadOptions, metricLoading: LoadOptions,
    chanceAuto: Bool = false, step2BootstrapSearch: BootstrapSearch = .local
  ) {
    self.step1 = step1
    self.sigmoid = sigmoid
    self.options = options
    self.lossLoading = lossLoading
    self.metricLoading = metricLoading
    self.chanceAuto = chanceAuto
    self.step2BootstrapSearch = step2BootstrapSearch
  }

  /// A setting that does not fit the data (exit 2 in the tool): a chance level for a task the
  /// table lacks, or a metric outside [0, 1] with a chance level.
  public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  /// Step 2's analysis: step 1's holdout and bootstrap (with ``step2BootstrapSearch``), the
  /// sigmoid's options, no `auto` (the sigmoid has no named priors).
  public var step2: FitAnalysis {
    var s = step1
    s.auto = false
    s.fitOptions = sigmoid
    if var b = s.bootstrap {
      b.search = step2BootstrapSearch
      s.bootstrap = b
    }
    return s
  }

  /// Both steps for every task, then every (file, group), in that order.
  public func run(_ documents: [CSVDocument], tasks: [TaskColumns]) throws -> [Ladder.Result] {
    if chanceAuto, let unknown = tasks.first(where: { ChanceLevels.chance(task: $0.task) == nil }) {
      throw UsageError(
        description: "\(OptionName.chance) auto: no chance level is known for task '\(unknown.task)' (known: \(ChanceLevels.known.map(\.task).joined(separator: ", "))); give \(OptionName.chance) Y")
    }
    let step2 = self.step2
    let required = step1.fitOptions.makeLaw().required
    var results: [Ladder.Result] = []
    for task in tasks {
      var taskOptions = options
      if chanceAuto { taskOptions.chance = ChanceLevels.chance(task: task.task) }
      let ladder = Ladder(step1: step1, step2: step2, options: taskOptions)
      var lossOptions = lossLoading
      lossOptions.columns[.loss] = task.taskLoss
      var metricOptions = metricLoading
      metricOptions.columns[.x] = task.taskLoss
      metricOptions.columns[.y] = task.metric
      let lossLoader = DatasetLoader(options: lossOptions, required: required)
      let metricLoader = DatasetLoader(options: metricOptions, required: [.x, .y])
      let lossData = try documents.flatMap { try lossLoader.load($0) }
      let metricData = try documents.flatMap { try metricLoader.load($0) }
      if let c = taskOptions.chance {
        for d in metricData {
          if let i = d.loss.indices.first(where: { !(d.loss[$0] >= 0 && d.loss[$0] <= 1) }) {
            throw UsageError(
              description: "\(d.file):\(d.lines[i]): column \(task.metric): \(d.loss[i]) is outside [0, 1]; \(OptionName.chance) \(String(format: "%g", c)) fixes the lower level of a metric in [0, 1]")
          }
        }
      }
      results += try zip(lossData, metricData).map { try ladder.run(lossData: $0, metricData: $1) }
    }
    return results
  }
}
