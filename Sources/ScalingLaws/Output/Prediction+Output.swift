import Foundation

/// Text, CSV and JSON renderings of `scaling predict`.
extension Prediction {
  static let csvHeader = ["file", "line", "run", "step", "params", "tokens", "flops", "observed", "predicted", "lower", "upper", "rel_error", "lr"]

  /// Metric predictions (a sigmoid fit, or chained with --then): the x each prediction used and
  /// absolute errors.
  static let metricCSVHeader = [
    "file", "line", "run", "step", "params", "tokens", "flops", "observed_x", "predicted_x", "observed", "predicted",
    "lower", "upper", "error",
  ]

  /// A `group` column at the end when the data were split into groups.
  static func grouped(_ predictions: [Prediction]) -> Bool { predictions.contains { $0.dataset.group != nil } }

  public static func csvDocument(_ predictions: [Prediction]) -> String {
    if predictions.contains(where: { $0.isMetric }) { return metricCSVDocument(predictions) }
    let grouped = grouped(predictions)
    var out = (csvHeader + (grouped ? ["group"] : [])).joined(separator: ",") + "\n"
    for p in predictions {
      for r in p.rows {
        let fields: [String] = [
          p.source, String(r.line), r.run ?? "", r.step.map(csvNumber) ?? "", csvNumber(r.params), csvNumber(r.tokens), csvNumber(r.flops),
          r.observed.map(csvNumber) ?? "", csvNumber(r.predicted), r.lower.map(csvNumber) ?? "", r.upper.map(csvNumber) ?? "",
          r.relError.map(csvNumber) ?? "", r.lr.map(csvNumber) ?? "",
        ]
        out += (fields + (grouped ? [p.dataset.group ?? ""] : [])).map(csvEscape).joined(separator: ",") + "\n"
      }
    }
    return out
  }

  static func metricCSVDocument(_ predictions: [Prediction]) -> String {
    let grouped = grouped(predictions)
    var out = (metricCSVHeader + (grouped ? ["group"] : [])).joined(separator: ",") + "\n"
    for p in predictions {
      for r in p.rows {
        let fields: [String] = [
          p.source, String(r.line), r.run ?? "", r.step.map(csvNumber) ?? "", csvNumber(r.params), csvNumber(r.tokens), csvNumber(r.flops),
          r.observedX.map(csvNumber) ?? "", r.predictedX.map(csvNumber) ?? "", r.observed.map(csvNumber) ?? "", csvNumber(r.predicted),
          r.lower.map(csvNumber) ?? "", r.upper.map(csvNumber) ?? "", r.error.map(csvNumber) ?? "",
        ]
        out += (fields + (grouped ? [p.dataset.group ?? ""] : [])).map(csvEscape).joined(separator: ",") + "\n"
      }
    }
    return out
  }

  func summaryJSON(_ e: (mean: Double, max: Double, count: Int)?) -> JSONValue {
    guard let e else { return .null }
    if isMetric {
      return .object([("points", .int(e.count)), ("mean_abs_error", .num(e.mean)), ("max_abs_error", .num(e.max))])
    }
    return .object([("points", .int(e.count)), ("mean_abs_rel_error", .num(e.mean)), ("max_abs_rel_error", .num(e.max))])
  }

  func rowJSON(_ r: Row) -> JSONValue {
    var fields: [(String, JSONValue)] = [
      ("line", .int(r.line)), ("run", r.run.map { .string($0) } ?? .null), ("step", r.step.map { .num($0) } ?? .null),
      ("params", .num(r.params)), ("tokens", .num(r.tokens)), ("flops", .num(r.flops)),
      ("observed", r.observed.map { .num($0) } ?? .null), ("predicted", .num(r.predicted)),
      ("lower", r.lower.map { .num($0) } ?? .null), ("upper", r.upper.map { .num($0) } ?? .null),
      ("rel_error", r.relError.map { .num($0) } ?? .null), ("lr", r.lr.map { .num($0) } ?? .null),
    ]
    if isMetric {
      fields.append(("observed_x", r.observedX.map { .num($0) } ?? .null))
      fields.append(("predicted_x", r.predictedX.map { .num($0) } ?? .null))
      fields.append(("error", r.error.map { .num($0) } ?? .null))
    }
    return .object(fields)
  }

  public var json: JSONValue {
    var fields: [(String, JSONValue)] = [
      ("source", .string(source)),
    ]
    if let g = dataset.group { fields.append(("group", .string(g))) }
    fields += [
      ("fit", .string(fit.path)), ("law", .string(fit.lawName)),
      ("parameters", .object(zip(fit.parameterNames, fit.parameters).map { ($0, .num($1)) })),
      ("bootstrap_samples", .int(fit.samples.count)), ("confidence", .num(fit.confidence)),
      ("fit_warnings", .array(fit.warnings.map { .string($0) })),
      ("notes", .array(notes.map { .string($0) })),
    ]
    if let t = then {
      let step2: [(String, JSONValue)] = [
        ("fit", .string(t.path)), ("law", .string(t.lawName)),
        ("parameters", .object(zip(t.parameterNames, t.parameters).map { ($0, .num($1)) })),
        ("bootstrap_samples", .int(t.samples.count)), ("fit_warnings", .array(t.warnings.map { .string($0) })),
      ]
      fields.append(("then", .object(step2)))
    }
    fields.append(("overall", summaryJSON(overall)))
    fields.append(("final_checkpoints", summaryJSON(finals)))
    fields.append(("rows", .array(rows.map(rowJSON))))
    return .object(fields)
  }

