import Foundation

/// Figures of the learning-rate-aware laws: each run's fitted curve through its checkpoints, and
/// the predicted curves of other schedules for the largest model.
extension ReportFigures {
  /// The fitted loss at every point of the fit's own dataset.
  static func fittedValues(_ fit: LawFit) -> [Double] {
    PointPredictor(law: fit.model, dataset: fit.dataset)(fit.parameters)
  }

  /// The law's loss along `schedule` at `steps`, for a model of `params` parameters.
  static func curve(_ fit: LawFit, schedule: RunSchedule, params: Double, steps: [Int], decay: Double) -> [Double] {
    let a = schedule.areas(at: steps, annealingDecay: decay)
    var c = CurveFeatures(
      schedules: [schedule], runIndex: steps.map { _ in 0 }, step: steps, lr: steps.map { schedule.rates[$0] },
      area: a.area, tokenArea: a.tokenArea, annealing: a.annealing, annealingDecay: decay)
    c.options = fit.dataset.curve?.options ?? ScheduleOptions()
    var d = Dataset(
      file: "curve", params: steps.map { _ in params }, tokens: steps.map { Double($0) * (schedule.tokensPerStep ?? .nan) },
      flops: steps.map { _ in .nan }, loss: steps.map { _ in .nan }, step: steps.map(Double.init))
    d.curve = c
    return PointPredictor(law: fit.model, dataset: d)(fit.parameters)
  }

  /// Steps from `first` to `last`, 120 of them spaced evenly in log.
  static func logSteps(_ first: Int, _ last: Int) -> [Int] {
    var out: [Int] = []
    for s in logSpace(Double(max(first, 1)), Double(max(last, 1)), 120).map({ Int($0.rounded()) }) where out.last != s {
      out.append(min(s, last))
    }
    return out
  }

