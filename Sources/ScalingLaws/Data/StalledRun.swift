import Foundation

/// A run whose last checkpoint ends above the last checkpoint of a smaller model's run of the
/// same length: a run that stalled (an early plateau it left late, a loss spike) or diverged.
/// No law whose loss falls with N fits it, and as a held-out point it measures the run, not the
/// law. Found by `Dataset.stalledRuns`.
public struct StalledRun: Sendable, Equatable {
  public var run: String
  public var params: Double
  public var loss: Double
  /// The smaller model's run of the same length that ends lowest.
  public var smallerRun: String
  public var smallerParams: Double
  public var smallerLoss: Double
  /// The common length: the last checkpoint's step (or tokens, without a step column).
  public var length: Double
  public var lengthUnit: String

  public var description: String {
    "run \(run) (N = \(shortCount(params))) ends at loss \(String(format: "%.4g", loss)), above run \(smallerRun) (N = \(shortCount(smallerParams))) at \(String(format: "%.4g", smallerLoss)) after the same \(formatCount(length)) \(lengthUnit): a stalled or unstable run, which no law falling with N fits; check it, or leave it out (\(OptionName.excludeRun) \(run))"
  }
}

extension Dataset {
  /// The runs that end above a smaller model's run of the same length (see `StalledRun`).
  /// Each run's end is its last point (largest step, else tokens); runs of one model size
  /// compare only with smaller sizes.
  public var stalledRuns: [StalledRun] {
    guard let runs = run else { return [] }
    let position = step ?? tokens
    let unit = step != nil ? "steps" : "tokens"
    struct End { var run: String; var params: Double; var loss: Double; var length: Double }
    let ends: [End] = runs.groupedIndices().compactMap { rows in
      guard let last = rows.max(by: { position[$0] < position[$1] }), params[last].isFinite else { return nil }
      return End(run: runs[last], params: params[last], loss: loss[last], length: position[last])
    }
    var out: [StalledRun] = []
    for e in ends {
      let smaller = ends.filter { $0.length == e.length && $0.params < e.params }
      guard let best = smaller.min(by: { $0.loss < $1.loss }), e.loss > best.loss else { continue }
      out.append(
        StalledRun(
          run: e.run, params: e.params, loss: e.loss, smallerRun: best.run, smallerParams: best.params,
          smallerLoss: best.loss, length: e.length, lengthUnit: unit))
    }
    return out
  }
}