  public var text: String {
    var s = "[[Predict]] \(source)\(dataset.group.map { ", group \($0)," } ?? "") with \(fit.lawName) from \(fit.path)\(fit.group.map { " (group \($0))" } ?? "")\n"
    s += "    parameters   = " + zip(fit.parameterNames, fit.parameters).map { "\($0) \(number("%.6g", $1))" }.joined(separator: ", ") + "\n"
    if let t = then {
      s += "    then         = \(t.lawName) from \(t.path): the first step's prediction is the x of the second\n"
      s += "    parameters   = " + zip(t.parameterNames, t.parameters).map { "\($0) \(number("%.6g", $1))" }.joined(separator: ", ") + "\n"
      let m1 = fit.samples.count, m2 = t.samples.count
      if m1 > 0 || m2 > 0 {
        let how = m1 > 0 && m2 > 0
          ? "\(min(m1, m2)) paired resamples of both steps (resample j of step 1 feeds resample j of step 2)"
          : "\(max(m1, m2)) resamples of step \(m1 > 0 ? 1 : 2) only (the other step has no bootstrap samples)"
        s += "    intervals    = \(Int((100 * t.confidence).rounded()))% percentiles over \(how)\n"
      }
    } else if !fit.samples.isEmpty {
      s += "    intervals    = \(Int((100 * fit.confidence).rounded()))% percentiles over \(fit.samples.count) bootstrap samples\n"
    }
    s += "    rows         = \(rows.count)\n"
    if isMetric {
      if let e = overall {
        s += "    |error|      = mean \(number("%.4f", e.mean)), max \(number("%.4f", e.max)) over \(e.count) rows\n"
      }
      if let e = finals, rows.contains(where: { $0.run != nil }) {
        s += "    finals       = mean \(number("%.4f", e.mean)), max \(number("%.4f", e.max)) over the final checkpoints of \(e.count) runs\n"
      }
      for w in fit.warnings { s += "    fit warning  = \(w)\n" }
      for w in then?.warnings ?? [] { s += "    then warning = \(w)\n" }
      for n in notes { s += "    note         = \(n)\n" }
      return s + metricTable
    }
    if let e = overall {
      s += "    |error|      = mean \(number("%.2f", 100 * e.mean))%, max \(number("%.2f", 100 * e.max))% over \(e.count) rows\n"
    }
    if let e = finals, rows.contains(where: { $0.run != nil }) {
      s += "    finals       = mean \(number("%.2f", 100 * e.mean))%, max \(number("%.2f", 100 * e.max))% over the final checkpoints of \(e.count) runs\n"
    }
    for w in fit.warnings { s += "    fit warning  = \(w)\n" }
    for n in notes { s += "    note         = \(n)\n" }
    let showLR = rows.contains { $0.lr != nil }
    var table = [["line", "run", "step", "N", "D", "observed", "predicted", "interval", "error"] + (showLR ? ["lr"] : [])]
    for r in rows {
      var cells: [String] = [String(r.line), r.run ?? "", r.step.map { number("%.0f", $0) } ?? ""]
      cells += [shortCount(r.params), shortCount(r.tokens), r.observed.map { number("%.4f", $0) } ?? ""]
      cells.append(number("%.4f", r.predicted))
      cells.append(r.lower.map { lo in "\(number("%.4f", lo)) – \(number("%.4f", r.upper ?? .nan))" } ?? "")
      cells.append(r.relError.map { number("%+.2f%%", 100 * $0) } ?? "")
      if showLR { cells.append(r.lr.map { number("%.4g", $0) } ?? "") }
      table.append(cells)
    }
    let widths = (0..<table[0].count).map { c in table.map { $0[c].count }.max()! }
    for row in table {
      s += "    " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        .trimmingCharacters(in: .whitespaces) + "\n"
    }
    return s
  }

  /// The text table of a metric prediction: the x used (observed, and predicted when chained).
  var metricTable: String {
    let chained = then != nil
    var table = [["line", "run", "step", "N", "D", "x"] + (chained ? ["predicted x"] : []) + ["observed", "predicted", "interval", "error"]]
    for r in rows {
      var cells: [String] = [String(r.line), r.run ?? "", r.step.map { number("%.0f", $0) } ?? ""]
      cells += [shortCount(r.params), shortCount(r.tokens), r.observedX.map { number("%.4f", $0) } ?? ""]
      if chained { cells.append(r.predictedX.map { number("%.4f", $0) } ?? "") }
      cells.append(r.observed.map { number("%.4f", $0) } ?? "")
      cells.append(number("%.4f", r.predicted))
      cells.append(r.lower.map { lo in "\(number("%.4f", lo)) – \(number("%.4f", r.upper ?? .nan))" } ?? "")
      cells.append(r.error.map { number("%+.4f", $0) } ?? "")
      table.append(cells)
    }
    let widths = (0..<table[0].count).map { c in table.map { $0[c].count }.max()! }
    var s = ""
    for row in table {
      s += "    " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        .trimmingCharacters(in: .whitespaces) + "\n"
    }
    return s
  }
}
