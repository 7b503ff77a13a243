/// Multi-head latent attention (DeepSeek-V2/V3): keys and values are compressed into one latent of
/// `kvRank` per token and layer, plus a decoupled RoPE key of `ropeDim` shared by the heads; the
/// cache holds exactly those kvRank + ropeDim numbers per layer and token. Queries go through a
/// low-rank `qRank` projection when it is set (V3: 1536).
///
/// Weights per layer (heads h, head dimension d_h for the no-RoPE query/key part and the values):
/// queries d·q_r + q_r·h·(d_h + rope) (or d·h·(d_h + rope) without q_r), the latent and RoPE key
/// d·(kv_r + rope), keys and values up from the latent kv_r·h·2d_h, the output h·d_h·d.
public struct LatentAttention: Sendable, Equatable, Hashable {
  public var kvRank: Int
  public var ropeDim: Int
  public var qRank: Int?

  public init(kvRank: Int, ropeDim: Int, qRank: Int? = nil) {
    self.kvRank = kvRank
    self.ropeDim = ropeDim
    self.qRank = qRank
  }
}
