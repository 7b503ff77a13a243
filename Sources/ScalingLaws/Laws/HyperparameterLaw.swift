import Foundation

/// A law of the compute-optimal peak learning rate η* and batch size B* (in tokens) of a run
/// of N parameters on D tokens, each a power law a · N^n · D^d · C^c with C = 6ND: a published
/// set (`steplaw`, `deepseek`) or one fitted to a sweep (`scaling hparams`), with bootstrap
/// samples of the fitted coefficients and the loss surface's curvature where a fit gives them.
public struct HyperparameterLaw: Sendable {
  /// a · N^n · D^d · C^c, C = 6ND.
  public struct PowerLaw: Sendable, Equatable {
    public var coefficient: Double
    public var paramsExponent: Double
    public var tokensExponent: Double
    public var flopsExponent: Double

    public init(coefficient: Double, params: Double = 0, tokens: Double = 0, flops: Double = 0) {
      self.coefficient = coefficient
      paramsExponent = params
      tokensExponent = tokens
      flopsExponent = flops
    }

    public func value(params N: Double, tokens D: Double) -> Double {
      coefficient * pow(N, paramsExponent) * pow(D, tokensExponent) * pow(6 * N * D, flopsExponent)
    }

    /// The law as text, e.g. `1.79 N^-0.713 D^0.307`.
    public var text: String {
      var s = number("%.6g", coefficient)
      for (name, e) in [("N", paramsExponent), ("D", tokensExponent), ("C", flopsExponent)] where e != 0 {
        s += " \(name)^\(number("%.4g", e))"
      }
      return s
    }
  }

  /// The loss penalty of a miss, relative to the optimum's loss: ΔL/L ≈ kη (ln η/η*)² +
  /// kB (ln B/B*)² + kηB ln(η/η*) ln(B/B*) (the fitted quadratic surface of a typical cell).
  public struct Curvature: Sendable, Equatable {
    public var learningRate: Double
    public var batch: Double
    public var cross: Double

    public init(learningRate: Double, batch: Double, cross: Double) {
      self.learningRate = learningRate
      self.batch = batch
      self.cross = cross
    }

    /// ΔL/L at log-ratios u = ln(η/η*), v = ln(B/B*).
    public func penalty(_ u: Double, _ v: Double) -> Double {
      max(0, learningRate * u * u + batch * v * v + cross * u * v)
    }
  }

  public var name: String
  public var source: String
  /// What N, D, C and the batch mean for this law.
  public var definitions: String
  public var learningRate: PowerLaw
  /// nil: the law says nothing about the batch (a sweep with one batch size).
  public var batch: PowerLaw?
  /// Bootstrap samples of the two laws (a fit with `--bootstrap`).
  public var samples: [(learningRate: PowerLaw, batch: PowerLaw?)] = []
  public var curvature: Curvature? = nil
  /// The N and D the law was fitted on (nil: published, ranges in its source).
  public var paramsRange: ClosedRange<Double>? = nil
  public var tokensRange: ClosedRange<Double>? = nil

  public init(name: String, source: String, definitions: String, learningRate: PowerLaw, batch: PowerLaw?) {
    self.name = name
    self.source = source
    self.definitions = definitions
    self.learningRate = learningRate
    self.batch = batch
  }

  /// Li et al. 2025, "Predictable Scale: Part I" (StepLaw, arXiv 2503.04715), from ~3,700 runs:
  /// η* = 1.79 N^-0.713 D^0.307, B* = 0.58 D^0.571 tokens, N non-embedding parameters.
  public static let steplaw = HyperparameterLaw(
    name: "steplaw",
    source: "Li et al. 2025, Predictable Scale: Part I, Step Law (arXiv 2503.04715): eta* = 1.79 N^-0.713 D^0.307, B* = 0.58 D^0.571 tokens",
    definitions: "N non-embedding parameters, D training tokens, B the batch in tokens, eta the peak learning rate (AdamW, warm-up then decay); the plan's N is used as given",
    learningRate: PowerLaw(coefficient: 1.79, params: -0.713, tokens: 0.307),
    batch: PowerLaw(coefficient: 0.58, tokens: 0.571))

  /// DeepSeek-AI 2024, "DeepSeek LLM" (arXiv 2401.02954) eq. 1: η* = 0.3118 C^-0.125,
  /// B* = 0.2920 C^0.3271 tokens, with C = M·D, M the non-embedding FLOPs per token; here C is
  /// the plan's 6ND (M ≈ 6N when attention's share of the FLOPs is small).
  public static let deepseek = HyperparameterLaw(
    name: "deepseek",
    source: "DeepSeek-AI 2024, DeepSeek LLM (arXiv 2401.02954) eq. 1: eta* = 0.3118 C^-0.1250, B* = 0.2920 C^0.3271 tokens",
    definitions: "C = M D in FLOPs with M the non-embedding FLOPs per token (72 n_layer d_model^2 + 12 n_layer d_model l_seq); here C = 6ND, the plan's compute; B in tokens",
    learningRate: PowerLaw(coefficient: 0.3118, flops: -0.125),
    batch: PowerLaw(coefficient: 0.2920, flops: 0.3271))

  public static let named: [HyperparameterLaw] = [steplaw, deepseek]

  public static func named(_ name: String) -> HyperparameterLaw? { named.first { $0.name == name } }

  /// The law's advice for a run of N parameters on D tokens: η*, B* in tokens (and sequences of
  /// `sequenceLength`), percentile intervals at `confidence` from the samples, and notes (an
  /// extrapolation beyond the fitted N or D by more than 10x).
  public func advice(params N: Double, tokens D: Double, sequenceLength: Double? = nil, confidence: Double = 0.95) -> HyperparameterAdvice {
    var a = HyperparameterAdvice(law: name, learningRate: learningRate.value(params: N, tokens: D), batchTokens: batch?.value(params: N, tokens: D))
    a.sequenceLength = sequenceLength
    if samples.count >= 2 {
      let q = (1 - confidence) / 2
      let lr = samples.map { $0.learningRate.value(params: N, tokens: D) }.filter(\.isFinite)
      if lr.count >= 2 { a.learningRateInterval = (percentile(lr, q), percentile(lr, 1 - q)) }
      let b = samples.compactMap { $0.batch?.value(params: N, tokens: D) }.filter(\.isFinite)
      if b.count >= 2 { a.batchTokensInterval = (percentile(b, q), percentile(b, 1 - q)) }
    }
    for (what, value, range) in [("N", N, paramsRange), ("D", D, tokensRange)] {
      guard let r = range else { continue }
      if value > 10 * r.upperBound || value < r.lowerBound / 10 {
        let factor = value > r.upperBound ? value / r.upperBound : r.lowerBound / value
        a.notes.append(
          .warning("\(what) = \(shortCount(value)) is \(number("%.3g", factor))x beyond the \(shortCount(r.lowerBound))-\(shortCount(r.upperBound)) the hyperparameter law \(name) was fitted on: an extrapolation"))
      }
    }
    return a
  }

  /// The expected loss penalty (relative) of training at `other`'s setting where this law's is
  /// optimal, by this law's curvature (nil without one).
  public func penalty(of other: HyperparameterAdvice, against mine: HyperparameterAdvice) -> Double? {
    guard let k = curvature else { return nil }
    let u = log(other.learningRate / mine.learningRate)
    var v = 0.0
    if let b = other.batchTokens, let m = mine.batchTokens { v = log(b / m) }
    return k.penalty(u, v)
  }
}
