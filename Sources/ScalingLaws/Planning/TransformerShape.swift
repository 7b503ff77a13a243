import Foundation

/// A decoder-only transformer's shape, and what it costs: parameters (with and without
/// embeddings) and FLOPs per token by three conventions.
///
/// Parameter convention: weight matrices only (no biases, no LayerNorm gains, no learned
/// position table), as in Kaplan et al. 2020 eq. 2.1; embeddings are the token embedding and,
/// unless tied, the output unembedding, V·d each.
public struct TransformerShape: Sendable, Equatable {
  public var layers: Int
  public var dModel: Int
  public var heads: Int
  /// Key/value heads (grouped-query attention); equal to `heads` for multi-head attention.
  public var kvHeads: Int
  /// d_ff = ffnMultiplier · d_model (4 for GPT; 8/3 is common with SwiGLU).
  public var ffnMultiplier: Double
  /// SwiGLU feed-forward: three d × d_ff matrices instead of two.
  public var swiglu: Bool
  public var vocab: Int
  public var context: Int
  public var tiedEmbeddings: Bool

  public init(
    layers: Int, dModel: Int, heads: Int, kvHeads: Int? = nil, ffnMultiplier: Double = 4,
    swiglu: Bool = false, vocab: Int = 50_304, context: Int = 2048, tiedEmbeddings: Bool = false
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
  }

  var d: Double { Double(dModel) }
  var headDim: Double { d / Double(heads) }
  /// Width of the K and V projections: kv_heads × head_dim.
  var dKV: Double { Double(kvHeads) * headDim }
  public var dFF: Double { (ffnMultiplier * d).rounded() }

  /// Per layer: Q and O (d × d each), K and V (d × d_kv each), the MLP (2 or 3 matrices d × d_ff).
  public var paramsPerLayer: Double {
    2 * d * d + 2 * d * dKV + (swiglu ? 3 : 2) * d * dFF
  }
  /// Non-embedding parameters (Kaplan's N).
  public var nonEmbeddingParams: Double { Double(layers) * paramsPerLayer }
  public var embeddingParams: Double { Double(vocab) * d * (tiedEmbeddings ? 1 : 2) }
  public var totalParams: Double { nonEmbeddingParams + embeddingParams }

  /// Kaplan et al. 2020 Table 1: training FLOPs per token ≈ 6N + 6·n_layer·n_ctx·d_attn
  /// (N non-embedding; d_attn = d_model).
  public var kaplanTrainingFlopsPerToken: Double {
    6 * nonEmbeddingParams + 6 * Double(layers) * Double(context) * d
  }
  /// Kaplan forward (inference) FLOPs per token: 2N + 2·n_layer·n_ctx·d_attn.
  public var kaplanInferenceFlopsPerToken: Double {
    2 * nonEmbeddingParams + 2 * Double(layers) * Double(context) * d
  }

  /// Hoffmann et al. 2022 App. F, forward FLOPs per token (sequence terms divided by n_ctx):
  /// embeddings 2Vd, per layer QKV 2d(d + 2d_kv), logits 2·n_ctx·d, softmax 3·h·n_ctx,
  /// attention over values 2·n_ctx·d, output projection 2d², MLP 2·(2 or 3)·d·d_ff, final
  /// logits 2dV. Training = 3 × forward.
  public var chinchillaForwardFlopsPerToken: Double {
    let T = Double(context), V = Double(vocab)
    let perLayer = 2 * d * (d + 2 * dKV) + 2 * T * d + 3 * Double(heads) * T + 2 * T * d + 2 * d * d
      + 2 * (swiglu ? 3 : 2) * d * dFF
    return 2 * V * d + Double(layers) * perLayer + 2 * d * V
  }
  public var chinchillaTrainingFlopsPerToken: Double { 3 * chinchillaForwardFlopsPerToken }

  /// The 6N shortcut with N including embeddings (the Chinchilla convention for N).
  public var sixNTotal: Double { 6 * totalParams }
  /// The 6N shortcut with N non-embedding (Kaplan's convention).
  public var sixNNonEmbedding: Double { 6 * nonEmbeddingParams }

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
