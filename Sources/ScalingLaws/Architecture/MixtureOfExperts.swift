import Foundation

/// Mixture-of-experts MLP layers: each MoE layer holds `experts` routed experts (plus `shared`
/// always-on experts) and a router d_model × experts; each token goes through `active` of the
/// routed experts. Memory holds every expert; FLOPs follow the active ones.
///
/// Which layers are MoE: the first `denseLayers` layers are dense (DeepSeek-V3's
/// `first_k_dense_replace`), and after them every `every`-th layer is MoE (Jamba's
/// `expert_layer_period` 2 with offset 1: layers 1, 3, 5, …; 1 = every layer, as Mixtral).
public struct MixtureOfExperts: Sendable, Equatable, Hashable {
  public var experts: Int
  public var active: Int
  public var shared: Int
  /// d_ff of one expert (nil: the dense d_ff).
  public var expertFFN: Int?
  public var denseLayers: Int
  public var every: Int

  public init(experts: Int, active: Int, shared: Int = 0, expertFFN: Int? = nil, denseLayers: Int = 0, every: Int = 1) {
    self.experts = experts
    self.active = active
    self.shared = shared
    self.expertFFN = expertFFN
    self.denseLayers = denseLayers
    self.every = every
  }

  /// MoE layers among `layers`: those at index i ≥ denseLayers with (i − denseLayers) mod every = every − 1.
  public func moeLayers(of layers: Int) -> Int {
    let after = max(0, layers - denseLayers)
    return after / every
  }

  /// The expected number of distinct routed experts a batch of B tokens touches in one layer,
  /// E·(1 − (1 − K/E)^B), each token choosing K of E uniformly (a balanced router). It is K at
  /// B = 1 and tends to E as the batch grows: it sets the expert bytes one decode step reads.
  public func expectedExpertsTouched(batch B: Int) -> Double {
    let E = Double(experts), K = Double(active)
    return E * (1 - pow(1 - K / E, Double(max(1, B))))
  }
}
