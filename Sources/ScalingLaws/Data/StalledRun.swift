import Foundation

/// A run whose last checkpoint ends more than 2% above the last checkpoint of a smaller model's
/// run of the same length: a run that stalled (an early plateau it left late, a loss spike) or
/// diverged. The 2% margin is above checkpoint noise (0.5% noise on synthetic curves crosses
/// 1% between neighbouring sizes) and below every stalled mini-Pythia run (2.3–16%).
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
    "run \(run) (N = \(shortCount(params))) ends at loss \(String(format: "%.4g", loss)), \(String(format: "%.1f", 100 * (loss / smallerLoss - 1)))% above run \(smallerRun) (N = \(shortCount(smallerParams))) at \(String(format: "%.4g", smallerLoss)) after the same \(formatCount(length)) \(lengthUnit): a stalled or unstable run, which no law falling with N fits; check it, or leave it out (\(OptionName.excludeRun) \(run))"
  }
}

extension Dataset {
  /// How far above a smaller model's end a run must end to count as stalled.
  static let stallMargin = 1.02

  /// The runs that end more than 2% above a smaller model's run of the same length and, when the
  /// data carry schedules, the same schedule shape (see `StalledRun`). Each run's end is its last
  /// point (largest step, else tokens); runs of one model size compare only with smaller sizes.
  /// Without schedules, runs of the same length are assumed to share one.
  public var stalledRuns: [StalledRun] {
    guard let runs = run else { return [] }
    let position = step ?? tokens
    let unit = step != nil ? "steps" : "tokens"
    struct End { var run: String; var params: Double; var loss: Double; var length: Double; var schedule: String }
    let ends: [End] = runs.groupedIndices().compactMap { rows in
      guard let last = rows.max(by: { position[$0] < position[$1] }), params[last].isFinite else { return nil }
      return End(run: runs[last], params: params[last], loss: loss[last], length: position[last], schedule: scheduleShape(last))
    }
    // Per (length, schedule), runs by size: a sweep keeps the lowest end among strictly smaller
    // models (O(R log R), not O(R²): a run column of row ids must not hang the check).
    var found: [String: StalledRun] = [:]
    let groups = Dictionary(grouping: ends.indices) { "\(ends[$0].length)|\(ends[$0].schedule)" }
    for (_, members) in groups {
      let bySize = members.sorted { ends[$0].params < ends[$1].params }
      var best: End? = nil  // the lowest end among the sizes already passed
      var k = 0
      while k < bySize.count {
        var same = k
        while same < bySize.count && ends[bySize[same]].params == ends[bySize[k]].params { same += 1 }
        for m in bySize[k..<same] {
          let e = ends[m]
          if let b = best, e.loss > Self.stallMargin * b.loss {
            found[e.run] = StalledRun(
              run: e.run, params: e.params, loss: e.loss, smallerRun: b.run, smallerParams: b.params,
              smallerLoss: b.loss, length: e.length, lengthUnit: unit)
          }
        }
        for m in bySize[k..<same] where best == nil || ends[m].loss < best!.loss { best = ends[m] }
        k = same
      }
    }
    // In the data's run order.
    return ends.compactMap { found[$0.run] }
  }

  /// The shape of the learning-rate schedule of point i's run, relative to its peak (runs of
  /// different shapes legitimately end at different losses); "" when the data carry no schedule.
  func scheduleShape(_ i: Int) -> String {
    guard let c = curve else { return "" }
    let s = c.schedules[c.runIndex[i]]
    if let spec = s.spec {
      let stage = spec.stageLR.map { String($0 / spec.peakLR) } ?? "-"
      return "\(spec.kind.rawValue) \(spec.totalSteps) \(spec.warmupSteps) \(spec.finalLRFraction) \(spec.decayStart ?? -1) \(spec.stageStart ?? -1) \(stage)"
    }
    // An interpolated lr column: the rate over its peak at 16 evenly spaced steps.
    let n = s.rates.count
    return "lr " + (0..<16).map { k in String(format: "%.3f", s.rates[min(n - 1, k * n / 16)] / s.peakLR) }.joined(separator: " ")
  }
}
