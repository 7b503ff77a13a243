import Fitting
import Foundation

/// Lifetime dollars instead of lifetime FLOPs: train a model to the loss ℓ, then generate T
/// output tokens with it. For each candidate N the tokens D(N) come from the Chinchilla law at ℓ,
/// training costs 6·N·D(N) FLOPs at the training hardware's MFU and price, and inference costs
/// T × the serving model's dollars per output token (``ServingModel``: the shape proposed near N,
/// the chosen weight and KV precision, batch and GPUs). Serving cost is not smooth in N (shapes
/// and the batch that fits change in steps), so the minimum is found on a 600-point log grid of N
/// from the smallest model that can reach ℓ up to e¹² times it, refined by golden-section search
/// between the grid neighbours of the best point.
public struct ServingAwarePlanner: Sendable {
  public var constants: ChinchillaConstants
  public var training: Hardware
  public var serving: ServingModel.Configuration
  /// SwiGLU shapes for the serving model's proposal.
  public var swiglu = false
  /// Serve mixtures of experts of this family instead of dense models (training FLOPs
  /// 6·N_active·D; the served shape's own weights and expert reads).
  public var template: ExpertTemplate?

  public init(constants: ChinchillaConstants, training: Hardware, serving: ServingModel.Configuration) {
    self.constants = constants
    self.training = training
    self.serving = serving
  }

  public struct Option: Sendable {
    public var params: Double
    public var tokens: Double
    public var trainingFlops: Double
    public var trainingUSD: Double
    public var usdPerMillionOutputTokens: Double
    public var inferenceUSD: Double
    public var totalUSD: Double { trainingUSD + inferenceUSD }
    public var shape: TransformerShape
    public var estimate: ServingModel.Estimate
    /// Parameters held and used per token (both N for a dense model).
    public var totalParams: Double
    public var activeParams: Double
  }

  public struct Result: Sendable {
    public var outputTokens: Double
    public var best: Option
    /// The Chinchilla (training-compute-optimal) model reaching the same loss, served the same way.
    public var chinchilla: Option
    public var savingUSD: Double { chinchilla.totalUSD - best.totalUSD }
    public var savingFraction: Double { savingUSD / chinchilla.totalUSD }
  }

  /// The cost of reaching `loss` with N parameters and serving T output tokens (nil if N cannot
  /// reach the loss, or its weights do not fit the serving GPUs).
  public func option(params N: Double, loss: Double, outputTokens T: Double) -> Option? {
    guard let D = constants.tokens(params: N, loss: loss), D.isFinite, D > 0 else { return nil }
    guard let price = training.usdPerGPUHour else { return nil }
    let shape: TransformerShape
    let model: ServingModel
    var active = N, total = N
    if let t = template {
      shape = t.shape(near: N)
      model = ServingModel(shape: shape)
      (total, active) = t.counts(lawN: N, activeFraction: shape.activeParams / shape.totalParams)
    } else {
      shape = TransformerShape.proposal(near: N, swiglu: swiglu)
      model = ServingModel(params: N, shape: shape)
    }
    guard let e = try? model.estimate(serving), let perMillion = e.usdPerMillionOutputTokens else { return nil }
    let C = 6 * active * D
    let trainingUSD = training.gpuHours(flops: C) * price
    return Option(
      params: N, tokens: D, trainingFlops: C, trainingUSD: trainingUSD, usdPerMillionOutputTokens: perMillion,
      inferenceUSD: T / 1e6 * perMillion, shape: shape, estimate: e, totalParams: total, activeParams: active)
  }

  public func plan(loss target: Double, outputTokens T: Double) throws -> Result {
    let c = constants
    guard target > c.E else {
      throw FitError("\(OptionName.targetLoss) \(target) is at or below the law's irreducible loss E = \(c.E)")
    }
    guard training.usdPerGPUHour != nil, serving.usdPerGPUHour != nil else {
      throw FitError("\(OptionName.serving) needs \(OptionName.usdPerGPUHour) (the dollar objective)")
    }
    try ServingModel.validate(serving)
    let uMin = log(pow(c.A / (target - c.E), 1 / c.alpha)) + 1e-6
    let count = 600
    let us = (0..<count).map { uMin + 12 * Double($0) / Double(count - 1) }
    let costs = us.map { option(params: exp($0), loss: target, outputTokens: T)?.totalUSD ?? .infinity }
    guard let i = costs.indices.min(by: { costs[$0] < costs[$1] }), costs[i].isFinite else {
      throw FitError(
        "no model size between \(shortCount(exp(uMin))) and \(shortCount(exp(uMin + 12))) parameters can be served on \(serving.gpus) x \(serving.gpu.name) with these settings (the weights or the batch do not fit)")
    }
    let lo = us[max(0, i - 1)], hi = us[min(count - 1, i + 1)]
    let (u, fu) = Scalar.minimize(in: lo...hi, tolerance: 1e-9) {
      option(params: exp($0), loss: target, outputTokens: T)?.totalUSD ?? .infinity
    }
    let bestU = fu < costs[i] ? u : us[i]
    // The comparison: the Chinchilla (training-optimal) N at this loss, served the same way.
    let C0 = c.flops(forLoss: target)
    guard let best = option(params: exp(bestU), loss: target, outputTokens: T) else {
      throw FitError("the serving-aware optimum could not be evaluated")
    }
    guard let chin = option(params: c.optimalParams(flops: C0), loss: target, outputTokens: T) else {
      throw FitError(
        "the Chinchilla-optimal model (\(shortCount(c.optimalParams(flops: C0))) parameters) cannot be served on \(serving.gpus) x \(serving.gpu.name) with these settings")
    }
    return Result(outputTokens: T, best: best, chinchilla: chin)
  }
}
