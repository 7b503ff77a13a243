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

  /// Which of a shape's parameter counts a proposal matches to the target.
  public enum ParameterCount: String, Sendable, Equatable {
    /// Every weight, embeddings included (Chinchilla's N, the count of model names).
    case total
    /// Without the token embedding and unembedding (Kaplan's N).
    case nonEmbedding = "non-embedding"
  }

  /// Proposals near a target and the count they match (``matching(_:count:vocab:context:swiglu:limit:)``).
  public struct Proposals: Sendable, Equatable {
    public var count: ParameterCount
    /// Best first.
    public var shapes: [TransformerShape]
    /// Why the count differs from the one asked for (a target too small for the vocabulary's embeddings).
    public var note: String?
  }

  /// The closest proposal near `target` total parameters (non-embedding when the target is too
  /// small to hold the vocabulary's embeddings; see ``matching(_:count:vocab:context:swiglu:limit:)``).
  public static func proposal(near target: Double, swiglu: Bool = false) -> TransformerShape {
    matching(target, swiglu: swiglu, limit: 1).shapes[0]
  }

  /// Shapes near `target` total parameters, best first (``matching(_:count:vocab:context:swiglu:limit:)``).
  public static func proposals(
    near target: Double, vocab: Int = 50_304, context: Int = 2048, swiglu: Bool = false, count: Int = 3
  ) -> [TransformerShape] {
    matching(target, vocab: vocab, context: context, swiglu: swiglu, limit: count).shapes
  }

  /// |log(count / target)| within which a shape counts as within 3% of the target (either way).
  static let closeEnough = log(1.0299)

  /// The aspect ratios d_model / n_layer a proposal may have, and the one preferred.
  public static let aspectRange: ClosedRange<Double> = 16...512
  public static let preferredAspect = 100.0

  /// Shapes whose `count` of parameters is near `target`, for any size from 1M to 100T: one rule
  /// for `serve --params`, `plan --shape`, the serving-aware planner and the report.
  ///
  /// - Width d_model: a multiple of 32 below 512 (heads of dimension 32), of 64 up to 2,048 (heads
  ///   of 64), of 128 above (heads of 128), as Pythia, GPT-3, Llama and OLMo are built.
  /// - Depth: for each width, the layer counts (1 and up, no upper limit) whose parameters come
  ///   closest to the target, kept when the aspect ratio d_model / n_layer is within 16–512.
  /// - Best first: among the shapes within 3% of the target, the aspect ratio closest to 100
  ///   (Llama-2 7B 128, 70B 102, Chinchilla 70B 102, GPT-3 175B 128; Kaplan et al. 2020 found the
  ///   loss within a few percent over ratios 20–200), then the rest by closeness. Ties go to fewer
  ///   layers, so a tiny change of the target does not flip between a shallow and a deep shape.
  /// - The count: `.total` (embeddings included) unless the target is too small for the
  ///   vocabulary's embeddings (no shape within 3% of it: below about 16M total parameters with a
  ///   50,304-token vocabulary); then the shapes match `.nonEmbedding` parameters and `note` says so.
  /// - Within 3% at every size from about 16M up, and at each decade from 1M; between 1M and 16M
  ///   the few layers such a model has leave gaps of up to 8%, and `note` says when the closest
  ///   shape is further than 3%.
  public static func matching(
    _ target: Double, count: ParameterCount = .total, vocab: Int = 50_304, context: Int = 2048,
    swiglu: Bool = false, limit: Int = 3
  ) -> Proposals {
    let n = target.isFinite && target > 0 ? target : 1
    let found = candidates(n, count: count, vocab: vocab, context: context, swiglu: swiglu)
    if count == .total && !found.contains(where: { $0.0 <= closeEnough }) {
      var p = matching(n, count: .nonEmbedding, vocab: vocab, context: context, swiglu: swiglu, limit: limit)
      let why =
        "\(shortCount(n)) parameters cannot hold a \(vocab)-token vocabulary's embeddings and a model within 3%; the shapes match \(shortCount(n)) non-embedding parameters"
      p.note = p.note.map { why + "; " + $0 } ?? why
      return p
    }
    func key(_ c: (Double, TransformerShape)) -> (Int, Double, Int) {
      let close = c.0 <= closeEnough
      let aspect = abs(log(Double(c.1.dModel) / Double(c.1.layers) / preferredAspect))
      return (close ? 0 : 1, close ? aspect : c.0, c.1.layers)
    }
    var out: [TransformerShape] = []
    for (_, s) in found.sorted(by: { key($0) < key($1) }) where !out.contains(s) {
      out.append(s)
      if out.count == limit { break }
    }
    var note: String? = nil
    if let first = out.first {
      let off = (count == .total ? first.totalParams : first.nonEmbeddingParams) / n - 1
      if abs(off) > 0.03 {
        note = "no shape of the rule is within 3% of \(shortCount(n)) (a model this small has few layers to choose from); the closest is \(number("%+.1f", 100 * off))%"
      }
    }
    return Proposals(count: count, shapes: out, note: note)
  }

  /// The step from one proposed width to the next: 32 below 512, 64 up to 2,048, 128 above.
  static func widthStep(_ dModel: Int) -> Int { dModel < 512 ? 32 : dModel < 2048 ? 64 : 128 }
  /// The head dimension of a proposed width: 32 below 512 (Pythia-14M: d_model 128, 4 heads),
  /// 64 up to 2,048 (Pythia-70M to 1B), 128 above (Llama, GPT-3 175B).
  static func headDimension(_ dModel: Int) -> Int { dModel < 512 ? 32 : dModel <= 2048 ? 64 : 128 }

  /// (|log(count / target)|, shape) for every width and its nearest depths within the aspect range.
  static func candidates(
    _ target: Double, count: ParameterCount, vocab: Int, context: Int, swiglu: Bool
  ) -> [(Double, TransformerShape)] {
    func shape(_ layers: Int, _ dm: Int) -> TransformerShape {
      TransformerShape(
        layers: layers, dModel: dm, heads: max(1, dm / headDimension(dm)), ffnMultiplier: swiglu ? 8.0 / 3.0 : 4,
        swiglu: swiglu, vocab: vocab, context: context)
    }
    func params(_ s: TransformerShape) -> Double { count == .total ? s.totalParams : s.nonEmbeddingParams }
    // The search is bounded for any input: targets past 1e18 (a plan from an absurd law) are
    // searched at 1e18, and depths past a million are skipped for a wider width.
    let target = min(target, 1e18)
    var found: [(Double, TransformerShape)] = []
    var dm = 32
    while true {
      let one = shape(1, dm)
      let fixed = count == .total ? one.embeddingParams : 0
      let perLayer = one.nonEmbeddingParams
      // Wider than the target (one layer overshoots by 3% or more): no wider width can come closer.
      if fixed + perLayer > target * 1.03 && dm > 32 { break }
      let layers = (target - fixed) / perLayer
      // Wider still only raises d_model / n_layer further past the range.
      if Double(dm) / max(layers, 1) > aspectRange.upperBound * 1.5 && !found.isEmpty { break }
      guard layers.isFinite, layers < 1e6 else {
        dm += widthStep(dm)
        continue
      }
      for l in Set([max(1, Int(layers.rounded(.down))), max(1, Int(layers.rounded(.up)))]) {
        let ratio = Double(dm) / Double(l)
        guard aspectRange.contains(ratio) else { continue }
        let s = shape(l, dm)
        found.append((abs(log(params(s) / target)), s))
      }
      dm += widthStep(dm)
    }
    if found.isEmpty { found.append((abs(log(params(shape(1, 32)) / target)), shape(1, 32))) }
    return found
  }
}
