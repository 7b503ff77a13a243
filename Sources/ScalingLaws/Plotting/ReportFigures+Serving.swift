import Foundation

/// The serving trade-off figure of the report (when serving options are configured).
extension ReportFigures {
  /// Dollars per million output tokens against model size N, for models that reach `loss` under
  /// the plan's law (each N from the smallest that can reach it to 30× the Chinchilla-optimal
  /// size), one line per weight precision. The Chinchilla-optimal size is marked.
  public static func servingCost(
    constants c: ChinchillaConstants, loss: Double, serving: ServingModel.Configuration,
    name: String = "serving-cost"
  ) -> GnuplotScript? {
    guard loss > c.E, serving.usdPerGPUHour != nil else { return nil }
    let nMin = pow(c.A / (loss - c.E), 1 / c.alpha) * 1.05
    let nChin = c.optimalParams(flops: c.flops(forLoss: loss))
    let nMax = max(30 * nChin, 10 * nMin)
    let sizes = logSpace(nMin, nMax, 60)
    let precisions = ServingModel.weightBitChoices
    var rows: [[Double]] = []
    for n in sizes {
      let shape = TransformerShape.proposal(near: n)
      var row = [n]
      for bits in precisions {
        var cfg = serving
        cfg.weightBits = bits
        row.append((try? ServingModel(params: n, shape: shape).estimate(cfg))?.usdPerMillionOutputTokens ?? .nan)
      }
      rows.append(row)
    }
    guard rows.contains(where: { $0.dropFirst().contains { $0.isFinite } }) else { return nil }
    let label = { (b: Double) in b == b.rounded() ? "\(Int(b))-bit weights" : "\(b)-bit weights (BitNet b1.58)" }
    var plots = precisions.enumerated().map { i, b in
      "$cost using 1:\(i + 2) with lines lw 2.5 lc rgb '\(GnuplotScript.color(i))' title '\(label(b))'"
    }
    plots.append("$chinchilla using 1:2 with impulses dt 2 lw 1.5 lc rgb 'black' title 'Chinchilla-optimal N at this loss'")
    let top = rows.flatMap { $0.dropFirst() }.filter { $0.isFinite }.max() ?? 1
    return GnuplotScript(
      name: name,
      caption: "Serving cost (USD per million output tokens) of models that reach loss \(String(format: "%.4f", loss)), against model size, one line per weight precision (\(serving.gpus) x \(serving.gpu.name), KV \(Int(serving.kvBits))-bit, batch \(serving.batch.map(String.init) ?? "largest that fits"), \(serving.promptTokens)+\(serving.outputTokens) tokens per request).\nLook for: how much cheaper a smaller, longer-trained model serves, and what fewer weight bits buy; gaps are sizes whose weights do not fit.",
      blocks: [
        Block(name: "cost", columns: ["params"] + precisions.map { "usd_per_M_\($0)" }, rows: rows),
        Block(name: "chinchilla", columns: ["params", "height"], rows: [[nChin, top]]),
      ],
      settings: [
        "set title 'Serving cost at a fixed loss'", "set logscale x", "set format x '10^{%L}'", "set logscale y", "set format y '%g'",
        "set xlabel 'parameters N'", "set ylabel 'USD per million output tokens'", "set key right top", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }
}
