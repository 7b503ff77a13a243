import Foundation

extension Report {
  /// The downstream section: both steps of the model ladder and what each predicts for the
  /// held-out rows.
  static func ladderSection(_ l: Ladder.Result, level: String = "##") -> String {
    let metric = l.step2.dataset.columnName(.y) ?? "y", task = l.step1.dataset.columnName(.loss) ?? "loss"
    if l.isDirect { return directSection(l, level: level) }
    var md = "\(level) Downstream: \(metric) from N and D through \(task) (model ladder)\n\n"
    if !l.options.summary.isEmpty { md += "Options: \(l.options.summary).\n\n" }
    if let c = l.choice, c.size != nil { md += "Method: \(c.reason).\n\n" }
    md += "Step 1 fits \(l.step1.law) to \(task) (\(l.step1.points) points): \(l.step1.formula). "
    md += "Step 2 fits the sigmoid of \(metric) against \(task) (\(l.step2.points) points, least squares on \(metric)): "
    md += zip(l.step2.parameterNames, l.step2.parameters).map { "\($0) = \(number("%.4g", $1))\(l.step2.fixed[$0] != nil ? " (fixed)" : "")" }.joined(separator: ", ")
    md += l.step2.yRange.map {
      l.step2.levelsBounded
        ? "; both levels kept inside [\(fmt($0.lowerBound)), \(fmt($0.upperBound))] (the unbounded curve left it within the data)"
        : "; the curve inside [\(fmt($0.lowerBound)), \(fmt($0.upperBound))] over the data"
    } ?? "; no y-range"
    md += ". Both \(l.step1.converged && l.step2.converged ? "converged" : "did NOT both converge").\n\n"
    if let p = l.predictability {
      md += p.predictable
        ? "Predictable at this ladder size: \(p.reason).\n\n"
        : "**Unpredictable at this ladder size**: \(p.reason). The chained intervals below are the chance-to-ceiling range [\(number("%.3f", p.range.lowerBound)), \(number("%.3f", p.range.upperBound))]: read the point predictions as a guess.\n\n"
    }
    func pct(_ e: (mean: Double, max: Double, count: Int)?) -> String {
      e.map { String(format: "%.2f%% (max %.2f%%)", 100 * $0.mean, 100 * $0.max) } ?? "n/a"
    }
    func pts(_ e: (mean: Double, max: Double, count: Int)?) -> String {
      e.map { String(format: "%.2f (max %.2f) points", 100 * $0.mean, 100 * $0.max) } ?? "n/a"
    }
    md += "| \(l.heldOut ? "held-out rows" : "rows (in sample)") | all | final checkpoints |\n|---|---|---|\n"
    md += "| step 1 alone: mean \\|relative error\\| of \(task) | \(pct(l.summary(Ladder.Result.step1Error))) | \(pct(l.summary(Ladder.Result.step1Error, finalsOnly: true))) |\n"
    md += "| step 2 alone (at the observed \(task)): mean \\|error\\| | \(pts(l.summary(Ladder.Result.step2Error))) | \(pts(l.summary(Ladder.Result.step2Error, finalsOnly: true))) |\n"
    md += "| chained (from N and D only): mean \\|error\\| | \(pts(l.summary(Ladder.Result.chainedError))) | \(pts(l.summary(Ladder.Result.chainedError, finalsOnly: true))) |\n\n"
    let finals = l.rows.filter { $0.isFinal }
    if !finals.isEmpty {
      md += "| line | run | N | \(task) observed | predicted | \(metric) observed | step 2 alone | chained | interval |\n"
      md += "|---:|---|---:|---:|---:|---:|---:|---:|---|\n"
      for r in finals {
        md += "| \(r.line) | \(r.run ?? "") | \(shortCount(r.params)) | \(number("%.4f", r.observedX)) | \(number("%.4f", r.predictedX)) | \(r.observedY.map { number("%.4f", $0) } ?? "") | \(number("%.4f", r.step2Alone)) | \(number("%.4f", r.chained)) | \(r.interval.map { String(format: "%.4f – %.4f", $0.0, $0.1) } ?? "") |\n"
      }
      md += "\n"
    }
    let warnings = l.step1.warnings.map { "step 1: \($0)" } + l.step2.warnings.map { "step 2: \($0)" }
    if !warnings.isEmpty { md += warnings.map { "- \($0)\n" }.joined() + "\n" }
    return md
  }

  /// A task predicted by the direct law: the sigmoid of its metric against log10 C, and why.
  static func directSection(_ l: Ladder.Result, level: String) -> String {
    let metric = l.step2.dataset.columnName(.y) ?? "y"
    var md = "\(level) Downstream: \(metric) from log10 C directly (one step)\n\n"
    if let c = l.choice { md += "Method: \(c.reason).\n\n" }
    md += "The sigmoid of \(metric) against log10 C (C = 6ND; \(l.step2.points) points, least squares on \(metric)): "
    md += zip(l.step2.parameterNames, l.step2.parameters).map { "\($0) = \(number("%.4g", $1))\(l.step2.fixed[$0] != nil ? " (fixed)" : "")" }.joined(separator: ", ")
    md += ". \(l.step2.converged ? "Converged" : "Did NOT converge").\n\n"
    if let p = l.predictability {
      md += p.predictable
        ? "Predictable at this ladder size: \(p.reason).\n\n"
        : "**Unpredictable at this ladder size**: \(p.reason). The intervals below are the chance-to-ceiling range.\n\n"
    }
    if let e = l.summary(Ladder.Result.chainedError, finalsOnly: true) {
      md += "Held-out final checkpoints: mean |error| \(String(format: "%.2f (max %.2f)", 100 * e.mean, 100 * e.max)) points.\n\n"
    }
    let finals = l.rows.filter { $0.isFinal }
    if !finals.isEmpty {
      md += "| line | run | N | log10 C | \(metric) observed | predicted | interval |\n|---:|---|---:|---:|---:|---:|---|\n"
      for r in finals {
        md += "| \(r.line) | \(r.run ?? "") | \(shortCount(r.params)) | \(number("%.4f", r.observedX)) | \(r.observedY.map { number("%.4f", $0) } ?? "") | \(number("%.4f", r.chained)) | \(r.interval.map { String(format: "%.4f – %.4f", $0.0, $0.1) } ?? "") |\n"
      }
      md += "\n"
    }
    if !l.step2.warnings.isEmpty { md += l.step2.warnings.map { "- \($0)\n" }.joined() + "\n" }
    return md
  }

