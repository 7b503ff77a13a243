/// One planner answer: a model size, a token count, their compute and the predicted loss.
public struct Allocation: Sendable {
  /// The question, e.g. "flops", "target-loss", "params", "tokens".
  public var query: String
  public var flops: Double
  public var params: Double
  public var tokens: Double
  public var loss: Double
  /// Bootstrap intervals by key ("params", "tokens", "loss", "flops"), when the law has samples.
  public var intervals: [String: (Double, Double)] = [:]
  public var notes: [PlanNote] = []
  public var inference: InferenceAwarePlanner.Result? = nil
  /// The dollar objective with a serving model (`--serving`).
  public var serving: ServingAwarePlanner.Result? = nil
  /// The mixture-of-experts reading of the answer (`--experts`).
  public var experts: ExpertAllocation? = nil
  /// Unique tokens and epochs for a data-constrained plan.
  public var uniqueTokens: Double? = nil
  /// The values the plan chose for a fitted law's chosen inputs (`--choose E=1:64`); their
  /// intervals are under "input:NAME".
  public var inputs: [String: Double] = [:]
  /// The peak learning rate and batch for this run (`--hparams`); their intervals are under
  /// "learning_rate" and "batch_tokens".
  public var hyperparameters: HyperparameterAdvice? = nil

  public var tokensPerParam: Double { tokens / params }
  public var epochs: Double? { uniqueTokens.map { tokens / $0 } }

  public init(query: String, flops: Double, params: Double, tokens: Double, loss: Double) {
    self.query = query
    self.flops = flops
    self.params = params
    self.tokens = tokens
    self.loss = loss
  }
}

extension Allocation {
  /// The answer with `law`'s learning rate and batch at its N and D; against a fitted law, the
  /// published sets' settings with the loss each would cost by the fit's curvature.
  public func advised(by law: HyperparameterLaw, sequenceLength: Double? = nil, confidence: Double = 0.95) -> Allocation {
    var a = self
    var h = law.advice(params: params, tokens: tokens, sequenceLength: sequenceLength, confidence: confidence)
    if law.curvature != nil {
      for p in HyperparameterLaw.named {
        let other = p.advice(params: params, tokens: tokens)
        h.alternatives.append((p.name, other.learningRate, other.batchTokens, law.penalty(of: other, against: h)))
      }
    }
    if let i = h.learningRateInterval { a.intervals["learning_rate"] = i }
    if let i = h.batchTokensInterval { a.intervals["batch_tokens"] = i }
    for n in h.notes { a.notes.append(n.isWarning ? .warning(n.text) : PlanNote(.note, n.text)) }
    for alt in h.alternatives {
      var t = "\(alt.law) would train at peak LR \(number("%.3g", alt.learningRate)) (\(number("%.2f", alt.learningRate / h.learningRate))x the fitted)"
      if let b = alt.batchTokens, let m = h.batchTokens { t += " and batch \(shortCount(b)) tokens (\(number("%.2f", b / m))x)" }
      if let pen = alt.penalty { t += ": +\(number("%.2g", 100 * pen))% loss by the fitted curvature" }
      a.notes.append(PlanNote(.note, t))
    }
    a.hyperparameters = h
    return a
  }
}
