import Foundation

/// Text and JSON renderings of planner answers.
extension Allocation {
  public func json(law: PlanningLaw, hardware: Hardware?) -> JSONValue {
    var kv: [(String, JSONValue)] = [
      ("law", .string(law.name)),
      ("law_source", .string(law.source)),
      ("query", .string(query)),
      ("flops", .num(flops)),
      ("params", .num(params)),
      ("tokens", .num(tokens)),
      ("tokens_per_param", .num(tokensPerParam)),
      ("loss", .num(loss)),
    ]
    if let u = uniqueTokens {
      kv.append(("unique_tokens", .num(u)))
      kv.append(("epochs", .num(tokens / u)))
    }
    if !inputs.isEmpty {
      kv.append(("inputs", .object(inputs.sorted { $0.key < $1.key }.map { ($0.key, .num($0.value)) })))
      let iv = inputs.keys.sorted().compactMap { k in intervals["input:\(k)"].map { (k, JSONValue.array([.num($0.0), .num($0.1)])) } }
      if !iv.isEmpty { kv.append(("input_intervals", .object(iv))) }
    }
    if let h = hyperparameters {
      kv.append(("learning_rate", .num(h.learningRate)))
      kv.append(("batch_tokens", h.batchTokens.map { .num($0) } ?? .null))
      if let b = h.batchSequences { kv.append(("batch_sequences", .num(b))) }
      kv.append((
        "hparams",
        .object([
          ("law", .string(h.law)),
          (
            "alternatives",
            .array(h.alternatives.map { alt in
              .object([
                ("law", .string(alt.law)), ("learning_rate", .num(alt.learningRate)), ("batch_tokens", alt.batchTokens.map { .num($0) } ?? .null),
                ("penalty", alt.penalty.map { .num($0) } ?? .null),
              ])
            })
          ),
        ])))
    }
    if let r = inference {
      kv.append((
        "inference",
        .object([
          ("training_flops", .num(r.trainingFlops)), ("inference_flops", .num(r.inferenceFlops)),
          ("total_flops", .num(r.totalFlops)), ("chinchilla_params", .num(r.chinchillaParams)),
          ("chinchilla_tokens", .num(r.chinchillaTokens)),
          ("chinchilla_total_flops", .num(r.chinchillaTotalFlops)),
          ("saving_flops", .num(r.saving)), ("saving_fraction", .num(r.savingFraction)),
        ])))
    }
    if let r = serving {
      func option(_ o: ServingAwarePlanner.Option) -> JSONValue {
        .object([
          ("params", .num(o.params)), ("tokens", .num(o.tokens)), ("training_flops", .num(o.trainingFlops)),
          ("training_usd", .num(o.trainingUSD)), ("inference_usd", .num(o.inferenceUSD)),
          ("total_usd", .num(o.totalUSD)), ("usd_per_million_output_tokens", .num(o.usdPerMillionOutputTokens)),
          ("params_total", .num(o.totalParams)), ("params_active", .num(o.activeParams)),
          ("layers", .int(o.shape.layers)), ("d_model", .int(o.shape.dModel)), ("heads", .int(o.shape.heads)),
          ("batch", .int(o.estimate.batch)), ("bound", .string(o.estimate.bound)),
        ])
      }
      kv.append((
        "serving",
        .object([
          ("output_tokens", .num(r.outputTokens)), ("best", option(r.best)), ("chinchilla", option(r.chinchilla)),
          ("saving_usd", .num(r.savingUSD)), ("saving_fraction", .num(r.savingFraction)),
        ])))
    }
    if let m = experts {
      kv.append((
        "moe",
        .object([
          ("experts", .int(m.template.experts)), ("active_experts", .int(m.template.active)),
          ("law_params", .string(m.template.lawParams.rawValue)),
          ("params_total", .num(m.paramsTotal)), ("params_active", .num(m.paramsActive)),
          ("layers", .int(m.shape.layers)), ("d_model", .int(m.shape.dModel)), ("heads", .int(m.shape.heads)),
          ("expert_d_ff", .num(m.shape.expertFFN)),
          ("shape_params_total", .num(m.shape.totalParams)), ("shape_params_active", .num(m.shape.activeParams)),
        ])))
    }
    if let h = hardware {
      kv.append(("gpu", .string(h.gpuName)))
      kv.append(("peak_tflops", .num(h.peakTFLOPs)))
      kv.append(("mfu", .num(h.mfu)))
      kv.append(("gpus", .int(h.gpus)))
      kv.append(("gpu_hours", .num(h.gpuHours(flops: flops))))
      kv.append(("days", .num(h.days(flops: flops))))
      kv.append(("cost_usd", .num(h.cost(flops: flops))))
    }
    if !intervals.isEmpty {
      kv.append((
        "intervals",
        .object(["flops", "params", "tokens", "loss", "learning_rate", "batch_tokens"].compactMap { k in
          intervals[k].map { (k, .array([.num($0.0), .num($0.1)])) }
        })))
    }
    kv.append(("notes", .array(notes.map { .string($0.description) })))
    return .object(kv)
  }

