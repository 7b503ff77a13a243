import ArgumentParser
import Foundation
import ScalingLaws

/// A model's shape on the command line, shared by `scaling serve`, `scaling flops` and
/// `scaling plan`: a preset (`--model NAME`) and any flag over it, or the flags alone. Dense
/// attention by default; mixture-of-experts, latent attention, sliding windows and state-space
/// layers by their flags. The serving or FLOPs context is the command's own `--context`.
struct ShapeOptions: ParsableArguments {
  @Option(help: "A model preset (see --list-models); any shape flag overrides its value.") var model: String?
  @Flag(help: "List the model presets with their values and sources, and exit.") var listModels = false

  @Option(help: "Number of layers.") var layers: Int?
  @Option(help: "Model width d_model.") var dModel: Int?
  @Option(help: "Attention heads.") var heads: Int?
  @Option(help: "Key/value heads (grouped-query attention; default: --heads).") var kvHeads: Int?
  @Option(help: "Head dimension (default: d_model / heads).") var headDim: Int?
  @Option(help: "d_ff / d_model (default 4, or 8/3 with --swiglu).") var ffnMult: RealArgument?
  @Option(help: "d_ff in units (instead of --ffn-mult; 0 = no MLP, as Mamba).") var ffnDim: Int?
  @Flag(inversion: .prefixedNo, help: "SwiGLU (or GeGLU) MLP: three matrices.") var swiglu: Bool?
  @Option(help: "Vocabulary size (default 50304).") var vocab: Int?
  @Flag(inversion: .prefixedNo, help: "Input and output embeddings share weights.") var tiedEmbeddings: Bool?

  @Option(help: ArgumentHelp(
    "Routed experts per MoE layer. Memory holds them all; FLOPs follow --active-experts; a decode step at batch B reads E(1 - (1 - K/E)^B) distinct experts per MoE layer (a balanced router).",
    valueName: "E")) var experts: Int?
  @Option(help: ArgumentHelp("Experts each token uses (top-K).", valueName: "K")) var activeExperts: Int?
  @Option(help: "One expert's d_ff / d_model (default: the dense d_ff).") var expertFfnMult: RealArgument?
  @Option(help: "One expert's d_ff in units (instead of --expert-ffn-mult).") var expertFfnDim: Int?
  @Option(help: "Shared experts every token uses, each of the expert d_ff (default 0).") var sharedExperts: Int?
  @Option(help: ArgumentHelp("The first L layers keep a dense MLP (DeepSeek-V3: 3).", valueName: "L")) var denseLayers: Int?
  @Option(help: ArgumentHelp("After the dense layers, every P-th layer is MoE (default 1; Jamba: 2).", valueName: "P")) var moeEvery: Int?

  @Option(help: "Multi-head latent attention: the KV latent's rank (the cache holds rank + rope dim per layer and token).")
  var mlaKvRank: Int?
  @Option(help: "Latent attention: the decoupled RoPE key's dimension (default 0).") var mlaRopeDim: Int?
  @Option(help: "Latent attention: the query's low rank (default: none).") var mlaQRank: Int?

  @Option(help: ArgumentHelp("Sliding-window attention: a windowed layer attends to (and caches) at most W tokens.", valueName: "W"))
  var slidingWindow: Int?
  @Option(help: ArgumentHelp("Every G-th attention layer is global, the rest windowed (default: all windowed).", valueName: "G"))
  var globalEvery: Int?
  @Option(help: "Attention layers' kinds, repeated: L windowed, G global (e.g. LLLLLG; instead of --global-every).")
  var layerPattern: String?

  @Option(help: "State-space (Mamba) layers among --layers, in place of attention; each keeps a fixed state per sequence.")
  var ssmLayers: Int?
  @Option(help: "SSM state size N per channel (default 16; Mamba-2 128).") var ssmState: Int?
  @Option(help: "SSM inner width / d_model (default 2).") var ssmExpand: Int?
  @Option(help: "Mamba-2 head dimension (given: Mamba-2 blocks; absent: Mamba-1).") var ssmHeadDim: Int?
  @Option(help: "SSM convolution width (default 4).") var ssmConv: Int?
  @Option(help: "Mamba-2 groups of B and C (default 1).") var ssmGroups: Int?
  @Option(help: "Mamba-1 rank of the step-size projection (default ceil(d_model / 16)).") var ssmDtRank: Int?

  /// Whether any flag describes a shape (a preset or layer dimensions).
  var shapeGiven: Bool { model != nil || layers != nil || dModel != nil || heads != nil }

  func validate() throws {
    if listModels { return }
    _ = try resolved()
  }

