import Foundation

/// Figures of the model ladder (`scaling report --metric-column`): the metric against the task
/// loss with the fitted sigmoid, and the metric against compute with the chained prediction.
extension ReportFigures {
  /// 6a. The metric against the task loss: the points step 2 was fitted to, the held-out points
  /// (at their observed task loss) and the sigmoid over the whole range.
  public static func metricVsTaskLoss(_ ladder: Ladder.Result, name: String = "metric-vs-task-loss") -> GnuplotScript {
    let fit = ladder.step2
    let d = fit.dataset
    let xs = d.x ?? []
    let held = ladder.rows.filter { $0.observedY != nil }
    let all = xs + held.map { $0.observedX }
    let lo = all.min() ?? 0, hi = all.max() ?? 1
    let grid = (0..<200).map { lo + (hi - lo) * Double($0) / 199 }
    let xName = d.columnName(.x) ?? "x", yName = d.columnName(.y) ?? "y"
    var blocks = [
      Block(name: "fitted", columns: [xName, yName], rows: (0..<d.count).map { [xs[$0], d.loss[$0]] }),
      Block(name: "sigmoid", columns: [xName, "sigmoid"], rows: grid.map { [$0, SigmoidLaw.metric(fit.parameters, x: $0)] }),
    ]
    var plots = [
      "$fitted using 1:2 with points pt 7 ps 0.5 lc rgb '#999999' title 'fitted points (\(d.count))'",
      "$sigmoid using 1:2 with lines lw 2 lc rgb '\(GnuplotScript.color(0))' title 'sigmoid'",
    ]
    if !held.isEmpty {
      blocks.append(Block(name: "heldout", columns: [xName, yName], rows: held.map { [$0.observedX, $0.observedY!] }))
      plots.append("$heldout using 1:2 with points pt 9 ps 0.9 lc rgb '\(GnuplotScript.color(1))' title 'held out (\(held.count))'")
    }
    let p = fit.parameterSet.values(["a", "b", "k", "x0"]) ?? fit.parameters
    return GnuplotScript(
      name: name,
      caption: "\(yName) against \(xName): y = a/(1 + exp(-k(x - x0))) + b with a = \(fmt(p[0])), b = \(fmt(p[1])), k = \(fmt(p[2])), x0 = \(fmt(p[3])).\nLook for: the held-out points (larger models, at their observed \(xName)) on the curve: that is step 2 alone.",
      blocks: blocks,
      settings: [
        "set title \(GnuplotScript.quote("Step 2: \(yName) against \(xName)")) noenhanced",
        "set xlabel \(GnuplotScript.quote(xName)) noenhanced", "set ylabel \(GnuplotScript.quote(yName)) noenhanced",
        "set key outside right top", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }

  /// 6b. The metric against training compute C = 6ND: every observed point, and for each
  /// held-out run the chained prediction from N and D with its band (paired bootstrap).
  public static func metricVsCompute(_ ladder: Ladder.Result, name: String = "metric-vs-compute") -> GnuplotScript {
    let d = ladder.step2.dataset
    let yName = d.columnName(.y) ?? "y"
    var blocks = [
      Block(name: "fitted", columns: ["flops", yName], rows: (0..<d.count).filter { d.flops[$0].isFinite }.map { [d.flops[$0], d.loss[$0]] })
    ]
    var plots = ["$fitted using 1:2 with points pt 7 ps 0.5 lc rgb '#999999' title 'fitted points'"]
    let runs = ladder.rows.map { $0.run ?? "" }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    for (r, run) in runs.enumerated() {
      let rows = ladder.rows.filter { ($0.run ?? "") == run }.sorted { $0.tokens < $1.tokens }
      let color = GnuplotScript.color(1 + r)
      let label = run.isEmpty ? "held out" : run
      blocks.append(Block(
        name: "run\(r)", columns: ["flops", "observed", "chained", "lower", "upper"],
        rows: rows.map { [6 * $0.params * $0.tokens, $0.observedY ?? .nan, $0.chained, $0.interval?.0 ?? .nan, $0.interval?.1 ?? .nan] }))
      if rows.contains(where: { $0.interval != nil }) {
        plots.append("$run\(r) using 1:4:5 with filledcurves fs transparent solid 0.15 lc rgb '\(color)' notitle")
      }
      plots.append("$run\(r) using 1:3 with lines lw 1.5 lc rgb '\(color)' title \(GnuplotScript.quote(label + " chained")) noenhanced")
      plots.append("$run\(r) using 1:2 with points pt 9 ps 0.8 lc rgb '\(color)' notitle")
    }
    return GnuplotScript(
      name: name,
      caption: "\(yName) against training compute C = 6ND: observed points, and each held-out run's chained prediction from N and D (step 1 then step 2) with its bootstrap band.\nLook for: the held-out points (triangles) inside their run's band; the gap is what step 1's extrapolation of the task loss costs.",
      blocks: blocks,
      settings: [
        "set title \(GnuplotScript.quote("Chained prediction of \(yName) from N and D")) noenhanced", "set logscale x",
        "set format x '10^{%L}'", "set xlabel 'training compute C = 6ND (FLOPs)'",
        "set ylabel \(GnuplotScript.quote(yName)) noenhanced", "set key outside right top", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }
}
