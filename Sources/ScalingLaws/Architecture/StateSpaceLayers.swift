/// Mamba (selective state-space) mixer layers, in place of attention in `layers` of the model's
/// layers: inner width expand·d_model, state size `state` per channel, a causal convolution of
/// width `conv`. With `headDim` set the block is Mamba-2 (SSD: heads of `headDim` channels, B and C
/// shared by `groups` groups); without it, Mamba-1 (a per-channel Δ through a rank-`dtRank`
/// projection, ⌈d_model/16⌉ by default).
///
/// Weights per layer (weight matrices and the A and D parameters; no biases or norms):
/// - Mamba-2: in_proj d·(2·d_in + 2·g·N + heads), conv (d_in + 2·g·N)·conv, A, D and Δ bias one per
///   head, out_proj d_in·d.
/// - Mamba-1: in_proj d·2·d_in, conv d_in·conv, x_proj d_in·(r + 2N), dt_proj r·d_in, A d_in·N,
///   D d_in, out_proj d_in·d.
///
/// Recurrent state per sequence and layer, whatever the context: the SSM state d_in·N plus the
/// convolution's last conv − 1 inputs (d_in + 2·g·N channels for Mamba-2, d_in for Mamba-1).
public struct StateSpaceLayers: Sendable, Equatable, Hashable {
  public var layers: Int
  public var state: Int
  public var expand: Int
  public var headDim: Int?
  public var conv: Int
  public var groups: Int
  public var dtRank: Int?

  public init(
    layers: Int, state: Int = 16, expand: Int = 2, headDim: Int? = nil, conv: Int = 4, groups: Int = 1, dtRank: Int? = nil
  ) {
    self.layers = layers
    self.state = state
    self.expand = expand
    self.headDim = headDim
    self.conv = conv
    self.groups = groups
    self.dtRank = dtRank
  }

  public var isMamba2: Bool { headDim != nil }
  func innerWidth(dModel: Int) -> Double { Double(expand * dModel) }

  func paramsPerLayer(dModel: Int) -> Double {
    let d = Double(dModel), dIn = innerWidth(dModel: dModel), N = Double(state)
    if let hd = headDim {
      let heads = dIn / Double(hd), gN = 2 * Double(groups) * N
      return d * (2 * dIn + gN + heads) + (dIn + gN) * Double(conv) + 3 * heads + dIn * d
    }
    let r = Double(dtRank ?? (dModel + 15) / 16)
    return d * 2 * dIn + dIn * Double(conv) + dIn * (r + 2 * N) + r * dIn + dIn * N + dIn + dIn * d
  }

  /// State numbers per sequence and layer (SSM state plus convolution state).
  func stateElementsPerLayer(dModel: Int) -> Double {
    let dIn = innerWidth(dModel: dModel), N = Double(state)
    let convChannels = isMamba2 ? dIn + 2 * Double(groups) * N : dIn
    return dIn * N + convChannels * Double(conv - 1)
  }

  /// The selective scan's FLOPs per token and layer beyond its matmuls: the state update
  /// h ← exp(Δ·A)·h + Δ·B·x (about 4 per state element: exp(Δ·A)·h, Δ·B·x, the sum) and the
  /// read-out y = C·h (2 per state element): 6·d_in·N.
  func scanFlopsPerLayer(dModel: Int) -> Double {
    6 * innerWidth(dModel: dModel) * Double(state)
  }
}
