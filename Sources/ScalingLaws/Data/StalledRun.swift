import Foundation
import LinearAlgebra

/// A run whose last checkpoint ends more than 2% above the last checkpoint of a smaller model's
/// run of the same length: a run that stalled (an early plateau it left late, a loss spike) or
/// diverged. The margin is 2%, or three times the two runs' own scatter at their ends where that
/// is larger: above checkpoint noise (0.5% noise on synthetic curves crosses 1% between
/// neighbouring sizes; 1% noise fired the plain 2% rule 84 times on a large file) and below
/// every stalled mini-Pythia run (2.3–16%).
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
    struct End { var run: String; var params: Double; var loss: Double; var length: Double; var schedule: String; var noise: Double }
    let ends: [End] = runs.groupedIndices().compactMap { rows in
      guard let last = rows.max(by: { position[$0] < position[$1] }), params[last].isFinite else { return nil }
      return End(
        run: runs[last], params: params[last], loss: loss[last], length: position[last], schedule: scheduleShape(last),
        noise: endNoise(rows, position: position))
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
          // The margin: 2%, or three times the two runs' own end scatter where that is larger
          // (noise alone must not make a run "stalled": 1% noise fired it 84 times on one file).
          if let b = best, log(e.loss / b.loss) > max(log(Self.stallMargin), 3 * (e.noise * e.noise + b.noise * b.noise).squareRoot()) {
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

  /// The relative checkpoint scatter at a run's end: the residual standard deviation of a
  /// quadratic (least squares, `Matrix.leastSquares`) through log loss against log position over its last eight checkpoints (the
  /// quadratic takes out the curve's own descent and the bend of an annealing schedule's end;
  /// 0 with fewer than five checkpoints).
  func endNoise(_ rows: [Int], position: [Double]) -> Double {
    let last = rows.sorted { position[$0] < position[$1] }.suffix(8)
    let x = last.map { log(max(position[$0], 1e-300)) }, y = last.map { log(loss[$0]) }
    guard x.count >= 5, (x + y).allSatisfy({ $0.isFinite }) else { return 0 }
    let mx = x.reduce(0, +) / Double(x.count)
    var design = Matrix(rows: x.count, columns: 3)
    for (i, xi) in x.enumerated() {
      let t = xi - mx
      design[i, 0] = 1
      design[i, 1] = t
      design[i, 2] = t * t
    }
    guard let rss = try? design.leastSquares(y).residualSumOfSquares, rss.isFinite else { return 0 }
    return (rss / Double(x.count - 3)).squareRoot()
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
