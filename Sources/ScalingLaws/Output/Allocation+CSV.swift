/// One CSV row per planner answer (`scaling plan --format csv`; a sweep is a table).
extension Allocation {
  public static func csvDocument(_ rows: [Allocation], law: PlanningLaw, hardware: Hardware?) -> String {
    let intervalKeys = ["flops", "params", "tokens", "loss"].filter { k in rows.contains { $0.intervals[k] != nil } }
    let dataConstrained = rows.contains { $0.uniqueTokens != nil }
    let inferenceAware = rows.contains { $0.inference != nil }
    var header = ["law", "query", "flops", "params", "tokens", "tokens_per_param", "loss"]
    for k in intervalKeys { header += ["\(k)_lower", "\(k)_upper"] }
    let advised = rows.contains { $0.hyperparameters != nil }
    if advised {
      header += ["learning_rate", "learning_rate_lower", "learning_rate_upper", "batch_tokens", "batch_tokens_lower", "batch_tokens_upper", "batch_sequences"]
    }
    if dataConstrained { header += ["unique_tokens", "epochs"] }
    let chosen = Array(Set(rows.flatMap { $0.inputs.keys })).sorted()
    for k in chosen { header += ["chosen_\(k)", "chosen_\(k)_lower", "chosen_\(k)_upper"] }
    if inferenceAware {
      header += ["training_flops", "inference_flops", "total_flops", "chinchilla_params", "chinchilla_tokens", "saving_fraction"]
    }
    if hardware != nil { header += ["gpu", "gpus", "mfu", "gpu_hours", "days", "cost_usd"] }
    header.append("notes")
    var out = header.map(csvEscape).joined(separator: ",") + "\n"
    for a in rows {
      var r = [law.name, a.query, csvNumber(a.flops), csvNumber(a.params), csvNumber(a.tokens), csvNumber(a.tokensPerParam), csvNumber(a.loss)]
      for k in intervalKeys { r += a.intervals[k].map { [csvNumber($0.0), csvNumber($0.1)] } ?? ["", ""] }
      if advised {
        let h = a.hyperparameters
        func bounds(_ k: String) -> [String] { a.intervals[k].map { [csvNumber($0.0), csvNumber($0.1)] } ?? ["", ""] }
        r += [h.map { csvNumber($0.learningRate) } ?? ""] + bounds("learning_rate")
        r += [h?.batchTokens.map(csvNumber) ?? ""] + bounds("batch_tokens") + [h?.batchSequences.map(csvNumber) ?? ""]
      }
      if dataConstrained { r += [a.uniqueTokens.map(csvNumber) ?? "", a.epochs.map(csvNumber) ?? ""] }
      for k in chosen {
        r.append(a.inputs[k].map(csvNumber) ?? "")
        r += a.intervals["input:\(k)"].map { [csvNumber($0.0), csvNumber($0.1)] } ?? ["", ""]
      }
      if inferenceAware {
        if let i = a.inference {
          r += [csvNumber(i.trainingFlops), csvNumber(i.inferenceFlops), csvNumber(i.totalFlops), csvNumber(i.chinchillaParams), csvNumber(i.chinchillaTokens), csvNumber(i.savingFraction)]
        } else {
          r += Array(repeating: "", count: 6)
        }
      }
      if let h = hardware {
        r += [h.gpuName, String(h.gpus), csvNumber(h.mfu), csvNumber(h.gpuHours(flops: a.flops)), csvNumber(h.days(flops: a.flops)), h.cost(flops: a.flops).map(csvNumber) ?? ""]
      }
      r.append(a.notes.map(\.description).joined(separator: "; "))
      out += r.map(csvEscape).joined(separator: ",") + "\n"
    }
    return out
  }
}
