import Foundation

/// A decoder-only model's shape, and what it costs: parameters (total and active, with and
/// without embeddings), KV cache and recurrent state, and FLOPs per token by three conventions.
///
/// Dense multi-head or grouped-query attention by default; optional parts make it a
/// mixture-of-experts (``MixtureOfExperts``), multi-head latent attention (``LatentAttention``),
/// sliding-window attention (``AttentionWindow``) or a state-space / hybrid model
/// (``StateSpaceLayers``: Mamba mixers in place of attention in some layers).
///
/// Parameter convention: weight matrices only (no biases, no LayerNorm gains, no learned
/// position table), as in Kaplan et al. 2020 eq. 2.1; embeddings are the token embedding and,
/// unless tied, the output unembedding, V·d each. Active parameters are the total less the routed
/// experts a token does not use (embeddings included, as Mixtral's "12.9B active").
public struct TransformerShape: Sendable, Equatable, Hashable {
  public var layers: Int
  public var dModel: Int
  public var heads: Int
  /// Key/value heads (grouped-query attention); equal to `heads` for multi-head attention.
  public var kvHeads: Int
  /// d_ff = ffnMultiplier · d_model (4 for GPT; 8/3 is common with SwiGLU).
  public var ffnMultiplier: Double
  /// SwiGLU (or GeGLU) feed-forward: three d × d_ff matrices instead of two.
  public var swiglu: Bool
  public var vocab: Int
  public var context: Int
  public var tiedEmbeddings: Bool
  /// Head dimension when it is not d_model / heads (Gemma 2: 256 with d_model 3584 and 16 heads).
  public var headDimension: Int?
  /// d_ff in units when given exactly (overrides `ffnMultiplier`; 0 = no MLP, as Mamba).
  public var ffnDimension: Int?
  public var experts: MixtureOfExperts?
  public var latentAttention: LatentAttention?
  public var window: AttentionWindow?
  public var stateSpace: StateSpaceLayers?

  public init(
    layers: Int, dModel: Int, heads: Int, kvHeads: Int? = nil, ffnMultiplier: Double = 4,
    swiglu: Bool = false, vocab: Int = 50_304, context: Int = 2048, tiedEmbeddings: Bool = false,
    headDimension: Int? = nil, ffnDimension: Int? = nil, experts: MixtureOfExperts? = nil,
    latentAttention: LatentAttention? = nil, window: AttentionWindow? = nil, stateSpace: StateSpaceLayers? = nil
  ) {
    self.layers = layers
    self.dModel = dModel
    self.heads = heads
    self.kvHeads = kvHeads ?? heads
    self.ffnMultiplier = ffnMultiplier
    self.swiglu = swiglu
    self.vocab = vocab
    self.context = context
    self.tiedEmbeddings = tiedEmbeddings
    self.headDimension = headDimension
    self.ffnDimension = ffnDimension
    self.experts = experts
    self.latentAttention = latentAttention
    self.window = window
    self.stateSpace = stateSpace
  }

  var d: Double { Double(dModel) }
  var headDim: Double { headDimension.map(Double.init) ?? d / Double(heads) }
  /// Width of the K and V projections: kv_heads × head_dim.
  var dKV: Double { Double(kvHeads) * headDim }
  /// Query width heads × head_dim (d_model unless the head dimension is set apart).
  var queryWidth: Double { Double(heads) * headDim }
  public var dFF: Double { ffnDimension.map(Double.init) ?? (ffnMultiplier * d).rounded() }
  /// d_ff of one routed or shared expert.
  public var expertFFN: Double { experts?.expertFFN.map(Double.init) ?? dFF }

  /// Layers with attention (the rest are state-space mixers).
  public var attentionLayers: Int { layers - (stateSpace?.layers ?? 0) }
  public var ssmLayers: Int { stateSpace?.layers ?? 0 }
  public var moeLayers: Int { experts?.moeLayers(of: layers) ?? 0 }
  /// Attention layers that attend to (and cache) at most the window.
  public var localAttentionLayers: Int { window?.localLayers(of: attentionLayers) ?? 0 }
  public var globalAttentionLayers: Int { attentionLayers - localAttentionLayers }

