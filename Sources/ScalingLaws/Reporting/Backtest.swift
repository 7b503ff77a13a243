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
  }
  var curve: Score
  var finalOnly: Score
  var finalCount: Int
  var criterion: String
  /// The same scores without the held-out runs that stalled (`StalledRun`), when there are any:
  /// a plan predicts the final loss of a healthy run, so these decide which law plans.
  var withoutStalled: (curve: Score, finalOnly: Score, runs: [String])? = nil

  var finalOnlyPredictsBetter: Bool {
    let (c, f) = withoutStalled.map { ($0.curve, $0.finalOnly) } ?? (curve, finalOnly)
    return !(c.finalMean < f.finalMean)
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
        Score(law: c.law, data: "every checkpoint (\(c.points) fitted)", points: cp.count, allMean: cAll.0, allMax: cAll.1, finalMean: cFin.0, finalMax: cFin.1),
        Score(law: f.law, data: "last checkpoint of each run (\(f.points) fitted)", points: fp.count, allMean: fAll.0, allMax: fAll.1, finalMean: fFin.0, finalMax: fFin.1))
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
    func pct(_ v: Double) -> String { String(format: "%.2f%%", 100 * v) }
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
    md += finalOnlyPredictsBetter
      ? "The final-only recipe predicted the held-out final losses better\(scope): the plan below uses it. The curve law describes the whole training curves (every checkpoint, any schedule) far better.\n\n"
      : "The curve law predicted the held-out final losses better\(scope).\n\n"
    return md
  }
}
