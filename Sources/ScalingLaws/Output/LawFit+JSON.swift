/// The `scaling fit --format json` shape: {"fits": [ … ]}. Keys kept stable for other tools.
extension LawFit {
  public var json: JSONValue {
    func dict(_ values: [Double]?) -> JSONValue {
      guard let values else { return .null }
      return .object(zip(parameterNames, values).map { ($0, .num($1)) })
    }
    var corrJSON: JSONValue = .null
    if let c = correlation {
      corrJSON = .object(
        parameterNames.enumerated().map { (a, na) in
          (na, .object(parameterNames.enumerated().map { (b, nb) in (nb, .num(c[a, b])) }))
        })
    }
    let d = dataset
    var extra: [(String, JSONValue)] = []
    if let b = bootstrap {
      extra.append(("intervals", .object(zip(parameterNames, b.intervals).map { ($0, .array([.num($1.0), .num($1.1)])) })))
      extra.append((
        "bootstrap",
        .object([
          ("resamples", .int(b.resamples)), ("seed", .number(Double(b.seed))), ("unit", .string(b.unit.rawValue)),
          ("search", .string(b.search.rawValue)), ("confidence", .num(b.confidence)), ("failed", .int(b.failed)),
          ("stderr", dict(b.standardErrors)),
          ("covariance", .object(parameterNames.enumerated().map { (i, n) in
            (n, .object(parameterNames.enumerated().map { (j, m) in (m, .num(b.covariance[i, j])) }))
          })),
          ("derived", .array(b.derived.map { q in
            .object([("name", .string(q.name)), ("value", .num(q.value)), ("interval", .array([.num(q.interval.0), .num(q.interval.1)]))])
          })),
        ])))
      extra.append(("bootstrap_samples", .array(b.samples.map { dict($0) })))
    }
    if let h = holdout {
      extra.append((
        "holdout",
        .object([
          ("criterion", .string(h.criterion.description)),
          ("points", .int(h.points)),
          ("mean_abs_rel_error", .num(h.meanAbsRelError)),
          ("max_abs_rel_error", .num(h.maxAbsRelError)),
        ] + (kind.isMetricLaw ? [("mean_abs_error", .num(h.meanAbsError)), ("max_abs_error", .num(h.maxAbsError))] : []) + [
          ("predictions", .array(h.predictions.map { p in
            .object([
              ("line", .int(p.line)), ("params", .num(p.params)), ("tokens", .num(p.tokens)), ("flops", .num(p.flops)),
            ] + (kind.isMetricLaw ? [("x", .num(p.x)), ("error", .num(p.error))] : []) + [
              ("observed", .num(p.observed)), ("predicted", .num(p.predicted)), ("rel_error", .num(p.relativeError)),
              ("interval", p.interval.map { .array([.num($0.0), .num($0.1)]) } ?? .null),
            ])
          })),
        ])))
    }
    var lawOptions: [(String, JSONValue)] = []
    if !fixed.isEmpty {
      lawOptions.append(("fixed", .object(parameterNames.compactMap { n in fixed[n].map { (n, .num($0)) } })))
    }
    if kind.isMetricLaw {
      lawOptions.append(("y_range", yRange.map { .array([.num($0.lowerBound), .num($0.upperBound)]) } ?? .null))
    }
    return .object([
      ("file", .string(file)),
      ("group", group.map { .string($0) } ?? .null),
      ("law", .string(law)),
      ("formula", .string(formula)),
    ] + lawOptions + [
      ("points", .int(points)),
      ("objective", .num(objective)),
      ("objective_definition", .string(objectiveDefinition)),
      ("converged", .bool(converged)),
      ("termination", .string(termination.code)),
      ("termination_reason", .string(termination.description)),
      ("tolerances", .string(tolerances)),
      ("search", .string(search.rawValue)),
      ("search_note", searchNote.map { .string($0) } ?? .null),
      ("starts", .int(starts)),
      ("starts_converged", .int(startsConverged)),
      ("iterations", .int(iterations)),
      ("evaluations", .int(evaluations)),
      ("gradient_norm", .num(gradientNorm)),
      ("parameters", dict(parameters)),
      ("stderr", dict(standardErrors)),
      ("correlation", corrJSON),
      ("condition_number", .num(conditionNumber)),
      ("rmse_log", .num(rmseLog)),
      ("r2_log", .num(r2Log)),
      ("warnings", .array(warnings.map { .string($0) })),
      (
        "data",
        .object([
          ("rows_read", .int(d.rowsRead)),
          (
            "columns",
            .object(
              Quantity.allCases.compactMap { q in d.sources[q].map { (q.rawValue, .string($0)) } })
          ),
          ("derivations", .array(d.derivations.map { .string($0) })),
        ] + (d.curve.map { c in
          [("schedule", .object(
            [("kind", c.options.kind.map { .string($0.rawValue) } ?? .null)]
              + c.options.fields.map { ($0.0, .num($0.1)) }))]
        } ?? []) + [
          ("loss_min", .num(d.loss.min() ?? .nan)),
          ("flops_max", .num(d.flops.filter { $0.isFinite }.max() ?? .nan)),
          (
            "filters",
            .array(
              d.filters.map { .object([("filter", .string($0.filter)), ("removed", .int($0.removed))]) })
          ),
        ])
      ),
    ] + extra)
  }

  /// Every bootstrap resample's parameters, one CSV row each (`--bootstrap-samples FILE`).
  public static func bootstrapSamplesCSV(_ fits: [LawFit]) -> String {
    var names: [String] = []
    for f in fits { for n in f.parameterNames where !names.contains(n) { names.append(n) } }
    var out = (["file", "group", "law", "resample"] + names).joined(separator: ",") + "\n"
    for f in fits {
      guard let b = f.bootstrap else { continue }
      for (k, s) in b.samples.enumerated() {
        var row = [csvEscape(f.file), csvEscape(f.group ?? ""), f.law, String(k)]
        for n in names { row.append(f.parameterNames.firstIndex(of: n).map { "\(s[$0])" } ?? "") }
        out += row.joined(separator: ",") + "\n"
      }
    }
    return out
  }

  /// The whole document for a list of fits.
  public static func jsonDocument(_ fits: [LawFit]) -> String {
    JSONValue.object([("fits", .array(fits.map { $0.json }))]).rendered() + "\n"
  }
}
