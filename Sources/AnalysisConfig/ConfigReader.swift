import Foundation

/// The settings of a parsed config (`root`, with each key's line) read into command-line
/// arguments, section by section, with errors that name the file, the line and the key.
///
/// A value is always a value: every option is one token `--flag=value`, so a value that looks
/// like a flag (`"-logp"`, `-5`, `"--law=kaplan-n"`) cannot be read as another option; a file or
/// folder whose name starts with '-' is refused naming its key (write `./NAME`). ``origins``
/// records which key each flag came from, so the command line's own checks of the values (numbers,
/// ranges, names of laws) can be reported with the key and its line.
final class ConfigReader {
  let path: String
  let root: [String: Any]
  let lines: [String: Int]
  /// The config key (e.g. "budgets", "columns.loss") each flag was made from.
  private(set) var origins: [String: String] = [:]

  init(path: String, root: [String: Any], lines: [String: Int]) {
    self.path = path
    self.root = root
    self.lines = lines
  }

  /// `--flag=value`, one token, remembering the key it came from.
  func option(_ flag: String, _ value: String, _ key: String) -> String {
    if origins[flag] == nil { origins[flag] = key }
    return flag + "=" + value
  }

  /// A valueless flag (`--final-only`), remembering the key it came from.
  func flag(_ flag: String, _ key: String) -> String {
    if origins[flag] == nil { origins[flag] = key }
    return flag
  }

  /// A path setting: refused when it starts with '-' (it would read as a flag on any command line).
  func pathValue(_ v: Any, _ key: String) throws -> String {
    let value = try scalar(v, key)
    if value.hasPrefix("-") {
      throw ConfigError("\(at(key))'\(key)' is '\(value)', which starts with '-' like a flag; write ./\(value) for a path of that name")
    }
    if value.isEmpty { throw ConfigError("\(at(key))'\(key)' is empty") }
    return value
  }

  static let known: Set<String> = [
    "files", "out", "columns", "tokens_per_step", "filters", "law", "irreducible", "objective", "huber_delta",
    "search", "bootstrap", "holdout", "budgets", "serving", "checkpoints", "schedule", "downstream",
    "fix", "tie", "priors", "auto", "hparams", "compare",
  ]

  func arguments() throws -> [String] {
    for key in root.keys.sorted() where !Self.known.contains(key) {
      throw ConfigError("--config \(path): unknown setting '\(key)' (known: \(Self.known.sorted().joined(separator: ", ")))")
    }
    return try data() + fitting() + outputs()
  }

  /// Files, output folder, columns, schedule, checkpoints and filters.
  func data() throws -> [String] {
    var args: [String] = []
    if let files = root["files"] {
      guard let list = files as? [Any] else { throw ConfigError("--config \(path): 'files' must be a list") }
      args += try list.map { try pathValue($0, "files") }
    }
    if let out = root["out"] { args.append(option("--out", try pathValue(out, "out"), "out")) }
    let columnKeys = [
      "params", "tokens", "flops", "loss", "step", "run", "group", "lr", "peak_lr", "total_steps", "warmup_steps",
      "schedule", "schedule_args", "metric", "task_loss",
    ]
    for (k, v) in try map(root["columns"], "columns").sorted(by: { $0.key < $1.key }) {
      guard columnKeys.contains(k) else {
        throw ConfigError("--config \(path): unknown column role '\(k)' (known: \(columnKeys.joined(separator: ", ")))")
      }
      args.append(option("--\(k.replacingOccurrences(of: "_", with: "-"))-column", try scalar(v, "columns.\(k)"), "columns.\(k)"))
    }
    let scheduleKeys = [
      "kind", "total_steps", "warmup_steps", "warmup_fraction", "peak_lr", "final_lr_fraction", "decay_start",
      "stage_start", "stage_lr", "annealing_decay",
    ]
    for (k, v) in try map(root["schedule"], "schedule").sorted(by: { $0.key < $1.key }) {
      guard scheduleKeys.contains(k) else {
        throw ConfigError("--config \(path): unknown schedule setting '\(k)' (known: \(scheduleKeys.sorted().joined(separator: ", ")))")
      }
      let flag = k == "kind" ? "--schedule" : "--\(k.replacingOccurrences(of: "_", with: "-"))"
      args.append(option(flag, try scalar(v, "schedule.\(k)"), "schedule.\(k)"))
    }
    if let c = root["checkpoints"] { args.append(option("--checkpoints", try scalar(c, "checkpoints"), "checkpoints")) }
    if let t = root["tokens_per_step"] { args.append(option("--tokens-per-step", try scalar(t, "tokens_per_step"), "tokens_per_step")) }
    let filters = try map(root["filters"], "filters")
    for (k, v) in filters.sorted(by: { $0.key < $1.key }) {
      switch k {
      case "min_step": args.append(option("--min-step", try scalar(v, "filters.min_step"), "filters.min_step"))
      case "min_tokens": args.append(option("--min-tokens", try scalar(v, "filters.min_tokens"), "filters.min_tokens"))
      case "max_params": args.append(option("--max-params", try scalar(v, "filters.max_params"), "filters.max_params"))
      case "final_only": if try boolean(v, "filters.final_only") { args.append(flag("--final-only", "filters.final_only")) }
      case "exclude_runs":
        guard let list = v as? [Any] else { throw ConfigError("--config \(path): 'filters.exclude_runs' must be a list") }
        for r in list { args.append(option("--exclude-run", try scalar(r, "filters.exclude_runs"), "filters.exclude_runs")) }
      case "include_runs":
        guard let list = v as? [Any] else { throw ConfigError("--config \(path): 'filters.include_runs' must be a list") }
        for r in list { args.append(option("--include-run", try scalar(r, "filters.include_runs"), "filters.include_runs")) }
      default:
        throw ConfigError("--config \(path): unknown filter '\(k)' (known: exclude_runs, final_only, include_runs, max_params, min_step, min_tokens)")
      }
    }
    return args
  }

