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
