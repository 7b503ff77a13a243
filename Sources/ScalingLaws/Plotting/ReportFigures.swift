import Foundation

/// Builders of the report's figures: each returns a ``GnuplotScript`` value (snapshot-testable;
/// nothing here touches the file system or runs gnuplot).
public enum ReportFigures {
  typealias Block = GnuplotScript.DataBlock

  static func logSpace(_ lo: Double, _ hi: Double, _ n: Int) -> [Double] {
    (0..<n).map { exp(log(lo) + (log(hi) - log(lo)) * Double($0) / Double(n - 1)) }
  }

  /// Sorted distinct model sizes and each point's colour index.
  static func sizeIndex(_ d: Dataset) -> (sizes: [Double], index: [Double: Int]) {
    let sizes = Set(d.params.filter { $0.isFinite }).sorted()
    var index: [Double: Int] = [:]
    for (i, n) in sizes.enumerated() { index[n] = i }
    return (sizes, index)
  }

  static func chinchilla(_ fit: LawFit) -> ChinchillaConstants? {
    guard fit.kind == .chinchilla else { return nil }
    return ChinchillaConstants(fitted: fit.parameterSet)
  }

  static func usesNAndD(_ fit: LawFit) -> Bool { fit.kind == .chinchilla || fit.kind == .kaplanND }

  static func predict(_ fit: LawFit, params: Double, tokens: Double, flops: Double, steps: Double = .nan) -> Double {
    fit.model.predict(fit.parameters, params: params, tokens: tokens, flops: flops, steps: steps)
  }