  /// The shape the flags describe: the preset with every given flag over it, or the flags alone;
  /// nil when no shape was given (then no other shape flag may be either).
  func resolved() throws -> TransformerShape? {
    var s: TransformerShape
    if let name = model {
      guard let preset = ModelPreset.named(name) else {
        throw ValidationError("Unknown model '\(name)'. Known: \(ModelPreset.all.map(\.name).joined(separator: ", ")) (see --list-models).")
      }
      s = preset.shape
    } else if shapeGiven {
      guard let layers, let dModel else {
        throw ValidationError("A shape needs --layers and --d-model (and --heads unless every layer is state-space), or --model NAME.")
      }
      guard heads != nil || (ssmLayers != nil && ssmLayers == layers) else {
        throw ValidationError("A shape with attention layers needs --heads.")
      }
      s = TransformerShape(
        layers: layers, dModel: dModel, heads: heads ?? 1,
        ffnMultiplier: (swiglu ?? false) ? 8.0 / 3.0 : 4)
    } else {
      if let flag = firstArchitectureFlag {
        throw ValidationError("\(flag) describes a shape: give --model NAME or --layers, --d-model and --heads too.")
      }
      return nil
    }
    try overlay(&s)
    try check(s)
    return s
  }

  /// The first architecture flag given (for the error when no shape is).
  private var firstArchitectureFlag: String? {
    let given: [(Bool, String)] = [
      (headDim != nil, "--head-dim"), (ffnDim != nil, "--ffn-dim"),
      (experts != nil, "--experts"), (activeExperts != nil, "--active-experts"), (mlaKvRank != nil, "--mla-kv-rank"),
      (slidingWindow != nil, "--sliding-window"), (ssmLayers != nil, "--ssm-layers"), (ssmState != nil, "--ssm-state"),
    ]
    return given.first { $0.0 }?.1
  }

  /// The flags over `s`, part by part.
  private func overlay(_ s: inout TransformerShape) throws {
    try overlayDense(&s)
    try overlayExperts(&s)
    try overlayLatent(&s)
    try overlayWindow(&s)
    try overlayStateSpace(&s)
  }

  /// The flags of the dense transformer: layers, widths, heads, MLP, vocabulary, embeddings.
  private func overlayDense(_ s: inout TransformerShape) throws {
    if let v = layers { s.layers = v }
    if let v = dModel { s.dModel = v }
    if let v = heads {
      // Without a preset the KV heads default to the heads (multi-head attention); over a preset
      // they keep the preset's value unless --kv-heads is given.
      s.heads = v
      if model == nil { s.kvHeads = v }
    }
    if let v = kvHeads { s.kvHeads = v }
    if let v = headDim { s.headDimension = v }
    if let v = swiglu {
      s.swiglu = v
      if model == nil, ffnMult == nil, ffnDim == nil { s.ffnMultiplier = v ? 8.0 / 3.0 : 4 }
    }
    if let v = ffnMult {
      s.ffnMultiplier = v.value
      s.ffnDimension = nil
    }
    if let v = ffnDim { s.ffnDimension = v }
    if let v = vocab { s.vocab = v }
    if let v = tiedEmbeddings { s.tiedEmbeddings = v }
  }

  /// The flags of the mixture of experts.
  private func overlayExperts(_ s: inout TransformerShape) throws {
    if let e = experts {
      guard let k = activeExperts ?? s.experts?.active else {
        throw ValidationError("--experts needs --active-experts (the experts each token uses).")
      }
      var m = s.experts ?? MixtureOfExperts(experts: e, active: k)
      m.experts = e
      m.active = k
      s.experts = m
    }
    let moeFlags: [(Bool, String)] = [
      (activeExperts != nil, "--active-experts"), (expertFfnMult != nil, "--expert-ffn-mult"),
      (expertFfnDim != nil, "--expert-ffn-dim"), (sharedExperts != nil, "--shared-experts"),
      (denseLayers != nil, "--dense-layers"), (moeEvery != nil, "--moe-every"),
    ]
    if var m = s.experts {
      if let v = activeExperts { m.active = v }
      if let v = expertFfnMult {
        guard v.value >= 0, v.value.isFinite else { throw ValidationError("--expert-ffn-mult must be a positive finite number.") }
        m.expertFFN = Int((v.value * Double(s.dModel)).rounded())
      }
      if let v = expertFfnDim { m.expertFFN = v }
      if let v = sharedExperts { m.shared = v }
      if let v = denseLayers { m.denseLayers = v }
      if let v = moeEvery { m.every = v }
      s.experts = m
    } else if let flag = moeFlags.first(where: { $0.0 })?.1 {
      throw ValidationError("\(flag) needs --experts (the routed experts per MoE layer).")
    }
  }

