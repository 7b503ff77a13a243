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
    public var relError: Double? { observed.map { (predicted - $0) / $0 } }
  }

  public var fit: FitFile
  public var source: String
  public var rows: [Row]

  /// Mean and max |relative error| over `rows` with an observed loss (nil without any).
  public static func errors(_ rows: [Row]) -> (mean: Double, max: Double, count: Int)? {
    let e = rows.compactMap { $0.relError }.map(abs)
    guard !e.isEmpty else { return nil }
    return (e.reduce(0, +) / Double(e.count), e.max()!, e.count)
  }
  public var overall: (mean: Double, max: Double, count: Int)? { Self.errors(rows) }
  public var finals: (mean: Double, max: Double, count: Int)? { Self.errors(rows.filter { $0.isFinal }) }

  /// Predictions for every row of `dataset` (observed = its loss column when present).
  public init(fit: FitFile, dataset d: Dataset, hasLoss: Bool) {
    self.fit = fit
    self.source = d.file
    let finals = Set(d.run.map { runs in lastCheckpoints(runs: runs, rows: Array(0..<d.count)) { d.step?[$0] ?? d.tokens[$0] } } ?? Array(0..<d.count))
    let predictor = PointPredictor(law: fit.law, dataset: d)
    let main = predictor(fit.parameters)
    let sampled = fit.samples.map { predictor($0) }
    let lo = (1 - fit.confidence) / 2
    rows = (0..<d.count).map { i in
      let p = main[i]
      var lower: Double? = nil, upper: Double? = nil
      if !sampled.isEmpty {
        let v = sampled.map { $0[i] }.filter { $0.isFinite }
        if !v.isEmpty { lower = percentile(v, lo); upper = percentile(v, 1 - lo) }
      }
      return Row(
        line: d.lines[i], run: d.run?[i], step: d.step?[i], params: d.params[i], tokens: d.tokens[i],
        flops: d.flops[i], observed: hasLoss ? d.loss[i] : nil, predicted: p, lower: lower, upper: upper,
        isFinal: finals.contains(i), lr: d.curve?.lr[i])
    }
  }
}