  public func text(law: PlanningLaw, hardware: Hardware?) -> String {
    func iv(_ k: String, _ f: (Double) -> String) -> String {
      intervals[k].map { "  [\(f($0.0)), \(f($0.1))]" } ?? ""
    }
    var s = "[[Plan]] \(query)\n"
    s += "    law          = \(law.name) (\(law.source))\n"
    s += "    compute      = \(number("%.4g", flops)) FLOPs\(iv("flops") { number("%.3g", $0) })\n"
    s += "    parameters N = \(shortCount(params)) (\(number("%.4g", params)))\(iv("params", shortCount))\n"
    s += "    tokens D     = \(shortCount(tokens)) (\(number("%.4g", tokens)))\(iv("tokens", shortCount))\n"
    s += "    tokens/param = \(ratioText(tokensPerParam))\n"
    if let e = epochs { s += "    epochs       = \(number("%.2f", e))\n" }
    for (k, v) in inputs.sorted(by: { $0.key < $1.key }) {
      let label = "chosen \(k)".padding(toLength: max(12, k.count + 7), withPad: " ", startingAt: 0)
      s += "    \(label) = \(shortCount(v)) (\(number("%.4g", v)))\(iv("input:\(k)", shortCount))\n"
    }
    s += "    loss         = \(number("%.4f", loss))\(iv("loss") { number("%.4f", $0) })\n"
    if let h = hyperparameters {
      s += "    peak LR      = \(number("%.4g", h.learningRate))\(iv("learning_rate") { number("%.3g", $0) })  (\(h.law))\n"
      if let b = h.batchTokens {
        let seq = h.batchSequences.map { " = \(number("%.4g", $0)) sequences of \(formatCount(h.sequenceLength!))" } ?? ""
        s += "    batch        = \(shortCount(b)) tokens (\(number("%.4g", b)))\(iv("batch_tokens", shortCount))\(seq)\n"
      }
    }
    if let r = inference {
      s += "    training     = \(number("%.4g", r.trainingFlops)) FLOPs; inference \(number("%.4g", r.inferenceFlops)); total \(number("%.4g", r.totalFlops))\n"
      s += "    vs Chinchilla= \(shortCount(r.chinchillaParams)) params, \(shortCount(r.chinchillaTokens)) tokens, total \(number("%.4g", r.chinchillaTotalFlops)) FLOPs; saving \(number("%.3g", r.saving)) (\(number("%.1f", 100 * r.savingFraction))%)\n"
    }
    if let m = experts {
      s += "    mixture      = \(m.template.label): \(shortCount(m.paramsTotal)) total, \(shortCount(m.paramsActive)) active (the law's N = \(m.template.lawParams.rawValue)); shape \(m.shape.layers) x d_model \(m.shape.dModel), expert d_ff \(Int(m.shape.expertFFN))\n"
    }
    if let r = serving {
      func line(_ o: ServingAwarePlanner.Option) -> String {
        "\(shortCount(o.params)) params\(o.totalParams != o.activeParams ? " (\(shortCount(o.totalParams)) total, \(shortCount(o.activeParams)) active)" : "") (\(o.shape.layers) x \(o.shape.dModel)), \(shortCount(o.tokens)) tokens: training $\(number("%.4g", o.trainingUSD)) + inference $\(number("%.4g", o.inferenceUSD)) ($\(number("%.3g", o.usdPerMillionOutputTokens))/M tokens, batch \(o.estimate.batch), \(o.estimate.bound)-bound) = $\(number("%.4g", o.totalUSD))"
      }
      s += "    serving      = \(line(r.best))\n"
      s += "    vs Chinchilla= \(line(r.chinchilla)); saving $\(number("%.4g", r.savingUSD)) (\(number("%.1f", 100 * r.savingFraction))%)\n"
    }
    if let h = hardware {
      s += "    hardware     = \(h.gpus) x \(h.gpuName) at \(h.peakTFLOPs) TFLOP/s dense BF16, MFU \(h.mfu)\n"
      s += "    GPU-hours    = \(number("%.4g", h.gpuHours(flops: flops)))\n"
      s += "    wall-clock   = \(number("%.3g", h.days(flops: flops))) days\n"
      if let c = h.cost(flops: flops) { s += "    cost         = $\(number("%.4g", c))\n" }
    }
    for n in notes { s += "    note         = \(n)\n" }
    return s
  }

