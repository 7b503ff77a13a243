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
  /// How the steps see the data (``LadderOptions``; all off by default).
  public var options: LadderOptions

  public init(step1: FitAnalysis, step2: FitAnalysis, options: LadderOptions = LadderOptions()) {
    self.step1 = step1
    self.step2 = step2
    self.options = options
  }

  /// The method the backtest inside the ladder chose, with its numbers.
  public struct MethodChoice: Sendable {
    public var method: LadderOptions.Method
    public var twoStepError: Double?
    public var directError: Double?
    public var size: Double?
    public var reason: String
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
    /// The ladder options used (their summary is printed).
    public var options = LadderOptions()
    /// The fitted runs' final scatter around step 2's curve, in the intervals (``Ladder/finalScatter``).
    public var finalScatter: Double = 0
    /// Two steps or direct, and the backtest that chose (with ``LadderOptions/Method/auto``).
    public var choice: MethodChoice? = nil
    /// Whether the metric was predicted by the direct law (then `step1` and `step2` are that one fit).
    public var isDirect: Bool { options.method == .direct || choice?.method == .direct }

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
    var resolved = self
    resolved.options.anchors = options.resolvedAnchors(metricData)
    return try resolved.runResolved(lossData: lossData, metricData: metricData)
  }

  func runResolved(lossData: Dataset, metricData: Dataset) throws -> Result {
    try options.validate()
    var step2 = self.step2
    if let c = options.chance {
      guard step2.fitOptions.fixed["b"] == nil else {
        throw FitError("\(OptionName.chance) fixes the sigmoid's lower level b, which is already fixed")
      }
      let column = metricData.columnName(.y) ?? "metric"
      if let i = metricData.loss.indices.first(where: { !(metricData.loss[$0] >= 0 && metricData.loss[$0] <= 1) }) {
        throw FitError(
          "\(metricData.file):\(metricData.lines[i]): column \(column): \(metricData.loss[i]) is outside [0, 1]; \(OptionName.chance) \(c) fixes the lower level of a metric in [0, 1]")
      }
      step2.fitOptions.fixed["b"] = c
    }
    switch options.method {
    case .direct: return try runDirect(metricData: metricData, step2: step2)
    case .twoStep: return try runTwoStep(lossData: lossData, metricData: metricData, step2: step2)
    case .auto:
      var chain = try runTwoStep(lossData: lossData, metricData: metricData, step2: step2)
      if chain.predictability?.predictable ?? true {
        chain.choice = MethodChoice(
          method: .twoStep, twoStepError: nil, directError: nil, size: nil,
          reason: "two steps: the task scales predictably at this ladder's size")
        return chain
      }
      let choice = try chooseMethod(lossData: lossData, metricData: metricData, step2: step2)
      var r = choice.method == .direct ? try runDirect(metricData: metricData, step2: step2) : chain
      r.choice = choice
      return r
    }
  }

  /// Which of the two ways predicts better here: both refitted without the largest fitted size
  /// (no bootstrap), each predicting that size's final checkpoints; the direct law only when its
  /// mean |error| is lower. Two steps when fewer than three sizes are fitted (nothing to test on).
  func chooseMethod(lossData: Dataset, metricData: Dataset, step2: FitAnalysis) throws -> MethodChoice {
    let fitted = step1.holdout.map { h in (0..<lossData.count).filter { !h.isHeldOut(lossData, $0) } } ?? Array(0..<lossData.count)
    let sizes = Set(fitted.map { lossData.params[$0] }).sorted()
    guard sizes.count >= 3 else {
      return MethodChoice(
        method: .twoStep, twoStepError: nil, directError: nil, size: nil,
        reason: "two steps: \(sizes.count) fitted size\(sizes.count == 1 ? "" : "s"), too few to test the direct law against them (it needs three)")
    }
    let largest = sizes[sizes.count - 1], below = sizes[sizes.count - 2]
    var inner = self
    inner.step1.holdout = .paramsAbove(below)
    inner.step1.bootstrap = nil
    var innerStep2 = step2
    innerStep2.holdout = .paramsAbove(below)
    innerStep2.bootstrap = nil
    inner.step2 = innerStep2
    inner.options.chance = nil  // already in step2's fixed b
    let loss = lossData.subset((0..<lossData.count).filter { lossData.params[$0] <= largest })
    let metric = metricData.subset((0..<metricData.count).filter { metricData.params[$0] <= largest })
    func error(_ r: Ladder.Result?) -> Double? { r?.summary(Result.chainedError, finalsOnly: true)?.mean }
    let two = error(try? inner.runTwoStep(lossData: loss, metricData: metric, step2: innerStep2))
    let direct = error(try? inner.runDirect(metricData: metric, step2: innerStep2))
    let useDirect = (direct ?? .infinity) < (two ?? .infinity)
    func pts(_ e: Double?) -> String { e.map { String(format: "%.2f", 100 * $0) } ?? "no prediction" }
    return MethodChoice(
      method: useDirect ? .direct : .twoStep, twoStepError: two, directError: direct, size: largest,
      reason: "\(useDirect ? "direct" : "two steps"): the task is unpredictable through its task loss here; refitted below \(shortCount(largest)), two steps miss its finals by \(pts(two)) points, the direct law by \(pts(direct))")
  }

  /// The two-step chain (step 1 then step 2).
  func runTwoStep(lossData: Dataset, metricData: Dataset, step2: FitAnalysis) throws -> Result {
    let lossData = try options.step1Data(lossData)
    let fit1 = try step1.run(lossData)
    let fit2 = try step2.run(try options.step2Data(metricData))
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
    let confidence = step2.bootstrap?.confidence ?? step1.bootstrap?.confidence ?? 0.95
    let v = Self.verdict(
      target: target, metric: metricData, fit: fit2, step2: step2, predicted: chained, samples: samples, confidence: confidence)
    let (finals, predictability, scatter) = (v.finals, v.predictability, v.scatter)
    let out = (0..<target.count).map { k -> Row in
      let interval = v.intervals[k]
      let observedX = target.loss[k]
      return Row(
        line: target.lines[k], run: target.run?[k], step: target.step?[k], params: target.params[k],
        tokens: target.tokens[k], isFinal: finals.contains(k), observedX: observedX, predictedX: predictedX[k],
        observedY: metricAt[target.lines[k]]?.y, step2Alone: SigmoidLaw.metric(fit2.parameters, x: observedX),
        chained: chained[k], interval: interval)
    }
    return Result(
      step1: fit1, step2: fit2, rows: out, heldOut: step1.holdout != nil, predictability: predictability, options: options,
      finalScatter: scatter)
  }

  /// What both ways share once their predictions of the held-out rows `target` are known: which
  /// rows are final checkpoints, the predictability verdict on step 2's data `metric`, the fitted
  /// runs' final scatter, and each row's prediction interval (the chance-to-ceiling range for an
  /// unpredictable task).
  static func verdict(
    target: Dataset, metric: Dataset, fit: LawFit, step2: FitAnalysis, predicted: [Double], samples: [[Double]],
    confidence: Double
  ) -> (finals: Set<Int>, predictability: Predictability, scatter: Double, intervals: [(Double, Double)?]) {
    let finals = Set(target.run.map { runs in
      lastCheckpoints(runs: runs, rows: Array(0..<target.count)) { target.step?[$0] ?? target.tokens[$0] }
    } ?? Array(0..<target.count))
    let training = step2.holdout.map { h in (0..<metric.count).filter { !h.isHeldOut(metric, $0) } } ?? Array(0..<metric.count)
    let predictability = Predictability.assess(metricData: metric, training: training, fit: fit, options: step2.fitOptions)
    let lo = (1 - confidence) / 2
    let scatter = finalScatter(metric, training: training) { SigmoidLaw.metric(fit.parameters, x: $0) }
    let z = normalQuantile(1 - lo)
    let intervals = (0..<target.count).map { k -> (Double, Double)? in
      if !predictability.predictable { return (predictability.range.lowerBound, predictability.range.upperBound) }
      let values = samples.map { $0[k] }.filter { $0.isFinite }
      guard !values.isEmpty else { return nil }
      return widened(predicted[k], percentile(values, lo), percentile(values, 1 - lo), z * scatter)
    }
    return (finals, predictability, scatter, intervals)
  }

  /// The scatter of the fitted runs' final metric around the fitted curve (`curve` of a row's x):
  /// the standard deviation (n − 1) of y − curve(x) over each fitted run's last checkpoint. A new
  /// run's final sits that far off the curve even where the curve is exact (its evaluation set's
  /// draw, its seed); 0 with fewer than three runs.
  static func finalScatter(_ d: Dataset, training: [Int], curve: (Double) -> Double) -> Double {
    let rows = training.filter { !(d.pinned?[$0] ?? false) }
    let sub = d.subset(rows)
    let finals = lastCheckpoints(runs: sub.run ?? Array(repeating: "", count: sub.count), rows: Array(0..<sub.count)) {
      sub.step?[$0] ?? sub.tokens[$0]
    }
    let residuals = finals.compactMap { i -> Double? in
      guard let x = sub.x?[i] else { return nil }
      let e = sub.loss[i] - curve(x)
      return e.isFinite ? e : nil
    }
    guard residuals.count >= 3 else { return 0 }
    return (residuals.map { $0 * $0 }.reduce(0, +) / Double(residuals.count - 1)).squareRoot()
  }

  /// A prediction interval: the fits' percentile interval (lo, hi) around p, each side widened in
  /// quadrature by `spread` (z × the final scatter).
  static func widened(_ p: Double, _ lo: Double, _ hi: Double, _ spread: Double) -> (Double, Double) {
    (p - ((p - lo) * (p - lo) + spread * spread).squareRoot(), p + ((hi - p) * (hi - p) + spread * spread).squareRoot())
  }

  /// One step (``LadderOptions/direct``): the sigmoid of the metric against log10 C, fitted on the
  /// smaller models and evaluated at the held-out rows' compute; both result fits are that one fit.
  func runDirect(metricData: Dataset, step2: FitAnalysis) throws -> Result {
    guard options.method != .direct || (options.anchors ?? []).isEmpty else {
      throw FitError("\(OptionName.anchor) places points in (task loss, metric); \(OptionName.direct) has no task loss")
    }
    // Anchors are points of the two-step chain's step 2; the direct law has no task loss.
    var directOptions = options
    directOptions.anchors = []
    if let bad = metricData.flops.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
      throw FitError("\(metricData.file):\(metricData.lines[bad]): \(OptionName.direct) needs a positive compute C = 6ND on every row")
    }
    let d = directOptions.directData(metricData)
    let fit = try step2.run(try directOptions.step2Data(d))
    var rows = Array(0..<d.count)
    if let h = step2.holdout { rows = rows.filter { h.isHeldOut(d, $0) } }
    let target = d.subset(rows)
    let xs = target.x ?? []
    let predicted = xs.map { SigmoidLaw.metric(fit.parameters, x: $0) }
    let samples = (fit.bootstrap?.samples ?? []).map { p in xs.map { SigmoidLaw.metric(p, x: $0) } }
    let v = Self.verdict(
      target: target, metric: d, fit: fit, step2: step2, predicted: predicted, samples: samples,
      confidence: step2.bootstrap?.confidence ?? 0.95)
    let (finals, predictability, scatter) = (v.finals, v.predictability, v.scatter)
    let out = (0..<target.count).map { k -> Row in
      let interval = v.intervals[k]
      return Row(
        line: target.lines[k], run: target.run?[k], step: target.step?[k], params: target.params[k],
        tokens: target.tokens[k], isFinal: finals.contains(k), observedX: xs[k], predictedX: xs[k],
        observedY: target.loss[k], step2Alone: predicted[k], chained: predicted[k], interval: interval)
    }
    return Result(
      step1: fit, step2: fit, rows: out, heldOut: step2.holdout != nil, predictability: predictability, options: options,
      finalScatter: scatter)
  }
}
