/// The data a law is fitted to, in logs: ln N, ln D, ln C and y = ln L per point.
public struct LogData: Sendable {
  public let logParams: [Double]
  public let logTokens: [Double]
  public let logFlops: [Double]
  public let logLoss: [Double]
  public let loss: [Double]
  public let steps: [Double]?
  /// ln S per point (NaN without a step column; −∞ at step 0).
  public let logSteps: [Double]

  public var count: Int { logLoss.count }

  public init(_ d: Dataset) {
    logParams = d.params.map { $0.isNaN ? .nan : Foundation.log($0) }
    logTokens = d.tokens.map { $0.isNaN ? .nan : Foundation.log($0) }
    logFlops = d.flops.map { $0.isNaN ? .nan : Foundation.log($0) }
    logLoss = d.loss.map { Foundation.log($0) }
    loss = d.loss
    steps = d.step
    logSteps = d.step.map { $0.map { Foundation.log($0) } } ?? [Double](repeating: .nan, count: d.count)
  }
}

import Foundation