  /// 2b. Checkpoint curves of a learning-rate-aware fit: each run's checkpoints (x = tokens, or
  /// steps without tokens per step) and the law's curve along the run's own schedule (dashed).
  public static func scheduleCurves(_ fit: LawFit, name: String = "checkpoint-curves") -> GnuplotScript? {
    guard let c = fit.dataset.curve else { return nil }
    let d = fit.dataset
    let (sizes, index) = sizeIndex(d)
    let useTokens = c.schedules.allSatisfy { $0.tokensPerStep != nil }
    var blocks: [Block] = []
    var plots: [String] = []
    for (r, s) in c.schedules.enumerated() {
      let idx = (0..<d.count).filter { c.runIndex[$0] == r }.sorted { c.step[$0] < c.step[$1] }
      guard let first = idx.first, let last = idx.last else { continue }
      let n = d.params[first]
      let k = index[n] ?? 0
      let x = { (step: Int) -> Double in useTokens ? Double(step) * s.tokensPerStep! : Double(step) }
      blocks.append(Block(name: "run\(r)", columns: [useTokens ? "tokens" : "step", "loss"], rows: idx.map { [x(c.step[$0]), d.loss[$0]] }))
      let title = sizes.count > 1 ? "'N = \(shortCount(n))'" : "'\(s.run)'"
      let firstOfSize = !(0..<r).contains { q in
        (0..<d.count).contains { c.runIndex[$0] == q && index[d.params[$0]] == k }
      }
      let color = GnuplotScript.color(sizes.count > 1 ? k : r)
      plots.append("$run\(r) using 1:2 with points pt 7 ps 0.6 lc rgb '\(color)' \(sizes.count > 1 && !firstOfSize ? "notitle" : "title \(title) noenhanced")")
      let steps = logSteps(c.step[first], c.step[last])
      let fitted = curve(fit, schedule: s, params: n, steps: steps, decay: c.annealingDecay)
      blocks.append(Block(name: "law\(r)", columns: [useTokens ? "tokens" : "step", "fitted loss"], rows: zip(steps, fitted).map { [x($0), $1] }))
      plots.append("$law\(r) using 1:2 with lines dt 2 lw 1.5 lc rgb '\(color)' notitle")
    }
    return GnuplotScript(
      name: name,
      caption: "Every checkpoint and the \(fit.law) law along each run's own learning-rate schedule (dashed).\nLook for: the dashed curve through its run's points, including the drop as the rate decays at the end of each schedule.",
      blocks: blocks,
      settings: [
        "set title 'Checkpoint curves and the \(fit.law) fit'", "set logscale x", "set format x '10^{%L}'",
        "set xlabel '\(useTokens ? "tokens D" : "step")'", "set ylabel 'loss'", "set key outside right top", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }

  /// 2c. The predicted curves of the largest model under cosine, WSD (linear decay over the last
  /// 20%) and constant schedules of the same length, warm-up and peak rate as its longest run.
  public static func scheduleComparison(_ fit: LawFit, name: String = "schedule-comparison") -> GnuplotScript? {
    guard let c = fit.dataset.curve else { return nil }
    let d = fit.dataset
    // The largest size, or NaN for a one-size law without a params column.
    let nMax = d.params.filter { $0.isFinite }.max() ?? .nan
    let runs = Set((0..<d.count).filter { d.params[$0] == nMax || nMax.isNaN }.map { c.runIndex[$0] })
    guard let longest = runs.max(by: { c.schedules[$0].rates.count < c.schedules[$1].rates.count }) else { return nil }
    let base = c.schedules[longest]
    let total = base.spec?.totalSteps ?? base.rates.count - 1
    let warmup = base.spec?.warmupSteps ?? base.warmupEnd
    let peak = base.peakLR
    let fraction = base.spec?.finalLRFraction ?? 0.1
    guard total > 10, warmup < total - 1 else { return nil }
    let specs: [(String, LearningRateSchedule?)] = [
      ("cosine", try? LearningRateSchedule(kind: .cosine, totalSteps: total, warmupSteps: warmup, peakLR: peak, finalLRFraction: fraction)),
      ("WSD, linear decay over the last 20%", try? LearningRateSchedule(kind: .wsdLinear, totalSteps: total, warmupSteps: warmup, peakLR: peak, finalLRFraction: fraction, decayStart: max(warmup, total * 4 / 5))),
      ("constant", try? LearningRateSchedule(kind: .constant, totalSteps: total, warmupSteps: warmup, peakLR: peak)),
    ]
    let useTokens = base.tokensPerStep != nil
    var blocks: [Block] = []
    var plots: [String] = []
    let first = max(1, (0..<d.count).filter { c.runIndex[$0] == longest }.map { c.step[$0] }.min() ?? warmup + 1)
    let steps = logSteps(first, total)
    for (k, (label, spec)) in specs.enumerated() {
      guard let spec else { continue }
      let s = RunSchedule(run: label, spec: spec, through: total, tokensPerStep: base.tokensPerStep)
      let y = curve(fit, schedule: s, params: nMax, steps: steps, decay: c.annealingDecay)
      blocks.append(Block(name: "s\(k)", columns: [useTokens ? "tokens" : "step", "predicted loss"],
                          rows: zip(steps, y).map { [useTokens ? Double($0) * base.tokensPerStep! : Double($0), $1] }))
      plots.append("$s\(k) using 1:2 with lines lw 2 lc rgb '\(GnuplotScript.color(k))' title '\(label)'")
    }
    let size = nMax.isNaN ? "" : " (N = \(shortCount(nMax)))"
    return GnuplotScript(
      name: name,
      caption: "Predicted loss curves of the largest model\(size) under three schedules of \(total) steps (warm-up \(warmup), peak \(String(format: "%.3g", peak))).\nLook for: where the curves end. The constant rate never anneals; WSD stays level until its decay and then drops; the lowest end is the schedule this fit prefers for this model.",
      blocks: blocks,
      settings: [
        "set title 'Schedules compared by the \(fit.law) fit\(size)'", "set logscale x", "set format x '10^{%L}'",
        "set xlabel '\(useTokens ? "tokens D" : "step")'", "set ylabel 'loss'", "set key outside below horizontal", "set bmargin 5", "set grid",
      ],
      plot: "plot " + plots.joined(separator: ", \\\n     "))
  }
}
