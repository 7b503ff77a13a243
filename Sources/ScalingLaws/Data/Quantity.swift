/// A column role in a training-results file.
public enum Quantity: String, Sendable, CaseIterable, Hashable, Codable {
  case params, tokens, flops, loss, step, run, group, budget
  /// The learning rate at each checkpoint (interpolated between checkpoints).
  case lr
  /// A run's peak learning rate (η_peak), per row.
  case peakLR = "peak_lr"
  /// A run's schedule length in steps, per row.
  case totalSteps = "total_steps"
  /// A run's warm-up length in steps, per row.
  case warmupSteps = "warmup_steps"
  /// A run's schedule kind (`cosine`, `wsd-exp`, …), per row.
  case schedule
  /// A run's schedule arguments as `k=v;k=v`, per row.
  case scheduleArgs = "schedule_args"
  /// The predictor of a metric law (`--law sigmoid`): a task loss, any finite number.
  case x
  /// The response of a metric law (`--law sigmoid`): an accuracy or other task metric, any
  /// finite number; it takes the place of the loss.
  case y

  /// The column names recognised for this role when no explicit column is given
  /// (compared case-insensitively, in this order).
  public var aliases: [String] {
    switch self {
    case .params:
      return [
        "params", "n", "parameters", "n_params", "model size", "model_size", "num_params",
        "n_parameters", "params_total", "total_params",
      ]
    case .tokens:
      return ["tokens", "d", "training tokens", "training_tokens", "n_tokens", "num_tokens"]
    case .flops:
      return ["flops", "c", "compute", "training flop", "training flops", "training_flop",
              "training_flops"]
    case .loss: return ["loss", "val_loss", "eval_loss", "validation_loss", "valid_loss", "test_loss"]
    case .step: return ["step", "steps", "iteration", "iter"]
    case .run: return ["run", "model", "run_name", "run_id"]
    case .group: return []
    case .budget: return ["budget", "flop_budget", "compute_budget", "isoflop_budget"]
    case .lr: return ["lr", "learning_rate"]
    case .peakLR: return ["peak_lr", "lr_peak", "max_lr"]
    case .totalSteps: return ["total_steps", "steps_total", "max_steps"]
    case .warmupSteps: return ["warmup_steps", "warmup"]
    case .schedule: return ["schedule", "lr_schedule"]
    case .scheduleArgs: return ["schedule_args"]
    case .x: return ["x"]
    case .y: return ["y"]
    }
  }

  /// The setting that names this column explicitly, as messages spell it (`loss_column`; the
  /// command-line tool's `--loss-column`: see `OptionName.spelling`).
  public var columnOption: String {
    let name = rawValue + "_column"
    return OptionName.spelling == .flag ? "--" + name.replacingOccurrences(of: "_", with: "-") : name
  }

  /// Numeric roles (parsed as numbers) versus label roles (kept as text).
  public var isNumeric: Bool { !isLabel }
  /// Roles kept as text.
  public var isLabel: Bool { self == .run || self == .group || self == .schedule || self == .scheduleArgs }

  /// The columns that describe a run's learning-rate schedule: read only when a law models the
  /// schedule (a final-loss fit of a file with an `lr` column never parses it).
  public var isScheduleRole: Bool {
    switch self {
    case .lr, .peakLR, .totalSteps, .warmupSteps, .schedule, .scheduleArgs: return true
    default: return false
    }
  }

  /// The columns of a metric law (y against x): read only when the law is one.
  public var isMetricRole: Bool { self == .x || self == .y }

  /// Roles whose values may be any finite number (negative and zero included).
  public var isSigned: Bool { isMetricRole }

  /// Roles whose values may be zero (a step, a learning rate at step 0, a warm-up length).
  public var allowsZero: Bool { self == .step || self == .lr || self == .warmupSteps }

  /// Counts that may be written with K/M/B/T suffixes.
  public var allowsSizeSuffix: Bool { self == .params || self == .tokens || self == .flops || self == .budget }
}
