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
    # hparams:                  # a learning-rate and batch sweep (see `scaling hparams`): its section, and the plan's LR and batch
    #   sweep: sweep.csv        # one row per run: N, D, peak LR, batch, loss
    #   lr_column: peak_lr
    #   batch_column: batch_size
    #   batch_unit: tokens      # or sequences, with sequence_length: 2048
    # compare:                  # recipes compared (see `scaling compare`): a joint fit and two of its groups
    #   fit: joint.json
    #   baseline: A
    #   candidate: B

    """

  /// The largest config file read, and the most values (aliases expanded) it may hold.
  static let maxBytes = 1_000_000
  static let maxNodes = 10_000

  public static func arguments(fromFile path: String) throws -> [String] {
    try parse(fromFile: path).arguments
  }

  /// The config at `path` as command-line arguments, with the key each flag came from.
  public static func parse(fromFile path: String) throws -> ConfigArguments {
    guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
      throw ConfigError("--config \(path): cannot read the file")
    }
    return try parse(fromText: text, path: path)
  }

  /// The command-line arguments of the config `text` (read from `path`, named in errors).
  public static func arguments(fromText text: String, path: String) throws -> [String] {
    try parse(fromText: text, path: path).arguments
  }

  /// The config `text` (read from `path`) as command-line arguments, with their origins.
  public static func parse(fromText text: String, path: String) throws -> ConfigArguments {
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
    let lines = try keyLines(.mapping(top), path: path)
    guard let root = Constructor.default.any(from: composed) as? [String: Any] else {
      throw ConfigError("--config \(path): the top level must be a mapping of settings")
    }
    let reader = ConfigReader(path: path, root: root, lines: lines)
    let arguments = try reader.arguments()
    return ConfigArguments(
      path: path, arguments: arguments,
      origins: reader.origins.mapValues { ConfigArguments.Origin(key: $0, line: lines[$0]) })
  }

  /// The line of each key ("schedule.kind"), counting the nodes with aliases expanded and
  /// stopping at the cap.
  static func keyLines(_ top: Node, path: String) throws -> [String: Int] {
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
    try walk(top, "")
    return lines
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
