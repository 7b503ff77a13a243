import Foundation

/// Text and JSON renderings of a serving estimate (`scaling serve`). The JSON keys are a
/// contract: weight_bytes, kv_cache_bytes_per_token, kv_cache_bytes_per_sequence, max_batch,
/// prefill_flops_per_token, decode_tokens_per_second, decode_tokens_per_second_total, bound,
/// usd_per_million_output_tokens.
extension ServingModel.Estimate {
  public func json(model m: ServingModel, configuration c: ServingModel.Configuration) -> JSONValue {
    var kv: [(String, JSONValue)] = [
      ("params", .num(m.params)),
    ]
    if let s = m.shape {
      kv += [("layers", .int(s.layers)), ("d_model", .int(s.dModel)), ("heads", .int(s.heads)), ("kv_heads", .int(s.kvHeads))]
    }
    kv += [
      ("weight_bits", .num(c.weightBits)), ("kv_bits", .num(c.kvBits)), ("context", .int(c.context)),
      ("prompt_tokens", .int(c.promptTokens)), ("output_tokens", .int(c.outputTokens)),
      ("gpu", .string(c.gpu.name)), ("gpus", .int(c.gpus)), ("hbm_gb_per_gpu", .num(c.gpu.memoryGB)),
      ("hbm_tb_per_s_per_gpu", .num(c.gpu.bandwidthTBs)), ("memory_fraction", .num(c.memoryFraction)), ("mfu", .num(c.mfu)),
      ("weight_bytes", .num(weightBytes)),
      ("kv_cache_bytes_per_token", .num(kvBytesPerToken)),
      ("kv_cache_bytes_per_sequence", .num(kvBytesPerSequence)),
      ("max_batch", .int(maxBatch)),
      ("batch", .int(batch)),
      ("prefill_flops_per_token", .num(prefillFlopsPerToken)),
      ("prefill_seconds", .num(prefillSeconds)),
      ("decode_step_seconds", .num(decodeStepSeconds)),
      ("decode_tokens_per_second", .num(decodeTokensPerSecond)),
      ("decode_tokens_per_second_total", .num(decodeTokensPerSecondTotal)),
      ("bound", .string(bound)),
      ("seconds_per_million_output_tokens", .num(secondsPerMillionOutputTokens)),
      ("usd_per_million_output_tokens", usdPerMillionOutputTokens.map { .num($0) } ?? .null),
    ]
    return .object(kv)
  }

  public func text(model m: ServingModel, configuration c: ServingModel.Configuration) -> String {
    func gib(_ b: Double) -> String { String(format: "%.4g GB (%.4g GiB)", b / 1e9, b / 1_073_741_824) }
    var s = "[[Serving]] \(shortCount(m.params)) params"
    if let sh = m.shape { s += ", \(sh.layers) layers, d_model \(sh.dModel), \(sh.heads) heads (\(sh.kvHeads) kv)" }
    s += "\n"
    s += "    hardware     = \(c.gpus) x \(c.gpu.name): \(c.gpu.memoryGB) GB HBM, \(c.gpu.bandwidthTBs) TB/s, \(c.gpu.denseBF16TFLOPs) TFLOP/s dense BF16 each; MFU \(c.mfu), memory fraction \(c.memoryFraction)\n"
    func bits(_ b: Double) -> String { b == b.rounded() ? String(Int(b)) : String(b) }
    s += "    precision    = weights \(bits(c.weightBits)) bits, KV cache \(bits(c.kvBits)) bits\n"
    s += "    weights      = \(gib(weightBytes))\n"
    s += "    KV cache     = \(String(format: "%.0f", kvBytesPerToken)) bytes per token; \(gib(kvBytesPerSequence)) per \(c.context)-token sequence\n"
    s += "    max batch    = \(maxBatch) sequences of \(c.context) tokens; using \(batch)\n"
    s += "    prefill      = \(String(format: "%.4g", prefillFlopsPerToken)) FLOPs per prompt token; \(String(format: "%.3g", prefillSeconds)) s for \(batch) x \(c.promptTokens) prompt tokens (compute-bound)\n"
    s += "    decode       = \(String(format: "%.4g", decodeTokensPerSecond)) tokens/s per sequence, \(String(format: "%.4g", decodeTokensPerSecondTotal)) tokens/s at batch \(batch) (\(bound)-bound; mean cache \(String(format: "%.0f", Double(c.promptTokens) + Double(c.outputTokens) / 2)) tokens)\n"
    s += "    time         = \(String(format: "%.4g", secondsPerMillionOutputTokens / 3600)) hours per million output tokens (prefill included)\n"
    if let u = usdPerMillionOutputTokens {
      s += "    cost         = $\(String(format: "%.4g", u)) per million output tokens\n"
    } else {
      s += "    cost         = give \(OptionName.usdPerGPUHour) for $ per million output tokens\n"
    }
    s += "    note         = FlashAttention lowers attention's HBM traffic in prefill (no T x T scores in HBM), not its FLOPs; decode still reads the whole KV cache each step\n"
    return s
  }
}
