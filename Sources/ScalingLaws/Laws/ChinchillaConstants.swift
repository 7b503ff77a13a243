import Foundation

/// Constants of a Chinchilla-form law L(N, D) = E + A/N^α + B/D^β, with where they come from.
public struct ChinchillaConstants: Sendable, Equatable {
  public var name: String
  public var source: String
  public var E: Double
  public var A: Double
  public var B: Double
  public var alpha: Double
  public var beta: Double
  /// For constants fitted to data: the fit's warnings, the lowest loss, the largest compute and
  /// the range of tokens per parameter observed. Every plan made with them repeats the warnings
  /// and flags answers beyond the data.
  public var fitWarnings: [String] = []
  public var observedLossMin: Double? = nil
  public var observedFlopsMax: Double? = nil
  public var observedTokensPerParam: ClosedRange<Double>? = nil

  /// Records what a fit saw (its warnings, lowest loss, largest compute, tokens-per-parameter
  /// range), which every plan made with these constants repeats and checks against.
  public mutating func observe(warnings: [String], lossMin: Double?, flopsMax: Double?, tokensPerParam: ClosedRange<Double>?) {
    fitWarnings = warnings
    observedLossMin = lossMin
    observedFlopsMax = flopsMax
    observedTokensPerParam = tokensPerParam
  }

  /// `observe` from the data a fit was made on.
  public mutating func observe(_ d: Dataset, warnings: [String]) {
    observe(
      warnings: warnings, lossMin: d.loss.min(), flopsMax: d.flops.filter { $0.isFinite }.max(),
      tokensPerParam: d.tokensPerParamRange)
  }

  public init(name: String, source: String, E: Double, A: Double, B: Double, alpha: Double, beta: Double) {
    self.name = name
    self.source = source
    self.E = E
    self.A = A
    self.B = B
    self.alpha = alpha
    self.beta = beta
  }

  /// The parameter names of a Chinchilla fit these constants are read from.
  public static let parameterNames = ["E", "A", "B", "alpha", "beta"]

  /// Besiroglu, Erdil, Barnett & You 2024 ("Chinchilla Scaling: A replication attempt"),
  /// paper headline values (SCALING_REFERENCE.md §3.3). The default.
  public static let epoch = ChinchillaConstants(
    name: "chinchilla-epoch",
    source: "Besiroglu et al. 2024, Chinchilla Scaling: A replication attempt (arXiv 2404.10102), headline fit",
    E: 1.8172, A: 482.01, B: 2085.43, alpha: 0.3478, beta: 0.3658)

  /// Hoffmann et al. 2022 eq. 10 as printed (rounded; biased towards many tokens per parameter).
  public static let hoffmann = ChinchillaConstants(
    name: "chinchilla-hoffmann",
    source: "Hoffmann et al. 2022, Training Compute-Optimal LLMs (arXiv 2203.15556), eq. 10 as printed",
    E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28)

  /// Hoffmann et al. 2022, the unrounded values of the TeX source (as used by Epoch).
  public static let hoffmannUnrounded = ChinchillaConstants(
    name: "chinchilla-hoffmann-unrounded",
    source: "Hoffmann et al. 2022 eq. 10, unrounded TeX-source values (Epoch's true_params)",
    E: 1.69337368, A: 406.401018, B: 410.722827, alpha: 0.33917084, beta: 0.2849083)

  /// Muennighoff et al. 2023 ("Scaling Data-Constrained Language Models") C4 refit, α = β tied.
  public static let muennighoffC4 = ChinchillaConstants(
    name: "muennighoff-c4",
    source: "Muennighoff et al. 2023, Scaling Data-Constrained LMs (arXiv 2305.16264), C4 fit (datablations README)",
    E: exp(0.6254804), A: exp(6.255414), B: exp(7.3049974), alpha: 0.3526596, beta: 0.3526596)

  public static let named: [ChinchillaConstants] = [epoch, hoffmann, hoffmannUnrounded, muennighoffC4]

  // MARK: Closed forms (Hoffmann et al. 2022 eq. 4; SCALING_REFERENCE.md §4)

  /// a = β/(α+β): N_opt ∝ C^a.
  public var a: Double { beta / (alpha + beta) }
  /// b = α/(α+β): D_opt ∝ C^b.
  public var b: Double { alpha / (alpha + beta) }
  /// G = (αA/(βB))^(1/(α+β)).
  public var G: Double { pow(alpha * A / (beta * B), 1 / (alpha + beta)) }
  /// K = A G^(−α) + B G^β, so that L*(C) = E + K (C/6)^(−αβ/(α+β)).
  public var K: Double { A * pow(G, -alpha) + B * pow(G, beta) }

  public func loss(params N: Double, tokens D: Double) -> Double {
    E + A / pow(N, alpha) + B / pow(D, beta)
  }

  /// Compute-optimal parameters for a budget C (FLOPs, C = 6ND).
  public func optimalParams(flops C: Double) -> Double { G * pow(C / 6, a) }
  public func optimalTokens(flops C: Double) -> Double { pow(C / 6, b) / G }
  /// The loss of the compute-optimal model: L*(C).
  public func optimalLoss(flops C: Double) -> Double {
    E + K * pow(C / 6, -alpha * beta / (alpha + beta))
  }
  /// The inverse of L*(C): the least compute that reaches loss L (L must exceed E).
  public func flops(forLoss L: Double) -> Double {
    6 * pow((L - E) / K, -(alpha + beta) / (alpha * beta))
  }
  /// Compute-optimal tokens for a fixed model size: D_opt(N) = G^(−1−b/a) N^(b/a).
  public func optimalTokens(params N: Double) -> Double {
    pow(G, -1 - b / a) * pow(N, b / a)
  }
  /// Compute-optimal model size for a fixed number of tokens (the inverse of the above).
  public func optimalParams(tokens D: Double) -> Double {
    pow(D * pow(G, 1 + b / a), a / b)
  }
  /// The tokens a model of N parameters needs to reach loss L, or nil when L is at or below
  /// that size's floor E + A/N^α.
  public func tokens(params N: Double, loss L: Double) -> Double? {
    let r = L - E - A / pow(N, alpha)
    guard r > 0 else { return nil }
    return pow(B / r, 1 / beta)
  }
}
