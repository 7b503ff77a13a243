import Foundation

/// The report's hyperparameter figures (`report --hparams-sweep FILE`).
extension ReportFigures {
  /// Every run's loss relative to its cell's fitted optimum against its learning rate relative
  /// to the cell's optimum, coloured by model size, one point type per batch ratio, with the
  /// median cell's parabola at the optimal batch.
  public static func hyperparameterSurfaces(_ fit: HyperparameterFit, name: String = "hparams-surfaces") -> GnuplotScript {
    let sizes = Array(Set(fit.cells.map(\.params))).sorted()
    let s = fit.sweep
    var blocks: [Block] = []
    var plots: [String] = []
    for (i, n) in sizes.enumerated() {
      var rows: [[Double]] = []
      for c in fit.cells where c.params == n {
        guard let eta = c.learningRate else { continue }
        for r in 0..<s.count where s.params[r] == c.params && s.tokens[r] == c.tokens {
          let bRatio = c.batchTokens.map { s.batchTokens[r] / $0 } ?? 1
          rows.append([s.learningRate[r] / eta, 100 * (s.loss[r] / c.optimumLoss - 1), bRatio])
        }
      }
      guard !rows.isEmpty else { continue }
      blocks.append(Block(name: "n\(i)", columns: ["lr_over_optimum", "loss_above_optimum_pct", "batch_over_optimum"], rows: rows))
      plots.append("$n\(i) using 1:2 with points pt 7 ps 0.6 lc rgb '\(GnuplotScript.color(i))' title 'N = \(shortCount(n))'")
    }
    if let k = fit.law.curvature {
      let xs = (0...80).map { pow(2, -4 + 8 * Double($0) / 80) }
      blocks.append(Block(name: "parabola", columns: ["lr_over_optimum", "penalty_pct"], rows: xs.map { [$0, 100 * k.penalty(log($0), 0)] }))
      plots.append("$parabola using 1:2 with lines lw 2 lc rgb '#000000' title 'median cell, optimal batch'")
    }
    return GnuplotScript(
      name: name,
      caption: "Each run's loss above its (N, D) cell's fitted optimum against its peak learning rate over the cell's optimal one, coloured by model size (every batch; the spread above the curve is the batch miss).\nLook for: the points' lower edge following the parabola (the surface fits), and no cell's points beyond the parabola on one side only (an optimum at the edge of what was tried).",
      blocks: blocks,
      settings: [
        "set title 'Loss surfaces of the sweep, every cell on one scale'", "set logscale x 2", "set xlabel 'peak learning rate / the cell''s optimum'",
        "set ylabel 'loss above the cell''s optimum (%)'", "set yrange [-0.5:*]", "set key outside right top", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }

  /// η* against N (one colour per D) and B* against D: the cells' optima with their intervals,
  /// the fitted laws, and the published sets (StepLaw dashed, DeepSeek dotted) for comparison.
  public static func hyperparameterLaws(_ fit: HyperparameterFit, name: String = "hparams-laws") -> GnuplotScript {
    let tokens = Array(Set(fit.cells.map(\.tokens))).sorted()
    let nr = fit.law.paramsRange ?? 1e8...1e9
    let ns = (0...40).map { exp(log(nr.lowerBound / 2) + (log(nr.upperBound * 2) - log(nr.lowerBound / 2)) * Double($0) / 40) }
    var blocks: [Block] = []
    var plots: [String] = []
    for (i, d) in tokens.enumerated() {
      let cells = fit.cells.filter { $0.tokens == d && $0.learningRate != nil }
      let color = GnuplotScript.color(i)
      blocks.append(Block(
        name: "cells\(i)", columns: ["params", "eta", "lower", "upper"],
        rows: cells.map { [$0.params, $0.learningRate!, $0.learningRateInterval?.0 ?? $0.learningRate!, $0.learningRateInterval?.1 ?? $0.learningRate!] }))
      blocks.append(Block(
        name: "laws\(i)", columns: ["params", "fitted", "steplaw", "deepseek"],
        rows: ns.map { n in [n, fit.law.learningRate.value(params: n, tokens: d), HyperparameterLaw.steplaw.learningRate.value(params: n, tokens: d), HyperparameterLaw.deepseek.learningRate.value(params: n, tokens: d)] }))
      plots.append("$cells\(i) using 1:2:3:4 with yerrorbars pt 7 ps 0.9 lc rgb '\(color)' title 'cell optima, D = \(shortCount(d))'")
      plots.append("$laws\(i) using 1:2 with lines lw 2 lc rgb '\(color)' title 'fitted'")
      plots.append("$laws\(i) using 1:3 with lines lw 1 dt 2 lc rgb '\(color)' title 'steplaw'")
      plots.append("$laws\(i) using 1:4 with lines lw 1 dt 3 lc rgb '\(color)' title 'deepseek (C = 6ND)'")
    }
    return GnuplotScript(
      name: name,
      caption: "The optimal peak learning rate eta* against N for each D: every cell's optimum with its bootstrap interval, the fitted power law (solid), StepLaw (dashed) and DeepSeek (dotted) at the same D.\nLook for: the cells on their line (the power law holds), and how far the published sets sit from your data.",
      blocks: blocks,
      settings: [
        "set title 'Optimal peak learning rate against model size'", "set logscale xy", "set format x '10^{%L}'",
        "set xlabel 'parameters N'", "set ylabel 'peak learning rate eta*'", "set key outside right top", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }

  /// B* against D (one colour per N): the cells' optima with intervals, the fitted law, StepLaw
  /// (dashed) and DeepSeek (dotted, C = 6ND at each N).
  public static func hyperparameterBatch(_ fit: HyperparameterFit, name: String = "hparams-batch") -> GnuplotScript? {
    guard let batch = fit.law.batch else { return nil }
    let sizes = Array(Set(fit.cells.map(\.params))).sorted()
    let dr = fit.law.tokensRange ?? 1e9...1e10
    let ds = (0...40).map { exp(log(dr.lowerBound / 2) + (log(dr.upperBound * 2) - log(dr.lowerBound / 2)) * Double($0) / 40) }
    var blocks: [Block] = []
    var plots: [String] = []
    for (i, n) in sizes.enumerated() {
      let cells = fit.cells.filter { $0.params == n && $0.batchTokens != nil }
      let color = GnuplotScript.color(i)
      blocks.append(Block(
        name: "cells\(i)", columns: ["tokens", "batch", "lower", "upper"],
        rows: cells.map { [$0.tokens, $0.batchTokens!, $0.batchInterval?.0 ?? $0.batchTokens!, $0.batchInterval?.1 ?? $0.batchTokens!] }))
      blocks.append(Block(
        name: "laws\(i)", columns: ["tokens", "fitted", "steplaw", "deepseek"],
        rows: ds.map { d in [d, batch.value(params: n, tokens: d), HyperparameterLaw.steplaw.batch!.value(params: n, tokens: d), HyperparameterLaw.deepseek.batch!.value(params: n, tokens: d)] }))
      plots.append("$cells\(i) using 1:2:3:4 with yerrorbars pt 7 ps 0.9 lc rgb '\(color)' title 'cell optima, N = \(shortCount(n))'")
      plots.append("$laws\(i) using 1:2 with lines lw 2 lc rgb '\(color)' title 'fitted'")
      if i == 0 { plots.append("$laws\(i) using 1:3 with lines lw 1 dt 2 lc rgb '#000000' title 'steplaw (no N)'") }
      plots.append("$laws\(i) using 1:4 with lines lw 1 dt 3 lc rgb '\(color)' title 'deepseek (C = 6ND)'")
    }
    return GnuplotScript(
      name: name,
      caption: "The optimal batch B* (tokens) against D for each N: every cell's optimum with its bootstrap interval, the fitted law (solid), StepLaw (dashed; it has no N) and DeepSeek (dotted).\nLook for: the cells on their lines, and whether the batch depends on N at all (the fitted lines coincide for B*(D)).",
      blocks: blocks,
      settings: [
        "set title 'Optimal batch size against training tokens'", "set logscale xy", "set format x '10^{%L}'",
        "set xlabel 'training tokens D'", "set ylabel 'batch B* (tokens)'", "set key outside right top", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }
}
