import Foundation

/// Text and JSON renderings of a serving estimate (`scaling serve`). The JSON keys are a
/// contract: params_total, params_active, weight_bytes, kv_cache_bytes_per_token (every attention
/// layer's bytes for one token; 0 for a pure state-space model), kv_cache_bytes_per_sequence (at the
/// context, windows applied), state_bytes_per_sequence (state-space layers, independent of context),
/// max_batch, prefill_flops_per_token, decode_tokens_per_second, decode_tokens_per_second_total,
/// bound, usd_per_million_output_tokens.
extension ServingModel.Estimate {
  public func json(model m: ServingModel, configuration c: ServingModel.Configuration) -> JSONValue {
    let s = m.shape
    var kv: [(String, JSONValue)] = [
      ("params", .num(m.params)), ("params_total", .num(m.params)), ("params_active", .num(m.activeParams)),
      ("layers", .int(s.layers)), ("d_model", .int(s.dModel)), ("heads", .int(s.heads)), ("kv_heads", .int(s.kvHeads)),
      ("attention_layers", .int(s.attentionLayers)), ("ssm_layers", .int(s.ssmLayers)),
    ]
    if let e = s.experts, m.shapeGiven {
      kv += [
        ("experts", .int(e.experts)), ("active_experts", .int(e.active)), ("shared_experts", .int(e.shared)),
        ("moe_layers", .int(s.moeLayers)),
      ]
    }
    if let w = s.window {
      kv += [("sliding_window", .int(w.window)), ("layer_pattern", .string(w.patternText)), ("windowed_layers", .int(s.localAttentionLayers))]
    }
    kv += [
      ("weight_bits", .num(c.weightBits)), ("kv_bits", .num(c.kvBits)), ("state_bits", .num(c.stateBits)), ("fp8", .bool(c.fp8)),
      ("peak_tflops_per_gpu", .num(c.peakTFLOPs)), ("context", .int(c.context)),
      ("prompt_tokens", .int(c.promptTokens)), ("output_tokens", .int(c.outputTokens)),
      ("gpu", .string(c.gpu.name)), ("gpus", .int(c.gpus)), ("hbm_gb_per_gpu", .num(c.gpu.memoryGB)),
      ("hbm_tb_per_s_per_gpu", .num(c.gpu.bandwidthTBs)), ("memory_fraction", .num(c.memoryFraction)), ("mfu", .num(c.mfu)),
      ("weight_bytes", .num(weightBytes)),
      ("kv_cache_bytes_per_token", .num(kvBytesPerToken)),
      ("kv_cache_bytes_per_sequence", .num(kvBytesPerSequence)),
      ("state_bytes_per_sequence", .num(stateBytesPerSequence)),
      ("weight_bytes_read_per_step", .num(weightBytesReadPerStep)),
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
      ("notes", .array(notes.map { .string($0) })),
    ]
    return .object(kv)
  }

  public func text(model m: ServingModel, configuration c: ServingModel.Configuration) -> String {
    func gib(_ b: Double) -> String { String(format: "%.4g GB (%.4g GiB)", b / 1e9, b / 1_073_741_824) }
    let sh = m.shape
    var s = "[[Serving]] \(shortCount(m.params)) params"
    if m.activeParams != m.params { s += " (\(shortCount(m.activeParams)) active)" }
    s += ", \(sh.layers) layers, d_model \(sh.dModel)"
    if sh.attentionLayers > 0 { s += ", \(sh.heads) heads (\(sh.kvHeads) kv)" }
    if sh.ssmLayers > 0 { s += ", \(sh.ssmLayers) state-space layer\(sh.ssmLayers == 1 ? "" : "s")" }
    if let e = sh.experts, m.shapeGiven { s += ", \(e.experts) experts (\(e.active) active\(e.shared > 0 ? ", \(e.shared) shared" : "")) in \(sh.moeLayers) layers" }
    if let w = sh.window { s += ", window \(w.window) (pattern \(w.patternText))" }
    if sh.latentAttention != nil { s += ", latent attention" }
    s += "\n"
    s += "    hardware     = \(c.gpus) x \(c.gpu.name): \(c.gpu.memoryGB) GB HBM, \(c.gpu.bandwidthTBs) TB/s, \(c.peakTFLOPs) TFLOP/s dense \(c.fp8 ? "FP8" : "BF16") each; MFU \(c.mfu), memory fraction \(c.memoryFraction)\n"
    func bits(_ b: Double) -> String { b == b.rounded() ? String(Int(b)) : String(b) }
    s += "    precision    = weights \(bits(c.weightBits)) bits, KV cache \(bits(c.kvBits)) bits\(sh.ssmLayers > 0 ? ", state \(bits(c.stateBits)) bits" : "")\(c.fp8 ? ", FP8 matmuls" : "")\n"
    s += "    weights      = \(gib(weightBytes))"
    if weightBytesReadPerStep < weightBytes { s += "; \(gib(weightBytesReadPerStep)) read per decode step" }
    s += "\n"
    s += "    KV cache     = \(number("%.0f", kvBytesPerToken)) bytes per token; \(gib(kvBytesPerSequence)) per \(c.context)-token sequence\n"
    if sh.ssmLayers > 0 {
      s += "    state        = \(gib(stateBytesPerSequence)) per sequence, whatever the context\n"
    }
    s += "    max batch    = \(maxBatch) sequences of \(c.context) tokens; using \(batch)\n"
    s += "    prefill      = \(number("%.4g", prefillFlopsPerToken)) FLOPs per prompt token; \(number("%.3g", prefillSeconds)) s for \(batch) x \(c.promptTokens) prompt tokens (compute-bound)\n"
    s += "    decode       = \(number("%.4g", decodeTokensPerSecond)) tokens/s per sequence, \(number("%.4g", decodeTokensPerSecondTotal)) tokens/s at batch \(batch) (\(bound)-bound; mean cache \(number("%.0f", Double(c.promptTokens) + Double(c.outputTokens) / 2)) tokens)\n"
    s += "    time         = \(number("%.4g", secondsPerMillionOutputTokens / 3600)) hours per million output tokens (prefill included)\n"
    if let u = usdPerMillionOutputTokens {
      s += "    cost         = $\(number("%.4g", u)) per million output tokens\n"
    } else {
      s += "    cost         = give \(OptionName.usdPerGPUHour) for $ per million output tokens\n"
    }
    for n in notes { s += "    note         = \(n)\n" }
    s += "    note         = FlashAttention lowers attention's HBM traffic in prefill (no T x T scores in HBM), not its FLOPs; decode still reads the whole KV cache each step\n"
    return s
  }
}
