import Foundation

/// The two-step model ladder (Bhagia et al. 2024, arXiv 2412.04403): step 1 fits a task loss
/// from (N, D) with a loss law, step 2 fits the task metric against the task loss with a sigmoid
/// over the small models' checkpoints, and the chain predicts the metric of held-out (larger)
/// models from N and D alone, with intervals from pairing the two fits' bootstrap resamples.
public struct Ladder: Sendable {
  /// Step 1 (a loss law of the task loss) and step 2 (the sigmoid), each with the same holdout
  /// and bootstrap settings.
  public var step1: FitAnalysis
  public var step2: FitAnalysis

  public init(step1: FitAnalysis, step2: FitAnalysis) {
    self.step1 = step1
    self.step2 = step2
  }

  /// One predicted row: a held-out point of step 1 (every point without a holdout).
  public struct Row: Sendable {
    public var line: Int
    public var run: String?
    public var step: Double?
    public var params: Double
    public var tokens: Double
    public var isFinal: Bool
    public var observedX: Double
    /// Step 1 alone: the predicted task loss.
    public var predictedX: Double
    public var observedY: Double?
    /// Step 2 alone: the sigmoid at the observed task loss.
    public var step2Alone: Double
    /// Both steps: the sigmoid at the predicted task loss, with its percentile interval.
    public var chained: Double
    public var interval: (Double, Double)?
  }

  public struct Result: Sendable {
    public var step1: LawFit
    public var step2: LawFit
    public var rows: [Row]
    /// Whether the rows are held out (false: every row, in sample).
    public var heldOut: Bool
    /// Whether the task scales predictably at this ladder's size (``Predictability``); an
    /// unpredictable task's chained intervals are widened to its chance-to-ceiling range.
    public var predictability: Predictability? = nil

    /// Mean and max of |error| over rows with an observation, all rows or the final checkpoints.
    public func summary(_ error: (Row) -> Double?, finalsOnly: Bool = false) -> (mean: Double, max: Double, count: Int)? {
      let e = rows.filter { !finalsOnly || $0.isFinal }.compactMap(error).map(abs)
      guard !e.isEmpty else { return nil }
      return (e.reduce(0, +) / Double(e.count), e.max()!, e.count)
    }
    public static func step1Error(_ r: Row) -> Double? { (r.predictedX - r.observedX) / r.observedX }
    public static func step2Error(_ r: Row) -> Double? { r.observedY.map { r.step2Alone - $0 } }
    public static func chainedError(_ r: Row) -> Double? { r.observedY.map { r.chained - $0 } }
  }

  /// Fits both steps and chains them. `lossData` holds the task loss as its loss (step 1's
  /// columns); `metricData` the same file read as the metric y against the task loss x.
  public func run(lossData: Dataset, metricData: Dataset) throws -> Result {
    guard step2.fitOptions.law.isMetricLaw, !step1.fitOptions.law.isMetricLaw else {
      throw FitError("the ladder's step 1 is a loss law and its step 2 a metric law (sigmoid)")
    }
    let fit1 = try step1.run(lossData)
    let fit2 = try step2.run(metricData)
    var rows = Array(0..<lossData.count)
    if let h = step1.holdout { rows = rows.filter { h.isHeldOut(lossData, $0) } }
    let target = lossData.subset(rows)
    let predictor = PointPredictor(law: step1.fitOptions.resolved(for: lossData).makeLaw(), dataset: target)
    let predictedX = predictor(fit1.parameters)
    let xSamples = (fit1.bootstrap?.samples ?? []).map { predictor($0) }
    let (chained, samples) = Prediction.chain(
      main: predictedX, samples: xSamples, parameters: fit2.parameters, parameterSamples: fit2.bootstrap?.samples ?? [])
    var metricAt: [Int: (x: Double, y: Double)] = [:]
    for i in 0..<metricData.count { metricAt[metricData.lines[i]] = (metricData.x?[i] ?? .nan, metricData.loss[i]) }
    let finals = Set(target.run.map { runs in
      lastCheckpoints(runs: runs, rows: Array(0..<target.count)) { target.step?[$0] ?? target.tokens[$0] }
    } ?? Array(0..<target.count))
    let training = step2.holdout.map { h in (0..<metricData.count).filter { !h.isHeldOut(metricData, $0) } } ?? Array(0..<metricData.count)
    let predictability = Predictability.assess(metricData: metricData, training: training, fit: fit2, options: step2.fitOptions)
    let confidence = step2.bootstrap?.confidence ?? step1.bootstrap?.confidence ?? 0.95
    let lo = (1 - confidence) / 2
    let out = (0..<target.count).map { k -> Row in
      var interval: (Double, Double)? = nil
      let values = samples.map { $0[k] }.filter { $0.isFinite }
      if !values.isEmpty { interval = (percentile(values, lo), percentile(values, 1 - lo)) }
      if !predictability.predictable { interval = (predictability.range.lowerBound, predictability.range.upperBound) }
      let observedX = target.loss[k]
      return Row(
        line: target.lines[k], run: target.run?[k], step: target.step?[k], params: target.params[k],
        tokens: target.tokens[k], isFinal: finals.contains(k), observedX: observedX, predictedX: predictedX[k],
        observedY: metricAt[target.lines[k]]?.y, step2Alone: SigmoidLaw.metric(fit2.parameters, x: observedX),
        chained: chained[k], interval: interval)
    }
    return Result(step1: fit1, step2: fit2, rows: out, heldOut: step1.holdout != nil, predictability: predictability)
  }
}
