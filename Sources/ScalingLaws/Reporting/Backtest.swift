import Foundation

/// The report's backtest: a learning-rate-aware law over every checkpoint against the final-only
/// Chinchilla recipe, both fitted without the same held-out models and scored on them: on every
/// held-out checkpoint, and on the held-out final losses (what a plan predicts).
struct Backtest {
  struct Score {
    var law: String
    var data: String
    var points: Int
    var allMean: Double, allMax: Double
    var finalMean: Double, finalMax: Double
    /// |relative error| on each held-out final, by CSV line (the two laws' are paired by line).
    var finalErrors: [Int: Double] = [:]
  }
  var curve: Score
  var finalOnly: Score
  var finalCount: Int
  var criterion: String
  /// The same scores without the held-out runs that stalled (`StalledRun`), when there are any:
  /// a plan predicts the final loss of a healthy run, so these decide which law plans.
  var withoutStalled: (curve: Score, finalOnly: Score, runs: [String])? = nil

  /// The curve law plans only when it predicted the held-out finals better by more than the
  /// standard error of the paired differences (|curve error| − |final-only error| per held-out
  /// final): a difference inside the noise of a few finals is no evidence, and then the simpler
  /// recipe (five parameters fitted to the finals themselves) plans.
  var finalOnlyPredictsBetter: Bool {
    guard let d = pairedDifference else { return true }
    return !(d.mean + d.standardError < 0)
  }

  /// Mean and standard error of |curve error| − |final-only error| over the held-out finals both
  /// laws predicted (nil with fewer than two).
  var pairedDifference: (mean: Double, standardError: Double, count: Int)? {
    let (c, f) = withoutStalled.map { ($0.curve, $0.finalOnly) } ?? (curve, finalOnly)
    let diffs = c.finalErrors.keys.sorted().compactMap { line in f.finalErrors[line].map { c.finalErrors[line]! - $0 } }
    guard diffs.count >= 2 else { return nil }
    let mean = diffs.reduce(0, +) / Double(diffs.count)
    let variance = diffs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(diffs.count - 1)
    return (mean, (variance / Double(diffs.count)).squareRoot(), diffs.count)
  }

  init?(curve c: LawFit, finalOnly f: LawFit) {
    guard let hc = c.holdout, let hf = f.holdout, c.dataset.curve != nil, let constants = ReportFigures.chinchilla(f) else { return nil }
    let finals = Set(hf.predictions.map { $0.line })
    guard hc.predictions.contains(where: { finals.contains($0.line) }) else { return nil }
    func scores(excluding runs: Set<String>) -> (Score, Score)? {
      let cp = hc.predictions.filter { !runs.contains($0.run ?? "") }
      let fp = hf.predictions.filter { !runs.contains($0.run ?? "") }
      let curveFinals = cp.filter { finals.contains($0.line) }
      guard !curveFinals.isEmpty, !fp.isEmpty else { return nil }
      func stats(_ e: [Double]) -> (Double, Double) { (e.reduce(0, +) / Double(max(e.count, 1)), e.max() ?? .nan) }
      let cAll = stats(cp.map { abs($0.relativeError) })
      let cFin = stats(curveFinals.map { abs($0.relativeError) })
      // The final-only law at every held-out checkpoint (it treats each as the end of a run of D tokens).
      let fAll = stats(cp.map { abs(constants.loss(params: $0.params, tokens: $0.tokens) / $0.observed - 1) })
      let fFin = stats(fp.map { abs($0.relativeError) })
      return (
        Score(
          law: c.law, data: "every checkpoint (\(c.points) fitted)", points: cp.count, allMean: cAll.0, allMax: cAll.1, finalMean: cFin.0,
          finalMax: cFin.1, finalErrors: Dictionary(curveFinals.map { ($0.line, abs($0.relativeError)) }, uniquingKeysWith: { a, _ in a })),
        Score(
          law: f.law, data: "last checkpoint of each run (\(f.points) fitted)", points: fp.count, allMean: fAll.0, allMax: fAll.1, finalMean: fFin.0,
          finalMax: fFin.1, finalErrors: Dictionary(fp.map { ($0.line, abs($0.relativeError)) }, uniquingKeysWith: { a, _ in a })))
    }
    guard let all = scores(excluding: []) else { return nil }
    (curve, finalOnly) = all
    finalCount = hf.points
    criterion = hc.criterion.description
    if !hc.stalledRuns.isEmpty, let w = scores(excluding: Set(hc.stalledRuns)) {
      withoutStalled = (w.0, w.1, hc.stalledRuns)
    }
  }

  var markdown: String {
    func pct(_ v: Double) -> String { number("%.2f%%", 100 * v) }
    var md = "### Backtest: curve law against the final-only recipe\n\n"
    md += "Both fitted without the held-out models (\(criterion)) and scored on them: on every held-out checkpoint "
    md += "(\(curve.points); the final-only law reads a checkpoint as the end of a run of that many tokens), and on the \(finalCount) held-out final losses, which is what a plan predicts.\n\n"
    md += "| law | fitted to | held-out checkpoints: mean / max error | held-out finals: mean / max error |\n|---|---|---:|---:|\n"
    for s in [curve, finalOnly] {
      md += "| \(s.law) | \(s.data) | \(pct(s.allMean)) / \(pct(s.allMax)) | \(pct(s.finalMean)) / \(pct(s.finalMax)) |\n"
    }
    if let w = withoutStalled {
      let runs = w.runs.map { "`\($0)`" }.joined(separator: ", ")
      for s in [w.curve, w.finalOnly] {
        md += "| \(s.law), without \(runs) | \(s.data) | \(pct(s.allMean)) / \(pct(s.allMax)) | \(pct(s.finalMean)) / \(pct(s.finalMax)) |\n"
      }
      md += "\nThe held-out run\(w.runs.count == 1 ? "" : "s") \(runs) \(w.runs.count == 1 ? "ends" : "end") more than 2% above a smaller model's run of the same length (stalled; see the warnings): no law falling with N predicts \(w.runs.count == 1 ? "it" : "them"), so the rows without \(w.runs.count == 1 ? "it" : "them") measure the laws, and they decide which law plans (a plan predicts the final loss of a healthy run).\n"
    }
    md += "\n"
    let scope = withoutStalled == nil ? "" : " (without the stalled run\(withoutStalled!.runs.count == 1 ? "" : "s"))"
    let (c, f) = withoutStalled.map { ($0.curve, $0.finalOnly) } ?? (curve, finalOnly)
    let paired = pairedDifference.map {
      " (paired difference of the errors, curve minus final-only, over \($0.count) finals: \(number("%+.2f", 100 * $0.mean)) ± \(number("%.2f", 100 * $0.standardError)) points)"
    } ?? ""
    if !finalOnlyPredictsBetter {
      md += "The curve law predicted the held-out final losses better\(scope), by more than the noise\(paired).\n\n"
    } else if c.finalMean < f.finalMean {
      md += "The curve law's mean error on the held-out finals is lower\(scope), but not by more than one standard error\(paired): that is no evidence between the two, and the plan below uses the simpler final-only recipe (fitted to the final losses a plan predicts).\n\n"
    } else {
      md += "The final-only recipe predicted the held-out final losses better\(scope)\(paired): the plan below uses it. The curve law describes the whole training curves (every checkpoint, any schedule) far better.\n\n"
    }
    return md
  }
}
