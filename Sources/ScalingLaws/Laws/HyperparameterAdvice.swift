/// What a hyperparameter law says for one run: the peak learning rate, the batch in tokens (and
/// in sequences when a sequence length is given), their intervals, and the published sets'
/// settings with the loss each would cost against a fitted law.
public struct HyperparameterAdvice: Sendable {
  /// The law's name (`steplaw`, `deepseek`, or the fit file).
  public var law: String
  public var learningRate: Double
  /// Tokens per optimiser step (nil: the law has no batch part).
  public var batchTokens: Double?
  public var sequenceLength: Double? = nil
  public var learningRateInterval: (Double, Double)? = nil
  public var batchTokensInterval: (Double, Double)? = nil
  /// Published sets at the same run, with the relative loss penalty of using their setting by
  /// the fitted law's curvature (a fitted law only).
  public var alternatives: [(law: String, learningRate: Double, batchTokens: Double?, penalty: Double?)] = []
  /// Extrapolation warnings and the like, in the plan's notes.
  public var notes: [Note] = []

  public struct Note: Sendable, Equatable {
    public var isWarning: Bool
    public var text: String
    public static func warning(_ text: String) -> Note { Note(isWarning: true, text: text) }
    public static func note(_ text: String) -> Note { Note(isWarning: false, text: text) }
  }

  public init(law: String, learningRate: Double, batchTokens: Double?) {
    self.law = law
    self.learningRate = learningRate
    self.batchTokens = batchTokens
  }

  /// The batch in sequences (nil without a sequence length or a batch).
  public var batchSequences: Double? {
    guard let b = batchTokens, let s = sequenceLength, s > 0 else { return nil }
    return b / s
  }
}
