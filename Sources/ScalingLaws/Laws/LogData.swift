/// The data a law is fitted to, in logs: ln N, ln D, ln C and y = ln L per point. For a metric
/// law (`sigmoid`) the response is the metric itself, on the linear scale, against `x`.
public struct LogData: Sendable {
  public let logParams: [Double]
  public let logTokens: [Double]
  public let logFlops: [Double]
  /// The response each residual is measured against: ln L for a loss law, the metric y for a
  /// metric law.
  public let logLoss: [Double]
  /// The metric law's predictor x per point (NaN without one).
  public let x: [Double]
  public let loss: [Double]
  public let steps: [Double]?
  /// ln S per point (NaN without a step column; −∞ at step 0).
  public let logSteps: [Double]
  /// Learning-rate-schedule inputs (laws over whole curves).
  public let curve: CurveFeatures?
  /// The multi-power law's quadrature nodes (built with the curve features).
  public let multiPowerNodes: MultiPowerNodes?
  /// ln of the curve's token area S1_tok and of its area S1 per point (empty without a curve):
  /// taken once here, not on every objective evaluation (they were a third of a chinchilla-lr
  /// bootstrap's time).
  public let logTokenArea: [Double]
  public let logArea: [Double]
  /// A formula law's inputs per point, in the law's order (``ScalingLaw/inputColumns(_:)``;
  /// empty for the built-in laws).
  public let inputs: [[Double]]

  public var count: Int { logLoss.count }

  private init(
    logParams: [Double], logTokens: [Double], logFlops: [Double], logLoss: [Double], loss: [Double],
    steps: [Double]?, logSteps: [Double], curve: CurveFeatures?, nodes: Bool, x: [Double], inputs: [[Double]]
  ) {
    self.x = x
    self.inputs = inputs
    self.curve = curve
    logTokenArea = curve?.tokenArea.map { Foundation.log($0) } ?? []
    logArea = curve?.area.map { Foundation.log($0) } ?? []
    multiPowerNodes = nodes ? curve.map { MultiPowerNodes($0) } : nil
    self.logParams = logParams
    self.logTokens = logTokens
    self.logFlops = logFlops
    self.logLoss = logLoss
    self.loss = loss
    self.steps = steps
    self.logSteps = logSteps
  }

  /// Every k-th point, with k the smallest stride that leaves at most `maxCount` points (all
  /// points when there are no more than that). Used only to rank the cells of a start grid.
  public func strided(maxCount: Int) -> LogData {
    guard count > maxCount else { return self }
    let k = (count + maxCount - 1) / maxCount
    let idx = Array(Swift.stride(from: 0, to: count, by: k))
    func pick(_ a: [Double]) -> [Double] { idx.map { a[$0] } }
    return LogData(
      logParams: pick(logParams), logTokens: pick(logTokens), logFlops: pick(logFlops),
      logLoss: pick(logLoss), loss: pick(loss), steps: steps.map(pick), logSteps: pick(logSteps),
      curve: curve?.subset(idx), nodes: multiPowerNodes != nil, x: pick(x), inputs: inputs.map(pick))
  }

  /// The log data of `d`; the multi-power law's quadrature nodes are built only for that law
  /// (`law: .multiPower`).
  public init(_ d: Dataset, law: LawKind? = nil) {
    self.init(d, law: law, linear: law?.isMetricLaw == true, inputs: [])
  }

  /// The data as `law` reads them: its response scale and its own input columns.
  public init(_ d: Dataset, for law: any ScalingLaw) {
    self.init(d, law: law.kind, linear: law.linearResponse, inputs: law.inputColumns(d))
  }

  private init(_ d: Dataset, law: LawKind?, linear: Bool, inputs: [[Double]]) {
    self.inputs = inputs
    logParams = d.params.map { $0.isNaN ? .nan : Foundation.log($0) }
    logTokens = d.tokens.map { $0.isNaN ? .nan : Foundation.log($0) }
    logFlops = d.flops.map { $0.isNaN ? .nan : Foundation.log($0) }
    logLoss = linear ? d.loss : d.loss.map { Foundation.log($0) }
    x = d.x ?? [Double](repeating: .nan, count: d.count)
    loss = d.loss
    steps = d.step
    logSteps = d.step.map { $0.map { Foundation.log($0) } } ?? [Double](repeating: .nan, count: d.count)
    curve = d.curve
    logTokenArea = d.curve?.tokenArea.map { Foundation.log($0) } ?? []
    logArea = d.curve?.area.map { Foundation.log($0) } ?? []
    multiPowerNodes = law == .multiPower ? d.curve.map { MultiPowerNodes($0) } : nil
  }
}

import Foundation