  /// A table of allocations (for --sweep).
  public static func sweepTable(_ rows: [Allocation], law: PlanningLaw, hardware: Hardware?) -> String {
    var s = "law: \(law.name) (\(law.source))\n"
    var header = ["FLOPs", "params N", "tokens D", "D/N", "loss"]
    let advised = rows.contains { $0.hyperparameters != nil }
    if advised { header += ["peak LR", "batch (tokens)"] }
    if hardware != nil { header += ["GPU-hours", "days"] }
    if hardware?.usdPerGPUHour != nil { header += ["cost $"] }
    var table = [header]
    for a in rows {
      var r = [number("%.3g", a.flops), shortCount(a.params), shortCount(a.tokens), ratioText(a.tokensPerParam), number("%.4f", a.loss)]
      if advised {
        r += [a.hyperparameters.map { number("%.3g", $0.learningRate) } ?? "", a.hyperparameters?.batchTokens.map(shortCount) ?? ""]
      }
      if let h = hardware {
        r += [number("%.4g", h.gpuHours(flops: a.flops)), number("%.3g", h.days(flops: a.flops))]
        if let c = h.cost(flops: a.flops) { r += [number("%.4g", c)] }
      }
      table.append(r)
    }
    let widths = (0..<header.count).map { c in table.map { $0[c].count }.max()! }
    for (i, row) in table.enumerated() {
      s += row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        .trimmingCharacters(in: .whitespaces) + "\n"
      if i == 0 { s += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
    }
    // The fit's warnings once, then each budget's own flags.
    for n in Allocation.fitWarnings(rows) { s += "note: \(n)\n" }
    for a in rows {
      for n in a.budgetNotes { s += "note (\(number("%.3g", a.flops)) FLOPs): \(n)\n" }
    }
    return s
  }
}

extension Allocation {
  /// The fit's warnings carried by a plan's rows (the same on every row), each once, in order.
  public static func fitWarnings(_ rows: [Allocation]) -> [String] {
    var seen: Set<String> = []
    return rows.flatMap { $0.notes }.filter(\.isFitWarning).map(\.description).filter { seen.insert($0).inserted }
  }

  /// The notes about this budget itself (not the fit's warnings).
  public var budgetNotes: [String] { notes.filter { !$0.isFitWarning }.map(\.description) }

  /// This budget's warnings, without their "WARNING: " prefix.
  public var budgetWarnings: [String] {
    notes.filter { $0.kind == .warning }.map(\.text)
  }
}