  /// The law, its objective and search, fixed, tied and prior parameters, bootstrap and holdout.
  func fitting() throws -> [String] {
    var args: [String] = []
    for (key, flag) in [("law", "--law"), ("objective", "--objective"), ("huber_delta", "--huber-delta"), ("search", "--search")] {
      if let v = root[key] { args.append(option(flag, try scalar(v, key), key)) }
    }
    if let v = root["irreducible"], try boolean(v, "irreducible") { args.append(flag("--irreducible", "irreducible")) }
    for (k, v) in try map(root["fix"], "fix").sorted(by: { $0.key < $1.key }) {
      guard v is Int || v is Double else { throw ConfigError("\(at("fix.\(k)"))'fix.\(k)' must be a number (got \(describe(v)))") }
      args.append(option("--fix", "\(k)=\(try scalar(v, "fix.\(k)"))", "fix.\(k)"))
    }
    for (k, v) in try map(root["tie"], "tie").sorted(by: { $0.key < $1.key }) {
      guard let source = v as? String else { throw ConfigError("\(at("tie.\(k)"))'tie.\(k)' must be a parameter name (got \(describe(v)))") }
      args.append(option("--tie", "\(k)=\(source)", "tie.\(k)"))
    }
    if let p = root["priors"] {
      guard let list = p as? [Any] else { throw ConfigError("--config \(path): 'priors' must be a list (a named set, none, or NAME=MEAN+-SD)") }
      for item in list { args.append(option("--prior", try scalar(item, "priors"), "priors")) }
    }
    // A config is read by `report`, which chooses by backtest unless told not to.
    if let v = root["auto"], try !boolean(v, "auto") { args.append(flag("--no-auto", "auto")) }
    let boot = try map(root["bootstrap"], "bootstrap")
    for (k, v) in boot.sorted(by: { $0.key < $1.key }) {
      let flag = ["resamples": "--bootstrap", "seed": "--seed", "unit": "--bootstrap-unit", "search": "--bootstrap-search", "confidence": "--confidence"][k]
      guard let flag else { throw ConfigError("--config \(path): unknown bootstrap setting '\(k)' (known: confidence, resamples, search, seed, unit)") }
      switch k {
      case "resamples": args.append(option(flag, try whole(v, "bootstrap.resamples", minimum: 0), "bootstrap.resamples"))
      case "seed": args.append(option(flag, try whole(v, "bootstrap.seed", minimum: 0), "bootstrap.seed"))
      default: args.append(option(flag, try scalar(v, "bootstrap.\(k)"), "bootstrap.\(k)"))
      }
    }
    for (k, v) in try map(root["holdout"], "holdout").sorted(by: { $0.key < $1.key }) {
      switch k {
      case "above_params": args.append(option("--holdout-above-params", try scalar(v, "holdout.above_params"), "holdout.above_params"))
      case "above_flops": args.append(option("--holdout-above-flops", try scalar(v, "holdout.above_flops"), "holdout.above_flops"))
      default: throw ConfigError("--config \(path): unknown holdout setting '\(k)' (known: above_flops, above_params)")
      }
    }
    return args
  }

