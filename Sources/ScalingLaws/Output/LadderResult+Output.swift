import Foundation

/// Text, CSV and JSON renderings of `scaling ladder`.
extension Ladder.Result {
  /// `task` is the metric column, `x_quantity` what observed_x and predicted_x hold (the task-loss
  /// column, or log10(C) for a task fitted by the direct method), so that the rows of several
  /// tasks in one file stay apart.
  public static let csvHeader = [
    "task", "x_quantity", "file", "line", "run", "step", "params", "tokens", "final", "observed_x", "predicted_x", "observed", "step2_alone",
    "predicted", "lower", "upper", "error",
  ]

  /// The CSV of several ladders: one header, then every ladder's rows.
  public static func csvDocument(_ results: [Ladder.Result]) -> String {
    csvHeader.joined(separator: ",") + "\n" + results.map { $0.csv.split(separator: "\n", maxSplits: 1).dropFirst().joined() }.joined()
  }

  public var csv: String {
    var out = Self.csvHeader.joined(separator: ",") + "\n"
    for r in rows {
      let fields: [String] = [
        metricName, xQuantity, step1.file, String(r.line), r.run ?? "", r.step.map(csvNumber) ?? "", csvNumber(r.params), csvNumber(r.tokens), r.isFinal ? "1" : "0",
        csvNumber(r.observedX), csvNumber(r.predictedX), r.observedY.map(csvNumber) ?? "", csvNumber(r.step2Alone), csvNumber(r.chained),
        r.interval.map { csvNumber($0.0) } ?? "", r.interval.map { csvNumber($0.1) } ?? "", Self.chainedError(r).map(csvNumber) ?? "",
      ]
      out += fields.map(csvEscape).joined(separator: ",") + "\n"
    }
    return out
  }

  /// The task's metric column.
  var metricName: String { step2.dataset.columnName(.y) ?? "y" }
  /// What the x of step 2 is: the task-loss column, or log10(C) for the direct method.
  var xQuantity: String { isDirect ? "log10(C)" : step1.dataset.columnName(.loss) ?? "loss" }

  func summaryJSON(_ e: (mean: Double, max: Double, count: Int)?, relative: Bool) -> JSONValue {
    guard let e else { return .null }
    let key = relative ? "abs_rel_error" : "abs_error"
    return .object([("points", .int(e.count)), ("mean_\(key)", .num(e.mean)), ("max_\(key)", .num(e.max))])
  }

  public var json: JSONValue {
    // The direct method fits one step: no step 1 and no step 2 alone to report.
    let steps: [(String, JSONValue)] = [
      ("step1", isDirect ? .null : summaryJSON(summary(Self.step1Error), relative: true)),
      ("step1_finals", isDirect ? .null : summaryJSON(summary(Self.step1Error, finalsOnly: true), relative: true)),
      ("step2_alone", isDirect ? .null : summaryJSON(summary(Self.step2Error), relative: false)),
      ("step2_alone_finals", isDirect ? .null : summaryJSON(summary(Self.step2Error, finalsOnly: true), relative: false)),
      ("chained", summaryJSON(summary(Self.chainedError), relative: false)),
      ("chained_finals", summaryJSON(summary(Self.chainedError, finalsOnly: true), relative: false)),
    ]
    let rowValues: [JSONValue] = rows.map { r in
      .object([
        ("line", .int(r.line)), ("run", r.run.map { .string($0) } ?? .null), ("step", r.step.map { .num($0) } ?? .null),
        ("params", .num(r.params)), ("tokens", .num(r.tokens)), ("final", .bool(r.isFinal)),
        ("observed_x", .num(r.observedX)), ("predicted_x", .num(r.predictedX)),
        ("observed", r.observedY.map { .num($0) } ?? .null), ("step2_alone", .num(r.step2Alone)),
        ("predicted", .num(r.chained)),
        ("interval", r.interval.map { .array([.num($0.0), .num($0.1)]) } ?? .null),
        ("error", Self.chainedError(r).map { .num($0) } ?? .null),
      ])
    }
    let verdict: [(String, JSONValue)] = predictability.map { p in
      [
        ("predictable", .bool(p.predictable)), ("predictability_reason", .string(p.reason)),
        ("predictability", .object([
          ("signal", .num(p.signal)), ("noise", .num(p.noise)),
          ("internal_error", p.internalError.map { .num($0) } ?? .null),
          ("internal_size", p.internalSize.map { .num($0) } ?? .null),
          ("range", .array([.num(p.range.lowerBound), .num(p.range.upperBound)])),
        ])),
      ]
    } ?? []
    return .object([
      ("metric", .string(metricName)), ("task_loss", .string(xQuantity)),
    ] + verdict + [
      ("held_out", .bool(heldOut)), ("direct", .bool(isDirect)),
      ("method", .string((choice?.method ?? options.method).rawValue)),
      ("method_choice", choice.map { c in
        .object([
          ("two_step_error", c.twoStepError.map { .num($0) } ?? .null), ("direct_error", c.directError.map { .num($0) } ?? .null),
          ("size", c.size.map { .num($0) } ?? .null), ("reason", .string(c.reason)),
        ])
      } ?? .null),
      ("final_scatter", .num(finalScatter)), ("options", .string(options.summary)),
      ("errors", .object(steps)), ("rows", .array(rowValues)),
      ("step1_fit", step1.json), ("step2_fit", step2.json),
    ])
  }