  /// 1. Loss against compute, points coloured by model size, the law's curve for each size and
  /// (Chinchilla) the compute-optimal frontier L*(C).
  public static func lossVsCompute(_ fit: LawFit, name: String = "loss-vs-compute") -> GnuplotScript {
    let d = fit.dataset
    let (sizes, index) = sizeIndex(d)
    var blocks: [Block] = []
    var plots: [String] = []
    let cmin = d.flops.min() ?? 1, cmax = d.flops.max() ?? 10
    for (k, n) in sizes.enumerated() {
      let rows = (0..<d.count).filter { index[d.params[$0]] == k }.map { [d.flops[$0], d.loss[$0]] }
      blocks.append(Block(name: "points\(k)", columns: ["flops", "loss"], rows: rows))
      plots.append("$points\(k) using 1:2 with points pt 7 ps 0.8 lc rgb '\(GnuplotScript.color(k))' title 'N = \(shortCount(n))'")
      if usesNAndD(fit) {
        // Each size's curve spans that size's own compute range (a little beyond it).
        let cs = (0..<d.count).filter { index[d.params[$0]] == k }.map { d.flops[$0] }
        let curve = logSpace((cs.min() ?? cmin) / 1.5, (cs.max() ?? cmax) * 1.5, 100).map { c -> [Double] in
          [c, predict(fit, params: n, tokens: c / (6 * n), flops: c)]
        }
        blocks.append(Block(name: "curve\(k)", columns: ["flops", "fitted loss"], rows: curve))
        plots.append("$curve\(k) using 1:2 with lines lw 1.5 lc rgb '\(GnuplotScript.color(k))' notitle")
      }
    }
    if !usesNAndD(fit) {
      let curve = logSpace(cmin / 2, cmax * 2, 120).map { c -> [Double] in
        let n = c / 6 / (d.tokens.first ?? 1)
        return [c, predict(fit, params: n, tokens: d.tokens.first ?? .nan, flops: c)]
      }
      if fit.kind == .kaplanC {
        blocks.append(Block(name: "curve", columns: ["flops", "fitted loss"], rows: curve))
        plots.append("$curve using 1:2 with lines lw 2 lc rgb 'black' title 'fitted \(fit.law)'")
      }
    }
    if let h = fit.holdout {
      let rows = h.predictions.map { [$0.flops, $0.observed] }
      blocks.append(Block(name: "heldout", columns: ["flops", "loss"], rows: rows))
      plots.append("$heldout using 1:2 with points pt 4 ps 1.2 lw 2 lc rgb '#d62728' title 'held out (\(h.criterion.description))'")
    }
    if let c = chinchilla(fit) {
      let frontier = logSpace(cmin / 1.5, cmax * 1.5, 120).map { [$0, c.optimalLoss(flops: $0)] }
      blocks.append(Block(name: "frontier", columns: ["flops", "L*(C)"], rows: frontier))
      plots.append("$frontier using 1:2 with lines lw 2.5 dt 2 lc rgb 'black' title 'compute-optimal frontier L*(C)'")
    }
    return GnuplotScript(
      name: name,
      caption: "Loss against training compute (C = 6ND unless given), coloured by model size, with the fitted law for each size.\nLook for: points on their size's curve; each curve touching the dashed frontier once (its compute-optimal budget).",
      blocks: blocks,
      settings: [
        "set title 'Loss vs compute: \(fit.law) fit'", "set logscale x", "set format x '10^{%L}'",
        "set xlabel 'training compute C (FLOPs)'", "set ylabel 'loss'", "set key outside right top",
        "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }

  /// 2. Checkpoint curves: loss against tokens for every run, the fitted law overlaid, and the
  /// points the filters removed drawn faded.
  public static func checkpointCurves(_ fit: LawFit, all: Dataset?, name: String = "checkpoint-curves") -> GnuplotScript {
    let d = fit.dataset
    let (sizes, index) = sizeIndex(all ?? d)
    var blocks: [Block] = []
    var plots: [String] = []
    let kept = Set(d.lines)
    let heldOutLines = Set(fit.holdout?.predictions.map { $0.line } ?? [])
    if let h = fit.holdout {
      blocks.append(Block(name: "heldout", columns: ["tokens", "loss"], rows: h.predictions.map { [$0.tokens, $0.observed] }))
      plots.append("$heldout using 1:2 with points pt 4 ps 1 lw 1.5 lc rgb '#d62728' title 'held out (\(h.criterion.description))'")
    }
    if let all {
      let faded = (0..<all.count).filter {
        !kept.contains(all.lines[$0]) && !heldOutLines.contains(all.lines[$0]) && all.tokens[$0] > 0 && all.loss[$0].isFinite
      }
        .map { [all.tokens[$0], all.loss[$0]] }
      if !faded.isEmpty {
        blocks.append(Block(name: "filtered", columns: ["tokens", "loss"], rows: faded))
        plots.append("$filtered using 1:2 with points pt 6 ps 0.6 lc rgb '#B0B0B0' title 'removed by filters'")
      }
    }
    let runs = d.run ?? d.params.map { shortCount($0) }
    var order: [String] = []
    for r in runs where !order.contains(r) { order.append(r) }
    for (k, n) in sizes.enumerated() {
      // One block per size, runs separated by blank lines so `with linespoints` breaks between runs.
      var rows: [[Double]] = []
      for r in order {
        let idx = (0..<d.count).filter { runs[$0] == r && index[d.params[$0]] == k }.sorted { d.tokens[$0] < d.tokens[$1] }
        if idx.isEmpty { continue }
        if !rows.isEmpty { rows.append([]) }
        rows += idx.map { [d.tokens[$0], d.loss[$0]] }
      }
      if rows.isEmpty { continue }
      blocks.append(Block(name: "runs\(k)", columns: ["tokens", "loss"], rows: rows))
      plots.append("$runs\(k) using 1:2 with linespoints pt 7 ps 0.5 lw 1 lc rgb '\(GnuplotScript.color(k))' title 'N = \(shortCount(n))'")
      if usesNAndD(fit) {
        let ts = d.tokens.filter { $0 > 0 }
        let curve = logSpace((ts.min() ?? 1) / 1.5, (ts.max() ?? 10) * 1.5, 100).map { t -> [Double] in
          [t, predict(fit, params: n, tokens: t, flops: 6 * n * t)]
        }
        blocks.append(Block(name: "fit\(k)", columns: ["tokens", "fitted loss"], rows: curve))
        plots.append("$fit\(k) using 1:2 with lines dt 2 lw 2 lc rgb '\(GnuplotScript.color(k))' notitle")
      }
    }
    return GnuplotScript(
      name: name,
      caption: "Training curves: loss against tokens for every run, with the fitted law for each size (dashed).\nGrey circles are points the filters removed (warm-up, excluded runs). Look for: where the curves leave the fitted law.",
      blocks: blocks,
      settings: [
        "set title 'Checkpoint curves and the \(fit.law) fit'", "set logscale x", "set format x '10^{%L}'",
        "set xlabel 'tokens D'", "set ylabel 'loss'", "set key outside right top", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }

  /// 3. IsoFLOP profiles: loss against N at each budget, the curve fitted in ln N (the shared
  /// shape, or the parabola), and its vertex (hollow when outside the sampled sizes).
  public static func isoflopProfiles(_ r: ApproachResult, name: String = "isoflop-profiles") -> GnuplotScript {
    var blocks: [Block] = []
    var plots: [String] = []
    var vertices: [[Double]] = [], edges: [[Double]] = []
    for (k, b) in r.budgets.enumerated() {
      let color = GnuplotScript.color(k)
      blocks.append(Block(name: "points\(k)", columns: ["params", "loss"], rows: b.samples.map { [$0.0, $0.1] }.sorted { $0[0] < $1[0] }))
      plots.append("$points\(k) using 1:2 with points pt 7 ps 1 lc rgb '\(color)' title 'C = \(String(format: "%.2g", b.flops))'")
      if let range = b.sampledParams, b.profile(atLogParams: log(range.lowerBound)) != nil {
        let curve = logSpace(range.lowerBound, range.upperBound, 60).map { n -> [Double] in
          [n, b.profile(atLogParams: log(n))!]
        }
        blocks.append(Block(name: "curve\(k)", columns: ["params", "fitted_loss"], rows: curve))
        plots.append("$curve\(k) using 1:2 with lines lw 1.5 lc rgb '\(color)' notitle")
      }
      if b.vertexInRange { vertices.append([b.params, b.loss]) } else { edges.append([b.params, b.loss]) }
    }
    if !vertices.isEmpty {
      blocks.append(Block(name: "vertices", columns: ["params", "loss"], rows: vertices))
      plots.append("$vertices using 1:2 with points pt 3 ps 2.5 lw 2 lc rgb 'black' title 'vertex (optimum)'")
    }
    if !edges.isEmpty {
      blocks.append(Block(name: "edges", columns: ["params", "loss"], rows: edges))
      plots.append("$edges using 1:2 with points pt 6 ps 2.5 lw 2 lc rgb '#d62728' title 'vertex outside sampled sizes'")
    }
    return GnuplotScript(
      name: name,
      caption: "IsoFLOP profiles: loss against model size at each compute budget, with the curve fitted in ln N (one shape shared by every budget; --vertex parabola: a parabola per budget) and its vertex.\nLook for: vertices inside the sampled sizes (red circles are not), and a grid centred on each vertex (off-centre grids bias it).",
      blocks: blocks,
      settings: [
        "set title 'IsoFLOP profiles (Approach 2): a = \(String(format: "%.3f", r.a)), b = \(String(format: "%.3f", r.b))'",
        "set logscale x", "set format x '10^{%L}'", "set xlabel 'parameters N'", "set ylabel 'loss'",
        "set key outside right top", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }

  /// 4. N_opt(C) and D_opt(C) from the fit, with bootstrap bands, against Kaplan's and
  /// Chinchilla's (Epoch) lines.
  public static func optimalAllocation(_ fit: LawFit, name: String = "optimal-allocation") -> GnuplotScript? {
    guard let c = chinchilla(fit) else { return nil }
    let budgets = logSpace(1e18, 1e25, 50)
    let epoch = ChinchillaConstants.epoch
    let kaplan = KaplanFrontier()
    var rows: [[Double]] = []
    let set = fit.parameterSet
    let samples = (fit.bootstrap?.samples ?? []).compactMap { ChinchillaConstants(resample: $0, of: set) }
    let lo = (1 - (fit.bootstrap?.confidence ?? 0.95)) / 2
    for C in budgets {
      var r = [C, c.optimalParams(flops: C), c.optimalTokens(flops: C), epoch.optimalParams(flops: C),
               epoch.optimalTokens(flops: C), kaplan.optimalParams(flops: C), kaplan.optimalTokens(flops: C)]
      if samples.count >= 2 {
        let ns = samples.map { $0.optimalParams(flops: C) }, ds = samples.map { $0.optimalTokens(flops: C) }
        r += [percentile(ns, lo), percentile(ns, 1 - lo), percentile(ds, lo), percentile(ds, 1 - lo)]
      }
      rows.append(r)
    }
    var columns = ["flops", "N_opt fit", "D_opt fit", "N_opt Epoch", "D_opt Epoch", "N_opt Kaplan", "D_opt Kaplan"]
    var plots: [String] = []
    if samples.count >= 2 {
      columns += ["N lo", "N hi", "D lo", "D hi"]
      plots += [
        "$alloc using 1:8:9 with filledcurves lc rgb '#801f77b4' title 'N_{opt} \(Int(100 * (1 - 2 * lo)))% band'",
        "$alloc using 1:10:11 with filledcurves lc rgb '#80ff7f0e' title 'D_{opt} \(Int(100 * (1 - 2 * lo)))% band'",
      ]
    }
    plots += [
      "$alloc using 1:2 with lines lw 2.5 lc rgb '#1f77b4' title 'N_{opt}(C), this fit'",
      "$alloc using 1:3 with lines lw 2.5 lc rgb '#ff7f0e' title 'D_{opt}(C), this fit'",
      "$alloc using 1:4 with lines lw 1.5 dt 2 lc rgb '#1f77b4' title 'N_{opt}, Chinchilla (Epoch 2024)'",
      "$alloc using 1:5 with lines lw 1.5 dt 2 lc rgb '#ff7f0e' title 'D_{opt}, Chinchilla (Epoch 2024)'",
      "$alloc using 1:6 with lines lw 1.5 dt 3 lc rgb '#1f77b4' title 'N_{opt}, Kaplan 2020'",
      "$alloc using 1:7 with lines lw 1.5 dt 3 lc rgb '#ff7f0e' title 'D_{opt}, Kaplan 2020'",
    ]
    return GnuplotScript(
      name: name,
      caption: "Compute-optimal parameters and tokens against budget from this fit (solid, with bootstrap bands when bootstrapped),\nagainst Chinchilla (Epoch 2024, dashed) and Kaplan 2020 (dotted). Look for: the slopes a and b, and how far the bands open at large C.",
      blocks: [Block(name: "alloc", columns: columns, rows: rows)],
      settings: [
        "set title 'Compute-optimal allocation'", "set logscale xy", "set format x '10^{%L}'", "set format y '10^{%L}'",
        "set xlabel 'training compute C (FLOPs)'", "set ylabel 'parameters N  /  tokens D'", "set key left top",
        "set grid", "set style fill transparent solid 0.35 noborder",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }

  /// 5a. Log residuals against compute.
  public static func residuals(_ fit: LawFit, name: String = "residuals") -> GnuplotScript {
    let d = fit.dataset
    let (sizes, index) = sizeIndex(d)
    var blocks: [Block] = []
    var plots: [String] = []
    let fitted = fittedValues(fit)
    // Against compute; curves of one size without N (a multi-power fit) against the step.
    let byCompute = d.flops.allSatisfy { $0.isFinite }
    let x = byCompute ? d.flops : (d.step ?? (0..<d.count).map(Double.init))
    let xName = byCompute ? "flops" : "step"
    // Without model sizes (a one-size curve law), one series of every point.
    let series = sizes.isEmpty ? [Double.nan] : sizes
    for (k, n) in series.enumerated() {
      let rows = (0..<d.count).filter { sizes.isEmpty || index[d.params[$0]] == k }.map { i -> [Double] in
        let pred = fitted[i]
        return [x[i], log(pred) - log(d.loss[i])]
      }
      blocks.append(Block(name: "res\(k)", columns: [xName, "log L_pred - log L_obs"], rows: rows))
      plots.append("$res\(k) using 1:2 with points pt 7 ps 0.8 lc rgb '\(GnuplotScript.color(k))' title '\(n.isNaN ? "every point" : "N = \(shortCount(n))")'")
    }
    plots.append("0 with lines lc rgb 'black' notitle")
    return GnuplotScript(
      name: name,
      caption: "Residuals in log space (log predicted minus log observed) against \(byCompute ? "compute" : "the step").\nLook for: structure. A trend with \(byCompute ? "C" : "the step") or a band per size means the law's form does not fit; random scatter around 0 is good.",
      blocks: blocks,
      settings: [
        "set title 'Residuals of the \(fit.law) fit (log space)'", "set logscale x", "set format x '10^{%L}'",
        "set xlabel '\(byCompute ? "training compute C (FLOPs)" : "step")'", "set ylabel 'log L_{pred} - log L_{obs}'", "set key outside right top",
        "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }

  /// 5b. Predicted against observed loss, with held-out points marked.
  public static func predictedVsObserved(_ fit: LawFit, name: String = "predicted-vs-observed") -> GnuplotScript {
    let d = fit.dataset
    let fitted = fittedValues(fit)
    var rows = (0..<d.count).map { i in [d.loss[i], fitted[i]] }
    var blocks = [Block(name: "fitted", columns: ["observed", "predicted"], rows: rows)]
    var plots = ["$fitted using 1:2 with points pt 7 ps 0.8 lc rgb '#1f77b4' title 'points used by the fit'"]
    var all = rows.flatMap { $0 }
    if let h = fit.holdout {
      rows = h.predictions.map { [$0.observed, $0.predicted, $0.interval?.0 ?? $0.predicted, $0.interval?.1 ?? $0.predicted] }
      blocks.append(Block(name: "heldout", columns: ["observed", "predicted", "lo", "hi"], rows: rows))
      plots.append("$heldout using 1:2:3:4 with yerrorbars pt 5 ps 1.2 lc rgb '#d62728' title 'held out (\(h.criterion.description))'")
      all += rows.flatMap { $0.prefix(2) }
    }
    let lo = (all.filter { $0.isFinite }.min() ?? 1) * 0.97, hi = (all.filter { $0.isFinite }.max() ?? 2) * 1.03
    blocks.append(Block(name: "diagonal", columns: ["x", "y"], rows: [[lo, lo], [hi, hi]]))
    plots.append("$diagonal using 1:2 with lines lc rgb 'black' dt 2 title 'predicted = observed'")
    return GnuplotScript(
      name: name,
      caption: "Predicted against observed loss. Held-out points (red, with bootstrap intervals) test extrapolation.\nLook for: held-out points on the diagonal, inside their intervals.",
      blocks: blocks,
      settings: [
        "set title 'Predicted vs observed loss'", "set xlabel 'observed loss'", "set ylabel 'predicted loss'",
        "set key left top", "set grid", "set size ratio -1",
        "set xrange [\(GnuplotScript.format(lo)):\(GnuplotScript.format(hi))]",
        "set yrange [\(GnuplotScript.format(lo)):\(GnuplotScript.format(hi))]",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }

  /// 6. The bootstrap distribution of the two exponents.
  public static func bootstrapExponents(_ fit: LawFit, name: String = "bootstrap-exponents") -> GnuplotScript? {
    guard let b = fit.bootstrap, b.samples.count >= 2 else { return nil }
    let names = fit.parameterNames
    let exps = names.indices.filter { fit.exponentNames.contains(names[$0]) }
    guard exps.count >= 1 else { return nil }
    let i = exps[0], j = exps.count > 1 ? exps[1] : nil
    let xName = names[i], yName = j.map { names[$0] } ?? "E"
    let jj = j ?? names.firstIndex(of: "E") ?? (i == 0 ? 1 : 0)
    let rows = b.samples.map { [$0[i], $0[jj]] }
    return GnuplotScript(
      name: name,
      caption: "Bootstrap distribution of \(xName) and \(yName) (\(b.samples.count) resamples by \(b.unit.rawValue), seed \(b.seed)); the cross is the fit to all points.\nLook for: the spread (the exponents' real uncertainty) and its tilt (their correlation).",
      blocks: [
        Block(name: "samples", columns: [xName, yName], rows: rows),
        Block(name: "fit", columns: [xName, yName], rows: [[fit.parameters[i], fit.parameters[jj]]]),
      ],
      settings: [
        "set title 'Bootstrap: \(xName) vs \(yName)'", "set xlabel '\(xName)'", "set ylabel '\(yName)'",
        "set key left top", "set grid",
      ],
      plot: "plot $samples using 1:2 with points pt 7 ps 0.4 lc rgb '#801f77b4' title 'resamples', \\\n     $fit using 1:2 with points pt 2 ps 3 lw 3 lc rgb '#d62728' title 'full-data fit'")
  }

  /// 7. Tokens per parameter of the plan against compute, with the 20 tokens/param rule of thumb.
  public static func tokensPerParameter(_ plan: [Allocation], lawName: String, name: String = "tokens-per-param") -> GnuplotScript {
    var rows: [[Double]] = []
    var hasBand = false
    for a in plan {
      var r = [a.flops, a.tokensPerParam, 20]
      if let n = a.intervals["params"], let d = a.intervals["tokens"] {
        // Ratio band from the interval ends (conservative: D_lo/N_hi to D_hi/N_lo).
        r += [d.0 / n.1, d.1 / n.0]
        hasBand = true
      }
      rows.append(r)
    }
    var plots: [String] = []
    var cols = ["flops", "tokens per parameter", "20"]
    if hasBand {
      cols += ["lo", "hi"]
      plots.append("$plan using 1:4:5 with filledcurves lc rgb '#801f77b4' title 'bootstrap band'")
    }
    plots += [
      "$plan using 1:2 with linespoints pt 7 lw 2.5 lc rgb '#1f77b4' title 'plan (\(lawName))'",
      "$plan using 1:3 with lines dt 2 lw 1.5 lc rgb 'black' title '20 tokens per parameter'",
    ]
    return GnuplotScript(
      name: name,
      caption: "Tokens per parameter of the compute-optimal plan against budget, with the 20 tokens/parameter rule of thumb.\nLook for: how far this law's plan departs from 20, and in which direction as C grows.",
      blocks: [Block(name: "plan", columns: cols, rows: rows)],
      settings: [
        "set title 'Tokens per parameter of the compute-optimal plan'", "set logscale x", "set format x '10^{%L}'",
        "set logscale y", "set format y '%g'", "set xlabel 'training compute C (FLOPs)'", "set ylabel 'D / N'", "set key left top", "set grid",
        "set style fill transparent solid 0.35 noborder",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }
}
