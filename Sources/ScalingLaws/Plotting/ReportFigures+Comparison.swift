import Foundation

/// The report's recipe-comparison figure (`report --compare-fit JOINT.json`).
extension ReportFigures {
  /// Each recipe's compute-optimal loss against compute (left axis) and the effective compute
  /// multiplier k of the candidate with its bootstrap interval (right axis).
  public static func recipeComparison(_ c: RecipeComparison, name: String = "recipe-comparison") -> GnuplotScript {
    let block = Block(
      name: "rows", columns: ["flops", "baseline_loss", "candidate_loss", "k", "k_lower", "k_upper"],
      rows: c.rows.map { [$0.flops, $0.baselineLoss, $0.candidateLoss, $0.multiplier, $0.interval?.0 ?? $0.multiplier, $0.interval?.1 ?? $0.multiplier] })
    let plots = [
      "$rows using 1:2 axes x1y1 with linespoints pt 7 lw 2 lc rgb '\(GnuplotScript.color(0))' title \(GnuplotScript.quote("L*(C), \(c.baseline)")) noenhanced",
      "$rows using 1:3 axes x1y1 with linespoints pt 7 lw 2 lc rgb '\(GnuplotScript.color(1))' title \(GnuplotScript.quote("L*(C), \(c.candidate)")) noenhanced",
      "$rows using 1:4:5:6 axes x1y2 with yerrorlines pt 5 lw 1.5 lc rgb '#000000' title \(GnuplotScript.quote("k of \(c.candidate) over \(c.baseline) (right axis)")) noenhanced",
    ]
    return GnuplotScript(
      name: name,
      caption: "Each recipe's compute-optimal loss against training compute (left axis) and the effective compute multiplier k of \(c.candidate) over \(c.baseline) with its bootstrap interval (right axis): \(c.candidate) reaches \(c.baseline)'s loss with C/k.\nLook for: k's interval excluding 1 (a real difference), and whether k drifts with compute (a difference in exponents, not only in scale).",
      blocks: [block],
      settings: [
        "set title 'Recipes compared: loss and effective compute multiplier'", "set logscale x", "set format x '10^{%L}'",
        "set xlabel 'training compute C (FLOPs)'", "set ylabel 'compute-optimal loss L*(C)'", "set y2label 'multiplier k'",
        "set ytics nomirror", "set y2tics", "set key outside right top", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }
}
