import Foundation

/// Predicted losses of a fitted law for the rows of a dataset (`scaling predict`), with
/// bootstrap percentile intervals when the fit carries samples, and the errors against the
/// observed losses: overall, and on the final checkpoint of each run.
public struct Prediction: Sendable {
  public struct Row: Sendable {
    public var line: Int
    public var run: String?
    public var step: Double?
    public var params: Double
    public var tokens: Double
    public var flops: Double
    public var observed: Double?
    public var predicted: Double
    public var lower: Double?
    public var upper: Double?
    public var isFinal: Bool
    /// The learning rate at the row's step (learning-rate-aware laws).
    public var lr: Double? = nil
    /// A metric prediction's x: observed (the row's x or task-loss column) and, when chained,
    /// the first step's prediction of it.
    public var observedX: Double? = nil
    public var predictedX: Double? = nil
    /// Whether `predicted` is a metric (absolute errors) rather than a loss (relative errors).
    public var isMetric = false
    public var relError: Double? { isMetric ? nil : observed.map { (predicted - $0) / $0 } }
    /// predicted − observed.
    public var error: Double? { observed.map { predicted - $0 } }
  }

  public var fit: FitFile
  /// The second step of a chained prediction (`--then`): a metric law of the first step's output.
  public var then: FitFile?
  public var source: String
  /// The points predicted (a chained prediction re-runs them through the second step).
  public var dataset: Dataset
  public var rows: [Row]
  /// What the fit did not see in these rows (a peak learning rate outside the fitted runs' range).
  public var notes: [String] = []
  /// Whether the predictions are of a metric (a sigmoid fit, or chained through one).
  public var isMetric: Bool { then != nil || fit.kind.isMetricLaw }

  /// Mean and max |error| over `rows` with an observed value (nil without any): relative for a
  /// loss, absolute (in the metric's units) for a metric.
  public static func errors(_ rows: [Row]) -> (mean: Double, max: Double, count: Int)? {
    let e = rows.compactMap { $0.isMetric ? $0.error : $0.relError }.map(abs)
    guard !e.isEmpty else { return nil }
    return (e.reduce(0, +) / Double(e.count), e.max()!, e.count)
  }
  public var overall: (mean: Double, max: Double, count: Int)? { Self.errors(rows) }
  public var finals: (mean: Double, max: Double, count: Int)? { Self.errors(rows.filter { $0.isFinal }) }

  /// Chained predictions: the first step's prediction of every point (`first`: main, then one
  /// row per bootstrap sample) carried through the metric law of `then`. Resample j of the first
  /// fit is paired with resample j of the second (the two fits' uncertainties propagate
  /// together; with samples on one side only, that side's spread alone).
  public static func chain(
    main first: [Double], samples firstSamples: [[Double]], through then: FitFile
  ) -> (main: [Double], samples: [[Double]]) {
    chain(main: first, samples: firstSamples, parameters: then.parameters, parameterSamples: then.samples)
  }

  /// `chain` with the second step's parameters and resampled parameters given directly.
  public static func chain(
    main first: [Double], samples firstSamples: [[Double]], parameters: [Double], parameterSamples: [[Double]]
  ) -> (main: [Double], samples: [[Double]]) {
    let main = first.map { SigmoidLaw.metric(parameters, x: $0) }
    let m1 = firstSamples.count, m2 = parameterSamples.count
    let samples: [[Double]]
    if m1 > 0 && m2 > 0 {
      samples = (0..<min(m1, m2)).map { j in firstSamples[j].map { SigmoidLaw.metric(parameterSamples[j], x: $0) } }
    } else if m1 > 0 {
      samples = firstSamples.map { row in row.map { SigmoidLaw.metric(parameters, x: $0) } }
    } else {
      samples = parameterSamples.map { p in first.map { SigmoidLaw.metric(p, x: $0) } }
    }
    return (main, samples)
  }

  /// Predictions for every row of `dataset` (observed = its loss column when present).
  /// With `then`, the first step's prediction of each row becomes the x of the metric law in
  /// `then`; `observedMetric` holds the row's observed metric (the first step's observed loss is
  /// then the row's observed x).
  public init(fit: FitFile, dataset d: Dataset, hasLoss: Bool, then: FitFile? = nil, observedMetric: [Double]? = nil) {
    self.fit = fit
    self.then = then
    self.source = d.file
    self.dataset = d
    let finals = Set(d.run.map { runs in lastCheckpoints(runs: runs, rows: Array(0..<d.count)) { d.step?[$0] ?? d.tokens[$0] } } ?? Array(0..<d.count))
    let predictor = PointPredictor(law: fit.law, dataset: d)
    var main = predictor(fit.parameters)
    var sampled = fit.samples.map { predictor($0) }
    var predictedX: [Double]? = nil
    if let then {
      predictedX = main
      (main, sampled) = Self.chain(main: main, samples: sampled, through: then)
    }
    let metric = then != nil || fit.kind.isMetricLaw
    let observedX: [Double]? = then != nil ? (hasLoss ? d.loss : nil) : d.x
    let observed: [Double]? = then != nil ? observedMetric : (hasLoss ? d.loss : nil)
    let lo = (1 - (then?.confidence ?? fit.confidence)) / 2
    rows = (0..<d.count).map { i in
      let p = main[i]
      var lower: Double? = nil, upper: Double? = nil
      if !sampled.isEmpty {
        let v = sampled.map { $0[i] }.filter { $0.isFinite }
        if !v.isEmpty { lower = percentile(v, lo); upper = percentile(v, 1 - lo) }
      }
      return Row(
        line: d.lines[i], run: d.run?[i], step: d.step?[i], params: d.params[i], tokens: d.tokens[i],
        flops: d.flops[i], observed: observed?[i], predicted: p, lower: lower, upper: upper,
        isFinal: finals.contains(i), lr: d.curve?.lr[i], observedX: observedX?[i], predictedX: predictedX?[i],
        isMetric: metric)
    }
    // Predict what can be predicted: rows the loader skipped are counted, and a row whose
    // prediction is not finite (outside the law's domain, e.g. no learning-rate area yet) is
    // dropped and counted, never printed as nan or inf.
    // What the loader found about the rows' schedules (a history guessed from too few logged
    // rates, sparse checkpoints, an lr column that disagrees with the spec) bears on every
    // prediction from them.
    notes += d.warnings
    for f in d.filters where f.outOfDomain && f.removed > 0 {
      notes.append("\(f.removed) row\(f.removed == 1 ? "" : "s") \(f.filter)")
    }
    let nonFinite = rows.filter { !$0.predicted.isFinite }
    if !nonFinite.isEmpty {
      rows.removeAll { !$0.predicted.isFinite }
      notes.append(
        "\(nonFinite.count) row\(nonFinite.count == 1 ? "" : "s") skipped: the law gives no finite prediction there (first: line \(nonFinite[0].line); outside the law's domain, e.g. before any learning-rate area or with a parameter the fit could not identify)")
    }
    if let fitted = fit.peakRateRange,
      let outside = PeakRateExtrapolation.find(d, rows: Array(0..<d.count), fitted: fitted, law: fit.kind)
    {
      notes.append(outside.summary)
    }
  }
}