  /// The downstream ladder, the plan's budgets and the serving section.
  func outputs() throws -> [String] {
    var args: [String] = []
    for (k, v) in try map(root["downstream"], "downstream").sorted(by: { $0.key < $1.key }) {
      switch k {
      case "resamples": args.append(option("--downstream-bootstrap", try whole(v, "downstream.resamples", minimum: 0), "downstream.resamples"))
      default: throw ConfigError("--config \(path): unknown downstream setting '\(k)' (known: resamples)")
      }
    }
    let hparamsFlags = [
      "sweep": "--hparams-sweep", "lr_column": "--hparams-lr-column", "batch_column": "--hparams-batch-column",
      "batch_unit": "--hparams-batch-unit", "sequence_length": "--hparams-sequence-length",
    ]
    for (k, v) in try map(root["hparams"], "hparams").sorted(by: { $0.key < $1.key }) {
      guard let flag = hparamsFlags[k] else {
        throw ConfigError("--config \(path): unknown hparams setting '\(k)' (known: \(hparamsFlags.keys.sorted().joined(separator: ", ")))")
      }
      args.append(option(flag, k == "sweep" ? try pathValue(v, "hparams.sweep") : try scalar(v, "hparams.\(k)"), "hparams.\(k)"))
    }
    let compareFlags = ["fit": "--compare-fit", "baseline": "--compare-baseline", "candidate": "--compare-candidate"]
    for (k, v) in try map(root["compare"], "compare").sorted(by: { $0.key < $1.key }) {
      guard let flag = compareFlags[k] else {
        throw ConfigError("--config \(path): unknown compare setting '\(k)' (known: \(compareFlags.keys.sorted().joined(separator: ", ")))")
      }
      args.append(option(flag, k == "fit" ? try pathValue(v, "compare.fit") : try scalar(v, "compare.\(k)"), "compare.\(k)"))
    }
    if let b = root["budgets"] {
      guard let list = b as? [Any] else { throw ConfigError("--config \(path): 'budgets' must be a list") }
      args += try list.map { option("--budgets", try scalar($0, "budgets"), "budgets") }
    }
    let servingFlags = [
      "target_loss": "--serving-target-loss", "gpu": "--serving-gpu", "gpus": "--serving-gpus",
      "usd_per_gpu_hour": "--serving-usd-per-gpu-hour", "mfu": "--serving-mfu", "kv_bits": "--kv-bits",
      "context": "--context", "batch": "--batch", "prompt_tokens": "--prompt-tokens",
      "output_tokens": "--output-tokens", "memory_fraction": "--memory-fraction",
    ]
    for (k, v) in try map(root["serving"], "serving").sorted(by: { $0.key < $1.key }) {
      guard let flag = servingFlags[k] else {
        throw ConfigError("--config \(path): unknown serving setting '\(k)' (known: \(servingFlags.keys.sorted().joined(separator: ", ")))")
      }
      args.append(option(flag, try scalar(v, "serving.\(k)"), "serving.\(k)"))
    }
    return args
  }

  /// "FILE: line L: " for a key's messages.
  func at(_ key: String) -> String { "--config \(path): " + (lines[key].map { "line \($0): " } ?? "") }
  /// A boolean setting: YAML true or false only (not "maybe", 1 or 7, once read as false).
  func boolean(_ v: Any, _ key: String) throws -> Bool {
    guard let b = v as? Bool else {
      throw ConfigError("\(at(key))'\(key)' must be true or false (got \(describe(v)))")
    }
    return b
  }
  /// A whole-number setting at or above `minimum`.
  func whole(_ v: Any, _ key: String, minimum: Int) throws -> String {
    guard let i = v as? Int, i >= minimum else {
      throw ConfigError("\(at(key))'\(key)' must be a whole number of at least \(minimum) (got \(describe(v)))")
    }
    return String(i)
  }
  func describe(_ v: Any) -> String {
    switch v {
    case let s as String: return "'\(s)'"
    case let b as Bool: return b ? "true" : "false"
    case let i as Int: return String(i)
    case let d as Double: return "\(d)"
    case is [Any]: return "a list"
    case is [String: Any]: return "a mapping"
    default: return "\(v)"
    }
  }
  func scalar(_ v: Any, _ key: String) throws -> String {
    switch v {
    case let s as String: return s
    case let i as Int: return String(i)
    case let d as Double: return "\(d)"
    case let b as Bool: return b ? "true" : "false"
    default: throw ConfigError("\(at(key))'\(key)' must be a single value")
    }
  }
  func map(_ v: Any?, _ key: String) throws -> [String: Any] {
    guard let v else { return [:] }
    guard let m = v as? [String: Any] else { throw ConfigError("--config \(path): '\(key)' must be a mapping") }
    return m
  }
}