  public var text: String {
    var s = "[[Ladder]] \(step1.file)\(step1.group.map { " [group \($0)]" } ?? "")\n"
    func line(_ fit: LawFit, _ label: String) -> String {
      let params = zip(fit.parameterNames, fit.parameters).map { "\($0) \(number("%.6g", $1))\(fit.fixed[$0] != nil ? " (fixed)" : "")" }
      return "    \(label) = \(fit.law) on \(fit.points) points, \(fit.converged ? "converged" : "NOT CONVERGED"): \(params.joined(separator: ", "))\n"
    }
    if isDirect {
      s += line(step2, "direct ")
      s += "              \(step2.dataset.columnName(.y) ?? "y") against log10 C (C = 6ND), one step: \(step2.formula)\n"
    } else {
      s += line(step1, "step 1 ")
      s += "              task loss \(step1.dataset.columnName(.loss) ?? "loss") from N and D: \(step1.formula)\n"
      s += line(step2, "step 2 ")
      s += "              \(step2.dataset.columnName(.y) ?? "y") against \(step2.dataset.columnName(.x) ?? "x"): \(step2.formula)\n"
    }
    if !options.isDefault { s += "    options = \(options.summary)\n" }
    if let c = choice { s += "    method  = \(c.reason)\n" }
    if let b1 = step1.bootstrap, let b2 = step2.bootstrap {
      s += "    intervals  = \(Int((100 * b2.confidence).rounded()))% percentiles over \(min(b1.samples.count, b2.samples.count)) paired resamples (resample j of step 1 feeds resample j of step 2)\n"
    } else if let b = step1.bootstrap ?? step2.bootstrap {
      s += "    intervals  = \(Int((100 * b.confidence).rounded()))% percentiles over \(b.samples.count) resamples of step \(step1.bootstrap != nil ? 1 : 2) only\n"
    }
    if let p = predictability {
      s += p.predictable
        ? "    predictable = yes: \(p.reason)\n"
        : "    predictable = NO, unpredictable at this ladder size: \(p.reason); the chained intervals are the chance-to-ceiling range [\(number("%.4g", p.range.lowerBound)), \(number("%.4g", p.range.upperBound))]\n"
    }
    let scope = heldOut ? "held-out rows" : "rows (in sample: no holdout)"
    func pct(_ e: (mean: Double, max: Double, count: Int)?) -> String {
      e.map { String(format: "mean %.2f%%, max %.2f%% over %d", 100 * $0.mean, 100 * $0.max, $0.count) } ?? "n/a"
    }
    func pts(_ e: (mean: Double, max: Double, count: Int)?) -> String {
      e.map { String(format: "mean %.4f, max %.4f over %d", $0.mean, $0.max, $0.count) } ?? "n/a (no observed metric)"
    }
    s += "    \(scope):\n"
    if isDirect {
      s += "      direct        |error| from N and D: \(pts(summary(Self.chainedError))); finals \(pts(summary(Self.chainedError, finalsOnly: true)))\n"
    } else {
      s += "      step 1 alone  |rel. error| of the task loss: \(pct(summary(Self.step1Error))); finals \(pct(summary(Self.step1Error, finalsOnly: true)))\n"
      s += "      step 2 alone  |error| at the observed task loss: \(pts(summary(Self.step2Error))); finals \(pts(summary(Self.step2Error, finalsOnly: true)))\n"
      s += "      chained       |error| from N and D: \(pts(summary(Self.chainedError))); finals \(pts(summary(Self.chainedError, finalsOnly: true)))\n"
    }
    for w in isDirect ? [] : step1.warnings { s += "    step 1 warning = \(w)\n" }
    for w in step2.warnings { s += "    step 2 warning = \(w)\n" }
    var table = [["line", "run", "step", "N", "x", "predicted x", "observed", "step 2 alone", "chained", "interval", "error"]]
    for r in rows {
      table.append([
        String(r.line), r.run ?? "", r.step.map { number("%.0f", $0) } ?? "", shortCount(r.params),
        number("%.4f", r.observedX), number("%.4f", r.predictedX),
        r.observedY.map { number("%.4f", $0) } ?? "", number("%.4f", r.step2Alone),
        number("%.4f", r.chained), r.interval.map { "\(number("%.4f", $0.0)) – \(number("%.4f", $0.1))" } ?? "",
        Self.chainedError(r).map { number("%+.4f", $0) } ?? "",
      ])
    }
    let widths = (0..<table[0].count).map { c in table.map { $0[c].count }.max()! }
    for row in table {
      s += "    " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        .trimmingCharacters(in: .whitespaces) + "\n"
    }
    return s
  }
}