  /// Every task's ladder on one table: the held-out finals' errors of each step and of the chain,
  /// how many finals the chained interval covers, and the metric each chain predicts for the
  /// plan's models (``PlanExtras/downstream(_:plan:)``).
  static func ladderOverview(_ ladders: [Ladder.Result], plan: [Allocation], atPlan: [[Double?]]) -> String {
    var md = "## Downstream: \(ladders.count) tasks (model ladder)\n\n"
    let heldOut = ladders.first?.heldOut ?? false
    md += "Each task's two steps (step 1: its task loss from N and D with this report's law; step 2: the sigmoid of its metric against the task loss) are fitted "
    md += heldOut ? "without the held-out models and scored on their final checkpoints (points = accuracy × 100). " : "to every row (in sample). "
    md += "The last columns are the metric each chain predicts for the plan's models (below), at the end of a run as the plan reads it.\n\n"
    md += "| metric | predictable | step 1: task loss, mean \\|error\\| | step 2 alone, points | chained, points (max) | finals inside the chained interval |"
    md += plan.map { " at \(number("%.0e", $0.flops)) |" }.joined() + "\n"
    md += "|---|---|---:|---:|---:|---:|" + String(repeating: "---:|", count: plan.count) + "\n"
    for (k, l) in ladders.enumerated() {
      let metric = l.step2.dataset.columnName(.y) ?? "y"
      let s1 = l.isDirect ? "direct law (log10 C)" : l.summary(Ladder.Result.step1Error, finalsOnly: true).map { number("%.2f%%", 100 * $0.mean) } ?? "n/a"
      let s2 = l.isDirect ? "-" : l.summary(Ladder.Result.step2Error, finalsOnly: true).map { number("%.2f", 100 * $0.mean) } ?? "n/a"
      let ch = l.summary(Ladder.Result.chainedError, finalsOnly: true).map { String(format: "%.2f (%.2f)", 100 * $0.mean, 100 * $0.max) } ?? "n/a"
      let finals = l.rows.filter { $0.isFinal && $0.observedY != nil }
      let covered = finals.filter { r in r.interval.map { $0.0 <= r.observedY! && r.observedY! <= $0.1 } ?? false }.count
      let cover = finals.contains { $0.interval != nil } ? "\(covered)/\(finals.count)" : "no intervals"
      let verdict = l.predictability.map { $0.predictable ? "yes" : "**no**" } ?? "n/a"
      md += "| \(metric) | \(verdict) | \(s1) | \(s2) | \(ch) | \(cover) |"
      md += (k < atPlan.count ? atPlan[k] : []).map { " \($0.map { number("%.3f", $0) } ?? "n/a") |" }.joined() + "\n"
    }
    if atPlan.contains(where: { $0.contains { $0 == nil } }) {
      md += "\nn/a: the chain gives no finite metric for that planned model: step 1 or step 2 did not converge, or step 1 is a curve law whose annealing bonus C·S2 reaches its floor E at the end of a long run (E driven to ~0; see its warnings), so it has no end-of-run task loss to feed step 2.\n"
    }
    let all = ladders.compactMap { $0.summary(Ladder.Result.chainedError, finalsOnly: true)?.mean }
    if !all.isEmpty {
      md += "\nMean chained error over the \(all.count) tasks: \(number("%.2f", 100 * all.reduce(0, +) / Double(all.count))) points"
      let good = ladders.filter { $0.predictability?.predictable ?? true }.compactMap { $0.summary(Ladder.Result.chainedError, finalsOnly: true)?.mean }
      if good.count < all.count, !good.isEmpty {
        md += "; over the \(good.count) called predictable: \(number("%.2f", 100 * good.reduce(0, +) / Double(good.count)))"
      }
      md += ". A task is called predictable from the data alone: its metric must move at least \(Int(Predictability.minimumSignalToNoise))x its checkpoint-to-checkpoint noise over the fitted runs, and step 2 refitted without the largest fitted size must predict that size's finals within \(number("%.1f", 100 * Predictability.tolerance)) points (or three noise units). An unpredictable task's intervals are its chance-to-ceiling range.\n"
      for l in ladders where !(l.predictability?.predictable ?? true) {
        md += "- \(l.step2.dataset.columnName(.y) ?? "y"): \(l.predictability!.reason)\n"
      }
      if let o = ladders.first?.options, !o.summary.isEmpty {
        md += "\nOptions: \(o.summary). A task the chain cannot confirm is predicted by the direct law (its metric from log10 C in one sigmoid) when that law, refitted without the largest fitted size, predicts that size's finals better than the chain does; intervals are the paired bootstrap's percentiles widened by the fitted runs' final scatter around the curve.\n"
      }
      for l in ladders where l.isDirect {
        md += "- \(l.step2.dataset.columnName(.y) ?? "y"): \(l.choice?.reason ?? "the direct law")\n"
      }
    }
    return md + "\n"
  }
}