  /// One attention layer's weights: Q and O (d × h·d_h each), K and V (d × d_kv each); with latent
  /// attention the projections of ``LatentAttention``.
  public var attentionParamsPerLayer: Double {
    let h = Double(heads), hd = headDim
    if let m = latentAttention {
      let rope = Double(m.ropeDim), kvr = Double(m.kvRank)
      let q = m.qRank.map { d * Double($0) + Double($0) * h * (hd + rope) } ?? d * h * (hd + rope)
      return q + d * (kvr + rope) + kvr * h * 2 * hd + h * hd * d
    }
    return d * queryWidth + 2 * d * dKV + queryWidth * d
  }
  func mlpParams(_ dff: Double) -> Double { (swiglu ? 3 : 2) * d * dff }
  /// One state-space mixer's weights (0 without state-space layers).
  public var ssmParamsPerLayer: Double { stateSpace?.paramsPerLayer(dModel: dModel) ?? 0 }

  /// Non-embedding parameters with `routed` routed experts per MoE layer.
  func nonEmbeddingParams(routed: Double) -> Double {
    var n = Double(attentionLayers) * attentionParamsPerLayer + Double(ssmLayers) * ssmParamsPerLayer
    n += Double(layers - moeLayers) * mlpParams(dFF)
    if let e = experts {
      n += Double(moeLayers) * ((routed + Double(e.shared)) * mlpParams(expertFFN) + d * Double(e.experts))
    }
    return n
  }
  /// Non-embedding parameters (Kaplan's N), every expert counted.
  public var nonEmbeddingParams: Double { nonEmbeddingParams(routed: Double(experts?.experts ?? 0)) }
  /// Non-embedding parameters one token uses: the active routed experts only.
  public var activeNonEmbeddingParams: Double { nonEmbeddingParams(routed: Double(experts?.active ?? 0)) }
  public var embeddingParams: Double { Double(vocab) * d * (tiedEmbeddings ? 1 : 2) }
  public var totalParams: Double { nonEmbeddingParams + embeddingParams }
  public var activeParams: Double { activeNonEmbeddingParams + embeddingParams }
  /// Weights one forward pass of a batch of B tokens reads: all but the routed experts no token of
  /// the batch chose (``MixtureOfExperts/expectedExpertsTouched(batch:)``).
  public func paramsRead(batch B: Int) -> Double {
    guard let e = experts else { return totalParams }
    let untouched = Double(e.experts) - e.expectedExpertsTouched(batch: B)
    return totalParams - Double(moeLayers) * untouched * mlpParams(expertFFN)
  }

  /// Numbers cached per attention layer and token: K and V (2·kv_heads·head_dim), or the latent
  /// and RoPE key (kv_rank + rope_dim) with latent attention.
  public var kvElementsPerLayerToken: Double {
    latentAttention.map { Double($0.kvRank + $0.ropeDim) } ?? 2 * dKV
  }
  /// KV-cache bytes per token at `bits`, every attention layer caching it (the rate up to the window).
  public func kvBytesPerToken(bits: Double) -> Double {
    Double(attentionLayers) * kvElementsPerLayerToken * bits / 8
  }
  /// Positions the attention layers hold for a sequence of `tokens`: a local layer at most its window.
  public func attendedPositions(tokens T: Double) -> Double {
    let W = Double(window?.window ?? Int.max)
    return Double(localAttentionLayers) * min(T, W) + Double(globalAttentionLayers) * T
  }
  /// KV-cache bytes of one sequence of `tokens` at `bits` (windowed layers hold at most the window).
  public func kvBytesPerSequence(tokens T: Double, bits: Double) -> Double {
    attendedPositions(tokens: T) * kvElementsPerLayerToken * bits / 8
  }
  /// Recurrent state bytes of one sequence at `bits` (state-space layers; independent of context).
  public func stateBytesPerSequence(bits: Double) -> Double {
    Double(ssmLayers) * (stateSpace?.stateElementsPerLayer(dModel: dModel) ?? 0) * bits / 8
  }

  /// d_attn of Kaplan's attention term: the query-key width h·d_h (h·(d_h + rope) with latent attention).
  public var attentionWidth: Double { Double(heads) * (headDim + Double(latentAttention?.ropeDim ?? 0)) }
  /// The selective scans' FLOPs per token beyond matmuls (``StateSpaceLayers``).
  public var scanFlopsPerToken: Double {
    Double(ssmLayers) * (stateSpace?.scanFlopsPerLayer(dModel: dModel) ?? 0)
  }

