import Foundation
import Yams

/// `scaling report --config analysis.yaml`: a file that records an analysis (files, columns,
/// filters, law, search, bootstrap, seed, budgets, holdout, output folder) so it can be re-run
/// and reviewed. It is turned into the equivalent command line, so it is validated exactly
/// like flags are. A module of its own (Foundation and Yams only) so that the fuzz target
/// `fuzz-config` reads configs exactly as `report` does.
public enum AnalysisConfig {
  public static let template = """
    # scaling report configuration. Run: scaling report --config THIS_FILE
    files:                      # CSV files of training results
      - datasets/minipythia.csv
    out: notebooks-out/minipythia
    columns:                    # explicit column names (omit to find them by common names)
      params: params_total
      # tokens: tokens
      # flops: flops
      # loss: val_loss
      # step: step
      # run: run
      # group: dataset
      # peak_lr: lr             # curve laws: a run's peak rate (also lr, total_steps, warmup_steps, schedule, schedule_args)
      # metric: acc             # downstream (model ladder): a task metric, predicted through the task loss
      # task_loss: log_ppl      # the task loss of the ladder (default: the loss column); patterns: metric: "*_acc", task_loss: "*_bpb"
    # downstream:
    #   resamples: 200          # bootstrap resamples of each task's ladder (default: bootstrap.resamples)
    # schedule:                 # curve laws (chinchilla-lr, lr-annealing, multi-power): each run's learning-rate schedule
    #   kind: cosine            # constant, cosine, linear, wsd-exp, wsd-linear, two-stage
    #   warmup_fraction: 0.01   # or warmup_steps
    #   final_lr_fraction: 0.1
    #   # total_steps: 2400     # else a total_steps column; peak_lr, decay_start, stage_start, stage_lr, annealing_decay
    # tokens_per_step: 2097152  # derive D = step x this when there is no tokens column
    # checkpoints: final        # final (default for final-loss laws): the last checkpoint of each run; all: every one
    filters:
      min_step: 100             # drop warm-up checkpoints
      # min_tokens: 1e8
      # max_params: 1.4e9
      exclude_runs: [L4-D192-S600, L6-D256-S600, L8-D320-S600, L8-D448-S600]
      # include_runs: [L2-D64-S2400]
      final_only: false
    law: chinchilla             # chinchilla, kaplan-n, kaplan-d, kaplan-c, kaplan-nd, kaplan-ns, chinchilla-lr, lr-annealing, multi-power
    irreducible: false          # add E to kaplan-n/d/c
    # fix: {E: 1.7}             # hold parameters at values (--fix)
    # tie: {beta: alpha}        # one parameter equal to another (--tie)
    # priors: [chinchilla]      # Gaussian priors: a named set, none, or "alpha=0.34+-0.1" (--prior)
    auto: true                  # when the fit warns, choose among priors and tied exponents by backtest
    objective: huber            # huber or squared (on log residuals)
    huber_delta: 0.001
    search: fast                # fast or hoffmann
    bootstrap:
      resamples: 200
      seed: 42
      unit: run                 # point, run or group
      search: global            # global or local
      confidence: 0.95
    # holdout:
    #   above_params: 1e7       # or above_flops: 1e15
    budgets: [1e20, 3e21]       # extra budgets (FLOPs) for the plan table
    # serving:                  # serving trade-off section and figure (see `scaling serve`)
    #   target_loss: 2.2        # models that reach this loss under the plan's law
    #   gpu: h100-sxm
    #   gpus: 1
    #   usd_per_gpu_hour: 2.0
    #   kv_bits: 16
    #   context: 4096
    #   prompt_tokens: 1024
    #   output_tokens: 512

    """

  /// The largest config file read, and the most values (aliases expanded) it may hold.
  static let maxBytes = 1_000_000
  static let maxNodes = 10_000

