import Foundation

/// The report's learning-rate and batch section (`report --hparams-sweep FILE`).
extension Report {
  static func hyperparameterSection(_ fit: HyperparameterFit, figures: inout [GnuplotScript]) -> String {
    var md = "## Learning rate and batch size (\(fit.file))\n\n"
    md += "\(fit.runs) runs in \(fit.cells.count) cells. Method: \(fit.method).\n\n"
    md += "| law | fitted | standard errors (ln a, N, D) | steplaw | deepseek |\n|---|---|---|---|---|\n"
    func se(_ e: [Double]?) -> String { e.map { $0.map { $0.isFinite ? number("%.3g", $0) : "-" }.joined(separator: ", ") } ?? "" }
    md += "| eta* | \(fit.law.learningRate.text) | \(se(fit.learningRateErrors)) | \(HyperparameterLaw.steplaw.learningRate.text) | \(HyperparameterLaw.deepseek.learningRate.text) |\n"
    if let b = fit.law.batch {
      md += "| B* (tokens) | \(b.text) (\(fit.batchFormNote)) | \(se(fit.batchErrors)) | \(HyperparameterLaw.steplaw.batch!.text) | \(HyperparameterLaw.deepseek.batch!.text) |\n"
    }
    md += "\n"
    if let k = fit.law.curvature {
      let l2 = log(2.0) * log(2.0)
      md += "A 2x miss costs +\(number("%.3g", 100 * k.learningRate * l2))% loss in the learning rate and +\(number("%.3g", 100 * k.batch * l2))% in the batch (the median cell's surface).\n\n"
    }
    md += "| N | D | runs | best loss | eta* | interval | B* (tokens) | interval | left out: loss above optimum |\n|---:|---:|---:|---:|---:|---|---:|---|---:|\n"
    for c in fit.cells {
      let held = fit.heldOut.first { $0.params == c.params && $0.tokens == c.tokens }
      md += "| \(shortCount(c.params)) | \(shortCount(c.tokens)) | \(c.runs) | \(number("%.4f", c.bestLoss)) | "
      md += "\(c.learningRate.map { number("%.3g", $0) } ?? "-") | \(HyperparameterFit.interval(c.learningRateInterval) { number("%.3g", $0) }) | "
      md += "\(c.batchTokens.map(shortCount) ?? "-") | \(HyperparameterFit.interval(c.batchInterval, shortCount)) | "
      md += "\(held.map { "+\(number("%.3g", 100 * $0.penalty))%" } ?? "-") |\n"
    }
    md += "\n'Left out': the cell's optimum predicted by the laws fitted to the other cells, and the cell's own surface's loss there.\n\n"
    md += "### Warnings\n\n"
    md += fit.warnings.isEmpty ? "None.\n\n" : fit.warnings.map { "- \($0)\n" }.joined() + "\n"
    var figs = [ReportFigures.hyperparameterSurfaces(fit), ReportFigures.hyperparameterLaws(fit)]
    if let b = ReportFigures.hyperparameterBatch(fit) { figs.append(b) }
    for f in figs { md += Report.figureMarkdown(f) }
    figures += figs
    return md
  }
}