  /// Kaplan et al. 2020 Table 1: training FLOPs per token ≈ 6N + 6·n_layer·n_ctx·d_attn (N
  /// non-embedding and active; a windowed layer attends to at most its window; state-space layers
  /// add three times their scan).
  public var kaplanTrainingFlopsPerToken: Double { 3 * kaplanInferenceFlopsPerToken }
  /// Kaplan forward (inference) FLOPs per token: 2N + 2·n_layer·n_ctx·d_attn.
  public var kaplanInferenceFlopsPerToken: Double {
    2 * activeNonEmbeddingParams + 2 * attendedPositions(tokens: Double(context)) * attentionWidth + scanFlopsPerToken
  }

  /// Hoffmann et al. 2022 App. F, forward FLOPs per token (sequence terms divided by n_ctx):
  /// embeddings 2Vd, per layer QKV 2d(d + 2d_kv), logits 2·n_ctx·d, softmax 3·h·n_ctx,
  /// attention over values 2·n_ctx·d, output projection 2d², MLP 2·(2 or 3)·d·d_ff, final
  /// logits 2dV. Training = 3 × forward. Generalised: every weight matrix 2 FLOPs per weight
  /// (active experts and the router only, latent projections, state-space mixers plus their scan),
  /// the context terms over the positions each layer attends to.
  public var chinchillaForwardFlopsPerToken: Double {
    let V = Double(vocab), T = attendedPositions(tokens: Double(context))
    let attention = T * (2 * attentionWidth + 3 * Double(heads) + 2 * queryWidth)
    return 2 * V * d + 2 * activeNonEmbeddingParams + attention + scanFlopsPerToken + 2 * d * V
  }
  public var chinchillaTrainingFlopsPerToken: Double { 3 * chinchillaForwardFlopsPerToken }

  /// The 6N shortcut with N the active parameters including embeddings (the Chinchilla
  /// convention for N; all parameters for a dense model).
  public var sixNTotal: Double { 6 * activeParams }
  /// The 6N shortcut with N the active non-embedding parameters (Kaplan's convention).
  public var sixNNonEmbedding: Double { 6 * activeNonEmbeddingParams }

  /// The closest proposal near `target` (a minimal 2-layer shape when none satisfies the
  /// aspect-ratio rule, i.e. for targets below about a million parameters).
  public static func proposal(near target: Double, swiglu: Bool = false) -> TransformerShape {
    proposals(near: target, swiglu: swiglu, count: 1).first ?? TransformerShape(layers: 2, dModel: 128, heads: 1)
  }

  /// Shapes near a target size: for each depth, the d_model (a multiple of 128, heads of
  /// dimension 128 where possible) whose total parameters come closest, keeping the aspect ratio
  /// d_model / n_layer between 32 and 256. Best first: among the shapes within 3% of the target,
  /// the aspect ratio closest to 100 (Llama-2 7B 128, 70B 102; Kaplan et al. found the loss flat
  /// over a wide range of it), then the rest by closeness. One rule for `serve --params`,
  /// `plan --shape` and the report's serving numbers; a tiny change of the target no longer flips
  /// between a shallow and a deep shape of the same size (29.4B: 52 x 6784 in both).
  public static func proposals(
    near target: Double, vocab: Int = 50_304, context: Int = 2048, swiglu: Bool = false, count: Int = 3
  ) -> [TransformerShape] {
    var found: [(Double, TransformerShape)] = []
    for layers in stride(from: 2, through: 160, by: 2) {
      // About 12 d² per layer either way: 4d² attention + 8d² MLP (2 × 4d or 3 × 8d/3 with SwiGLU).
      let dEstimate = (target / (12 * Double(layers))).squareRoot()
      for dm in [floor(dEstimate / 128) * 128, ceil(dEstimate / 128) * 128] where dm >= 128 {
        let ratio = dm / Double(layers)
        guard ratio >= 32 && ratio <= 256 else { continue }
        let heads = max(1, Int(dm) / 128)
        let s = TransformerShape(
          layers: layers, dModel: Int(dm), heads: heads, ffnMultiplier: swiglu ? 8.0 / 3.0 : 4, swiglu: swiglu,
          vocab: vocab, context: context)
        found.append((abs(log(s.totalParams / target)), s))
      }
    }
    func key(_ c: (Double, TransformerShape)) -> (Int, Double, Int) {
      let close = c.0 <= log(1.03)
      let aspect = abs(log(Double(c.1.dModel) / Double(c.1.layers) / 100))
      return (close ? 0 : 1, close ? aspect : c.0, c.1.layers)
    }
    found.sort { key($0) < key($1) }
    var out: [TransformerShape] = []
    for (_, s) in found where !out.contains(s) {
      out.append(s)
      if out.count == count { break }
    }
    return out
  }
}