  /// The flags of latent attention.
  private func overlayLatent(_ s: inout TransformerShape) throws {
    if let r = mlaKvRank {
      var m = s.latentAttention ?? LatentAttention(kvRank: r, ropeDim: 0)
      m.kvRank = r
      s.latentAttention = m
    }
    if var m = s.latentAttention {
      if let v = mlaRopeDim { m.ropeDim = v }
      if let v = mlaQRank { m.qRank = v }
      s.latentAttention = m
    } else if let flag = [(mlaRopeDim != nil, "--mla-rope-dim"), (mlaQRank != nil, "--mla-q-rank")].first(where: { $0.0 })?.1 {
      throw ValidationError("\(flag) needs --mla-kv-rank (latent attention).")
    }
  }

  /// The flags of the sliding window and its layer pattern.
  private func overlayWindow(_ s: inout TransformerShape) throws {
    if globalEvery != nil, layerPattern != nil {
      throw ValidationError("Give --global-every or --layer-pattern, not both.")
    }
    var pattern: [AttentionWindow.Kind]?
    if let text = layerPattern {
      guard let p = AttentionWindow.pattern(text) else {
        throw ValidationError("--layer-pattern '\(text)' must be made of L (windowed) and G (global), e.g. LLLLLG.")
      }
      pattern = p
    }
    if let g = globalEvery {
      guard g >= 1 else { throw ValidationError("--global-every must be at least 1.") }
      pattern = AttentionWindow(window: 1, globalEvery: g).pattern
    }
    if let w = slidingWindow {
      s.window = AttentionWindow(window: w, pattern: pattern ?? s.window?.pattern ?? [.local])
    } else if let p = pattern {
      guard var win = s.window else {
        throw ValidationError("\(layerPattern != nil ? "--layer-pattern" : "--global-every") needs --sliding-window.")
      }
      win.pattern = p
      s.window = win
    }
  }

  /// The flags of the state-space layers.
  private func overlayStateSpace(_ s: inout TransformerShape) throws {
    if let n = ssmLayers {
      var m = s.stateSpace ?? StateSpaceLayers(layers: n)
      m.layers = n
      s.stateSpace = m
    }
    let ssmFlags: [(Bool, String)] = [
      (ssmState != nil, "--ssm-state"), (ssmExpand != nil, "--ssm-expand"), (ssmHeadDim != nil, "--ssm-head-dim"),
      (ssmConv != nil, "--ssm-conv"), (ssmGroups != nil, "--ssm-groups"), (ssmDtRank != nil, "--ssm-dt-rank"),
    ]
    if var m = s.stateSpace {
      if let v = ssmState { m.state = v }
      if let v = ssmExpand { m.expand = v }
      if let v = ssmHeadDim { m.headDim = v }
      if let v = ssmConv { m.conv = v }
      if let v = ssmGroups { m.groups = v }
      if let v = ssmDtRank { m.dtRank = v }
      s.stateSpace = m
    } else if let flag = ssmFlags.first(where: { $0.0 })?.1 {
      throw ValidationError("\(flag) needs --ssm-layers (how many of the --layers are state-space mixers).")
    }
  
  }

  /// The resolved shape's values, each error naming the flag that sets it.
  private func check(_ s: TransformerShape) throws {
    for (v, flag) in [(s.layers, "--layers"), (s.dModel, "--d-model"), (s.heads, "--heads"), (s.vocab, "--vocab")] where v < 1 {
      throw ValidationError("\(flag) must be at least 1.")
    }
    if s.attentionLayers > 0 {
      if s.headDimension == nil, s.latentAttention == nil, s.dModel % s.heads != 0 {
        throw ValidationError("--d-model (\(s.dModel)) must be divisible by --heads (\(s.heads)).")
      }
      if s.kvHeads < 1 || s.heads % s.kvHeads != 0 {
        throw ValidationError("--kv-heads (\(s.kvHeads)) must divide --heads (\(s.heads)).")
      }
      if let h = s.headDimension, h < 1 { throw ValidationError("--head-dim must be at least 1.") }
    }
    if !(s.ffnMultiplier >= 0 && s.ffnMultiplier.isFinite) { throw ValidationError("--ffn-mult must be positive.") }
    if let f = s.ffnDimension, f < 0 { throw ValidationError("--ffn-dim must be at least 0.") }
    if let e = s.experts {
      if e.experts < 1 { throw ValidationError("--experts must be at least 1.") }
      if e.active < 1 { throw ValidationError("--active-experts must be at least 1.") }
      if e.active > e.experts {
        throw ValidationError("--active-experts (\(e.active)) exceeds --experts (\(e.experts)): a token cannot use more experts than a layer has.")
      }
      if e.shared < 0 { throw ValidationError("--shared-experts must be at least 0.") }
      if let f = e.expertFFN, f < 1 { throw ValidationError("--expert-ffn-dim must be at least 1.") }
      if e.denseLayers < 0 || e.denseLayers >= s.layers {
        throw ValidationError("--dense-layers (\(e.denseLayers)) must be between 0 and --layers - 1 (\(s.layers - 1)).")
      }
      if e.every < 1 { throw ValidationError("--moe-every must be at least 1.") }
    }
    if let m = s.latentAttention {
      if m.kvRank < 1 { throw ValidationError("--mla-kv-rank must be at least 1.") }
      if m.ropeDim < 0 { throw ValidationError("--mla-rope-dim must be at least 0.") }
      if let q = m.qRank, q < 1 { throw ValidationError("--mla-q-rank must be at least 1.") }
    }
    if let w = s.window, w.window < 1 { throw ValidationError("--sliding-window must be at least 1.") }
    if let m = s.stateSpace {
      if m.layers < 1 || m.layers > s.layers {
        throw ValidationError("--ssm-layers (\(m.layers)) must be between 1 and --layers (\(s.layers)).")
      }
      for (v, flag) in [(m.state, "--ssm-state"), (m.expand, "--ssm-expand"), (m.conv, "--ssm-conv"), (m.groups, "--ssm-groups")] where v < 1 {
        throw ValidationError("\(flag) must be at least 1.")
      }
      if let r = m.dtRank, r < 1 { throw ValidationError("--ssm-dt-rank must be at least 1.") }
      if let h = m.headDim, h < 1 || (m.expand * s.dModel) % h != 0 {
        throw ValidationError("--ssm-head-dim (\(h)) must divide the inner width --ssm-expand x --d-model (\(m.expand * s.dModel)).")
      }
    }
  }

