import Foundation

/// The report's recipe-comparison section (`report --compare-fit JOINT.json --compare-baseline A
/// --compare-candidate B`).
extension Report {
  static func comparisonSection(_ c: RecipeComparison, fitFile: String, figures: inout [GnuplotScript]) -> String {
    var md = "## Recipes compared: \(c.candidate) against \(c.baseline)\n\n"
    md += "From the joint fit `\(fitFile)` (\(c.formula)). The effective compute multiplier k = C / C_\(c.candidate)(L_\(c.baseline)*(C)): "
    md += "\(c.candidate) reaches \(c.baseline)'s compute-optimal loss with C/k"
    md += c.samples > 0 ? "; intervals are \(Int((c.confidence * 100).rounded()))% percentiles over \(c.samples) bootstrap samples.\n\n" : " (the fit has no bootstrap samples: no intervals).\n\n"
    md += "| budget (FLOPs) | L* \(c.baseline) | L* \(c.candidate) | k | interval |\n|---:|---:|---:|---:|---|\n"
    for r in c.rows {
      let iv = r.interval.map { "\(number("%.4g", $0.0)) – \(number("%.4g", $0.1))" } ?? ""
      md += "| \(number("%.3g", r.flops)) | \(number("%.4f", r.baselineLoss)) | \(number("%.4f", r.candidateLoss)) | \(number("%.4g", r.multiplier)) | \(iv) |\n"
    }
    md += "\nA floor pinned for both recipes is a fit with `--fix E=VALUE`; compare that fit too when the data cannot place the floor.\n\n"
    let f = ReportFigures.recipeComparison(c)
    md += Report.figureMarkdown(f)
    figures.append(f)
    return md
  }
}