  public static func arguments(fromFile path: String) throws -> [String] {
    guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
      throw ConfigError("--config \(path): cannot read the file")
    }
    return try arguments(fromText: text, path: path)
  }

  /// The command-line arguments of the config `text` (read from `path`, named in errors).
  public static func arguments(fromText text: String, path: String) throws -> [String] {
    // A config is a few hundred bytes: a large file, or aliases that expand to more nodes than
    // any config needs (an alias bomb ran to 14 GB in Yams' load), is refused before it is built.
    guard text.utf8.count <= maxBytes else {
      throw ConfigError("--config \(path): \(text.utf8.count) bytes; a config is at most \(maxBytes) bytes")
    }
    let composed: Node?
    do {
      composed = try Yams.compose(yaml: text)
    } catch let e as YamlError {
      throw ConfigError("--config \(path): not valid YAML (\(Self.oneLine(e)))")
    }
    guard let composed, case .mapping(let top) = composed else {
      throw ConfigError("--config \(path): the top level must be a mapping of settings")
    }
    // Count the nodes with aliases expanded, stopping at the cap; record each key's line.
    var lines: [String: Int] = [:]
    var visited = 0
    func walk(_ n: Node, _ key: String) throws {
      visited += 1
      if visited > maxNodes {
        throw ConfigError("--config \(path): expands to more than \(maxNodes) values (YAML aliases); a config needs a few hundred")
      }
      if let line = n.mark?.line, lines[key] == nil { lines[key] = line }
      switch n {
      case .mapping(let m):
        for (k, v) in m {
          // A setting's name is a plain scalar; YAML allows a list or a mapping as a key (`? [a]`),
          // which no setting is (and which Yams' constructor cannot turn into a name).
          guard let name = k.scalar?.string else {
            throw ConfigError("--config \(path): " + (k.mark.map { "line \($0.line): " } ?? "") + "a key that is not a name (a list or mapping used as a key)")
          }
          let sub = key.isEmpty ? name : "\(key).\(name)"
          if let line = k.mark?.line, lines[sub] == nil { lines[sub] = line }
          try walk(v, sub)
        }
      case .sequence(let q):
        for v in q { try walk(v, key) }
      default: break
      }
    }
    try walk(.mapping(top), "")
    guard let root = Constructor.default.any(from: composed) as? [String: Any] else {
      throw ConfigError("--config \(path): the top level must be a mapping of settings")
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
    let known: Set<String> = [
      "files", "out", "columns", "tokens_per_step", "filters", "law", "irreducible", "objective", "huber_delta",
      "search", "bootstrap", "holdout", "budgets", "serving", "checkpoints", "schedule", "downstream",
      "fix", "tie", "priors", "auto",
    ]
    for key in root.keys.sorted() where !known.contains(key) {
      throw ConfigError("--config \(path): unknown setting '\(key)' (known: \(known.sorted().joined(separator: ", ")))")
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
    var args: [String] = []
    if let files = root["files"] {
      guard let list = files as? [Any] else { throw ConfigError("--config \(path): 'files' must be a list") }
      args += try list.map { try scalar($0, "files") }
    }
    if let out = root["out"] { args += ["--out", try scalar(out, "out")] }
    let columnKeys = [
      "params", "tokens", "flops", "loss", "step", "run", "group", "lr", "peak_lr", "total_steps", "warmup_steps",
      "schedule", "schedule_args", "metric", "task_loss",
    ]
    for (k, v) in try map(root["columns"], "columns").sorted(by: { $0.key < $1.key }) {
      guard columnKeys.contains(k) else {
        throw ConfigError("--config \(path): unknown column role '\(k)' (known: \(columnKeys.joined(separator: ", ")))")
      }
      args += ["--\(k.replacingOccurrences(of: "_", with: "-"))-column", try scalar(v, "columns.\(k)")]
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
      args += [flag, try scalar(v, "schedule.\(k)")]
    }
    if let c = root["checkpoints"] { args += ["--checkpoints", try scalar(c, "checkpoints")] }
    if let t = root["tokens_per_step"] { args += ["--tokens-per-step", try scalar(t, "tokens_per_step")] }
    let filters = try map(root["filters"], "filters")
    for (k, v) in filters.sorted(by: { $0.key < $1.key }) {
      switch k {
      case "min_step": args += ["--min-step", try scalar(v, "filters.min_step")]
      case "min_tokens": args += ["--min-tokens", try scalar(v, "filters.min_tokens")]
      case "max_params": args += ["--max-params", try scalar(v, "filters.max_params")]
      case "final_only": if try boolean(v, "filters.final_only") { args.append("--final-only") }
      case "exclude_runs":
        guard let list = v as? [Any] else { throw ConfigError("--config \(path): 'filters.exclude_runs' must be a list") }
        for r in list { args += ["--exclude-run", try scalar(r, "filters.exclude_runs")] }
      case "include_runs":
        guard let list = v as? [Any] else { throw ConfigError("--config \(path): 'filters.include_runs' must be a list") }
        for r in list { args += ["--include-run", try scalar(r, "filters.include_runs")] }
      default:
        throw ConfigError("--config \(path): unknown filter '\(k)' (known: exclude_runs, final_only, include_runs, max_params, min_step, min_tokens)")
      }
    }
    for (key, flag) in [("law", "--law"), ("objective", "--objective"), ("huber_delta", "--huber-delta"), ("search", "--search")] {
      if let v = root[key] { args += [flag, try scalar(v, key)] }
    }
    if let v = root["irreducible"], try boolean(v, "irreducible") { args.append("--irreducible") }
    for (k, v) in try map(root["fix"], "fix").sorted(by: { $0.key < $1.key }) {
      guard v is Int || v is Double else { throw ConfigError("\(at("fix.\(k)"))'fix.\(k)' must be a number (got \(describe(v)))") }
      args += ["--fix", "\(k)=\(try scalar(v, "fix.\(k)"))"]
    }
    for (k, v) in try map(root["tie"], "tie").sorted(by: { $0.key < $1.key }) {
      guard let source = v as? String else { throw ConfigError("\(at("tie.\(k)"))'tie.\(k)' must be a parameter name (got \(describe(v)))") }
      args += ["--tie", "\(k)=\(source)"]
    }
    if let p = root["priors"] {
      guard let list = p as? [Any] else { throw ConfigError("--config \(path): 'priors' must be a list (a named set, none, or NAME=MEAN+-SD)") }
      for item in list { args += ["--prior", try scalar(item, "priors")] }
    }
    // A config is read by `report`, which chooses by backtest unless told not to.
    if let v = root["auto"], try !boolean(v, "auto") { args.append("--no-auto") }
    let boot = try map(root["bootstrap"], "bootstrap")
    for (k, v) in boot.sorted(by: { $0.key < $1.key }) {
      let flag = ["resamples": "--bootstrap", "seed": "--seed", "unit": "--bootstrap-unit", "search": "--bootstrap-search", "confidence": "--confidence"][k]
      guard let flag else { throw ConfigError("--config \(path): unknown bootstrap setting '\(k)' (known: confidence, resamples, search, seed, unit)") }
      switch k {
      case "resamples": args += [flag, try whole(v, "bootstrap.resamples", minimum: 0)]
      case "seed": args += [flag, try whole(v, "bootstrap.seed", minimum: 0)]
      default: args += [flag, try scalar(v, "bootstrap.\(k)")]
      }
    }
    for (k, v) in try map(root["holdout"], "holdout").sorted(by: { $0.key < $1.key }) {
      switch k {
      case "above_params": args += ["--holdout-above-params", try scalar(v, "holdout.above_params")]
      case "above_flops": args += ["--holdout-above-flops", try scalar(v, "holdout.above_flops")]
      default: throw ConfigError("--config \(path): unknown holdout setting '\(k)' (known: above_flops, above_params)")
      }
    }
    for (k, v) in try map(root["downstream"], "downstream").sorted(by: { $0.key < $1.key }) {
      switch k {
      case "resamples": args += ["--downstream-bootstrap", try whole(v, "downstream.resamples", minimum: 0)]
      default: throw ConfigError("--config \(path): unknown downstream setting '\(k)' (known: resamples)")
      }
    }
    if let b = root["budgets"] {
      guard let list = b as? [Any] else { throw ConfigError("--config \(path): 'budgets' must be a list") }
      if !list.isEmpty { args += ["--budgets"] + (try list.map { try scalar($0, "budgets") }) }
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
      args += [flag, try scalar(v, "serving.\(k)")]
    }
    return args
  }

  /// Yams' parser message on one line: "16:27: error: parser: while parsing a block mapping in
  /// line 15, column 3 did not find expected key", without the quoted source line and its caret.
  static func oneLine(_ e: YamlError) -> String {
    var lines = "\(e)".split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
    if let caret = lines.lastIndex(where: { !$0.isEmpty && $0.allSatisfy { $0 == "^" } }) {
      lines.removeSubrange(max(0, caret - 1)...caret)
    }
    var text = lines.joined(separator: " ")
    while text.hasSuffix(":") { text.removeLast() }
    return text
  }
}
