/// `scaling predict --fit HPARAMS.json --params N --tokens D`: the advice for one run.
extension HyperparameterAdvice {
  public func text(params N: Double, tokens D: Double) -> String {
    func iv(_ i: (Double, Double)?, _ f: (Double) -> String) -> String { i.map { "  [\(f($0.0)), \(f($0.1))]" } ?? "" }
    var s = "[[Hyperparameters]] \(law)\n"
    s += "    parameters N = \(shortCount(N)) (\(number("%.4g", N)))\n"
    s += "    tokens D     = \(shortCount(D)) (\(number("%.4g", D)))\n"
    s += "    peak LR      = \(number("%.4g", learningRate))\(iv(learningRateInterval) { number("%.3g", $0) })\n"
    if let b = batchTokens { s += "    batch        = \(shortCount(b)) tokens (\(number("%.4g", b)))\(iv(batchTokensInterval, shortCount))\n" }
    for n in notes { s += "    note         = \(n.isWarning ? "WARNING: " : "")\(n.text)\n" }
    return s
  }

  public func json(params N: Double, tokens D: Double) -> JSONValue {
    func pair(_ i: (Double, Double)?) -> JSONValue { i.map { .array([.num($0.0), .num($0.1)]) } ?? .null }
    return .object([
      ("law", .string(law)), ("params", .num(N)), ("tokens", .num(D)), ("learning_rate", .num(learningRate)),
      ("learning_rate_interval", pair(learningRateInterval)), ("batch_tokens", batchTokens.map { .num($0) } ?? .null),
      ("batch_tokens_interval", pair(batchTokensInterval)),
      ("notes", .array(notes.map { .string(($0.isWarning ? "WARNING: " : "") + $0.text) })),
    ])
  }

  public func csv(params N: Double, tokens D: Double) -> String {
    let r = [
      law, csvNumber(N), csvNumber(D), csvNumber(learningRate), learningRateInterval.map { csvNumber($0.0) } ?? "",
      learningRateInterval.map { csvNumber($0.1) } ?? "", batchTokens.map(csvNumber) ?? "", batchTokensInterval.map { csvNumber($0.0) } ?? "",
      batchTokensInterval.map { csvNumber($0.1) } ?? "",
    ]
    return "law,params,tokens,learning_rate,learning_rate_lower,learning_rate_upper,batch_tokens,batch_tokens_lower,batch_tokens_upper\n"
      + r.map(csvEscape).joined(separator: ",") + "\n"
  }
}
