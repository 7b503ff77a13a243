import Foundation

/// A setting that a library message names ("min_step needs a step column"). The library names the
/// setting; the front end says how its user spells it. The command-line tool installs its flags
/// at start (`OptionName.spelling = .flag`: "--min-step"); without a front end, messages use
/// these names. This keeps the command line's words out of the library (issue 10) while every
/// message still tells the user what to change.
public enum OptionName: String, CaseIterable, Sendable, CustomStringConvertible {
  // Data: columns and filters.
  case runColumn = "run_column", stepColumn = "step_column", tokensColumn = "tokens_column"
  case groupColumn = "group_column", budgetColumn = "budget_column", lrColumn = "lr_column"
  case minStep = "min_step", minTokens = "min_tokens", maxParams = "max_params"
  case includeRun = "include_run", excludeRun = "exclude_run", finalOnly = "final_only", checkpoints
  case tokensPerStep = "tokens_per_step", group
  case metricColumn = "metric_column", taskLossColumn = "task_loss_column"
  // Schedules.
  case schedule, totalSteps = "total_steps", peakLR = "peak_lr", warmupSteps = "warmup_steps"
  case warmupFraction = "warmup_fraction", finalLRFraction = "final_lr_fraction", decayStart = "decay_start"
  case stageStart = "stage_start", stageLR = "stage_lr"
  // Fitting.
  case law, approach, allowEdgeMinima = "allow_edge_minima", bootstrapUnit = "bootstrap_unit", format
  case formula, input, bound, start, logScale = "log_scale", residual
  // Planning and serving.
  case targetLoss = "target_loss", inferenceTokens = "inference_tokens", uniqueTokens = "unique_tokens"
  case serving, usdPerGPUHour = "usd_per_gpu_hour", batch, hold, moeLawParams = "moe_law_params"
  case step1AverageLast = "step1_average_last", step2SkipFraction = "step2_skip_fraction", step2Smooth = "step2_smooth"
  case anchor, chance, direct
  // Hyperparameter sweeps.
  case hparams, batchColumn = "batch_column", batchUnit = "batch_unit", sequenceLength = "sequence_length"
  // Output.
  case scriptsOnly = "scripts_only"

  /// How messages spell a setting: by its name (`min_step`) or as a command-line flag (`--min-step`).
  public enum Spelling: Sendable { case name, flag }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var current = Spelling.name

  /// The spelling messages use (set once by the front end, before any work).
  public static var spelling: Spelling {
    get { lock.withLock { current } }
    set { lock.withLock { current = newValue } }
  }

  /// The command-line flag of the setting.
  public var flag: String { "--" + rawValue.replacingOccurrences(of: "_", with: "-") }

  public var description: String { Self.spelling == .flag ? flag : rawValue }

  /// What a fit file is called in messages: the command that writes it, or the library's name.
  public static var fitFile: String {
    spelling == .flag ? "`scaling fit \(OptionName.format) json`" : "fit-result JSON"
  }
}
