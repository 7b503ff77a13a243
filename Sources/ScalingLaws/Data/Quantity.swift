/// A column role in a training-results file.
public enum Quantity: String, Sendable, CaseIterable, Hashable, Codable {
  case params, tokens, flops, loss, step, run, group, budget

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
    }
  }

  /// The command-line flag that names this column explicitly.
  public var flag: String { "--\(rawValue)-column" }

  /// Numeric roles (parsed as numbers) versus label roles (kept as text).
  public var isNumeric: Bool { self != .run && self != .group }

  /// Counts that may be written with K/M/B/T suffixes.
  public var allowsSizeSuffix: Bool { self == .params || self == .tokens || self == .flops || self == .budget }
}