  /// The flags that describe `shape` with no preset (what --list-models prints for each preset).
  static func arguments(for s: TransformerShape) -> [String] {
    var a = ["--layers", "\(s.layers)", "--d-model", "\(s.dModel)", "--heads", "\(s.heads)", "--kv-heads", "\(s.kvHeads)"]
    if let h = s.headDimension { a += ["--head-dim", "\(h)"] }
    a += ["--ffn-dim", "\(Int(s.dFF))", s.swiglu ? "--swiglu" : "--no-swiglu", "--vocab", "\(s.vocab)"]
    a.append(s.tiedEmbeddings ? "--tied-embeddings" : "--no-tied-embeddings")
    if let e = s.experts {
      a += ["--experts", "\(e.experts)", "--active-experts", "\(e.active)", "--expert-ffn-dim", "\(Int(s.expertFFN))"]
      if e.shared > 0 { a += ["--shared-experts", "\(e.shared)"] }
      if e.denseLayers > 0 { a += ["--dense-layers", "\(e.denseLayers)"] }
      if e.every > 1 { a += ["--moe-every", "\(e.every)"] }
    }
    if let m = s.latentAttention {
      a += ["--mla-kv-rank", "\(m.kvRank)", "--mla-rope-dim", "\(m.ropeDim)"]
      if let q = m.qRank { a += ["--mla-q-rank", "\(q)"] }
    }
    if let w = s.window { a += ["--sliding-window", "\(w.window)", "--layer-pattern", w.patternText] }
    if let m = s.stateSpace {
      a += ["--ssm-layers", "\(m.layers)", "--ssm-state", "\(m.state)", "--ssm-expand", "\(m.expand)", "--ssm-conv", "\(m.conv)"]
      if let h = m.headDim { a += ["--ssm-head-dim", "\(h)", "--ssm-groups", "\(m.groups)"] }
      if let r = m.dtRank { a += ["--ssm-dt-rank", "\(r)"] }
    }
    return a
  }

  /// The presets table (`--list-models`): text, or JSON with each preset's counts, source and flags.
  static func modelList(json: Bool) -> String {
    if json {
      let v: JSONValue = .array(ModelPreset.all.map { p in
        .object([
          ("name", .string(p.name)), ("params_total", .num(p.shape.totalParams)), ("params_active", .num(p.shape.activeParams)),
          ("published", .string(p.published)), ("source", .string(p.source)), ("max_context", .int(p.shape.context)),
          ("flags", .array(arguments(for: p.shape).map { .string($0) })),
        ])
      })
      return v.rendered() + "\n"
    }
    var s = "[[Models]] name: params total / active (published); source; the same shape as flags\n"
    for p in ModelPreset.all {
      s += "    \(p.name): \(shortCount(p.shape.totalParams)) / \(shortCount(p.shape.activeParams)) (published \(p.published)); maximum context \(p.shape.context)\n"
      s += "        source: \(p.source)\n"
      s += "        flags:  \(arguments(for: p.shape).joined(separator: " "))\n"
    }
    return s
  }
}
