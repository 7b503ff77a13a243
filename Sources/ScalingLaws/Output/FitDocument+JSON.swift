/// Writing the fit file: a ``FitDocument/Record`` from each ``LawFit``, rendered with the keys in
/// a fixed order (same fit, same bytes). The same type is what `predict` and `plan` decode.
extension FitDocument.Record {
  /// The record `scaling fit` writes for `fit`.
  public init(_ fit: LawFit) {
    let names = fit.parameterNames
    func named(_ values: [Double]) -> [String: Double?] {
      Dictionary(uniqueKeysWithValues: zip(names, values.map { Optional($0) }))
    }
    func matrix(_ m: (Int, Int) -> Double) -> [String: [String: Double?]] {
      Dictionary(uniqueKeysWithValues: names.enumerated().map { (a, na) in
        (na, Dictionary(uniqueKeysWithValues: names.enumerated().map { (b, nb) in (nb, Optional(m(a, b))) }))
      })
    }
    let d = fit.dataset
    schemaVersion = FitDocument.schemaVersion
    file = fit.file
    group = fit.group
    name = fit.name
    law = fit.law
    formula = fit.formula
    formulaLaw = fit.formulaSpec.map(FormulaRecord.init)
    fixed = fit.fixed
    tied = fit.tied.isEmpty ? nil : fit.tied
    priors = fit.priors.isEmpty ? nil : fit.priors.map { PriorRecord(on: $0.label, mean: $0.mean, sd: $0.sd) }
    priorScale = fit.priors.isEmpty ? nil : fit.priorScale
    priorTerm = fit.priors.isEmpty ? nil : fit.priorTerm
    auto = fit.auto.map { a in
      AutoRecord(
        design: a.design, chosen: a.chosen, reason: a.reason,
        candidates: a.rows.map { .init(name: $0.name, backtestError: $0.backtestError, points: $0.backtestPoints) })
    }
    yRange = fit.yRange.map { [$0.lowerBound, $0.upperBound] }
    yRangeScope = fit.yRange.map { _ in fit.levelsBounded ? "levels" : "data" }
    points = fit.points
    objective = fit.objective
    objectiveDefinition = fit.objectiveDefinition
    converged = fit.converged
    termination = fit.termination.code
    terminationReason = fit.termination.description
    tolerances = fit.tolerances
    search = fit.search.rawValue
    searchNote = fit.searchNote
    starts = fit.starts
    startsConverged = fit.startsConverged
    iterations = fit.iterations
    evaluations = fit.evaluations
    gradientNorm = fit.gradientNorm
    parameters = named(fit.parameters)
    stderr = fit.standardErrors.map(named)
    correlation = fit.correlation.map { c in matrix { c[$0, $1] } }
    conditionNumber = fit.conditionNumber
    rmseLog = fit.rmseLog
    r2Log = fit.r2Log
    warnings = fit.warnings
    data = DataRecord(d, law: fit.kind)
    intervals = nil
    bootstrap = nil
    bootstrapSamples = nil
    if let b = fit.bootstrap {
      intervals = Dictionary(uniqueKeysWithValues: zip(names, b.intervals.map { [$0.0, $0.1] }))
      bootstrap = Bootstrap(
        resamples: b.resamples, seed: Double(b.seed), unit: b.unit.rawValue, search: b.search.rawValue,
        confidence: b.confidence, failed: b.failed, atBound: b.atBound, outlying: b.outlying, stderr: named(b.standardErrors),
        covariance: matrix { b.covariance[$0, $1] },
        derived: b.derived.map { Bootstrap.Derived(name: $0.name, value: $0.value, interval: [$0.interval.0, $0.interval.1]) })
      bootstrapSamples = b.samples.map(named)
    }
    holdout = fit.holdout.map { Holdout($0, metric: fit.kind.isMetricLaw) }
    parameterNames = names
  }

  /// The JSON object `scaling fit --format json` writes for this record.
  public var json: JSONValue {
    let names = parameterNames.isEmpty ? parameters.keys.sorted() : parameterNames
    let metric = lawName?.kind.isMetricLaw ?? false
    var extra: [(String, JSONValue)] = []
    if let b = bootstrap {
      extra.append(("intervals", .object(names.map { ($0, JSONValue.pair(intervals?[$0])) })))
      extra.append(("bootstrap", b.json(names: names)))
      extra.append(("bootstrap_samples", .array((bootstrapSamples ?? []).map { JSONValue.named($0, names) })))
    }
    if let h = holdout { extra.append(("holdout", h.json(metric: metric))) }
    func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    return .object((schemaVersion.map { [("schema_version", JSONValue.int($0))] } ?? []) + [
      ("file", string(file)),
      ("group", string(group)),
    ] + (name.map { [("name", JSONValue.string($0))] } ?? []) + [
      ("law", .string(law)),
      ("formula", string(formula)),
    ] + (formulaLaw.map { [("formula_law", $0.json)] } ?? []) + lawOptionsJSON(names: names, metric: metric) + [
      ("points", points.map { .int($0) } ?? .null),
      ("objective", .num(objective)),
      ("objective_definition", string(objectiveDefinition)),
      ("converged", converged.map { .bool($0) } ?? .null),
      ("termination", string(termination)),
      ("termination_reason", string(terminationReason)),
      ("tolerances", string(tolerances)),
      ("search", string(search)),
      ("search_note", string(searchNote)),
      ("starts", starts.map { .int($0) } ?? .null),
      ("starts_converged", startsConverged.map { .int($0) } ?? .null),
      ("iterations", iterations.map { .int($0) } ?? .null),
      ("evaluations", evaluations.map { .int($0) } ?? .null),
      ("gradient_norm", .num(gradientNorm)),
      ("parameters", JSONValue.named(parameters, names)),
      ("stderr", JSONValue.named(stderr, names)),
      ("correlation", JSONValue.matrix(correlation, names)),
      ("condition_number", .num(conditionNumber)),
      ("rmse_log", .num(rmseLog)),
      ("r2_log", .num(r2Log)),
      ("warnings", .array((warnings ?? []).map { .string($0) })),
      ("data", data?.json ?? .null),
    ] + extra)
  }

  /// The law's settings: fixed and tied parameters, priors, what --auto chose, a sigmoid's y-range.
  func lawOptionsJSON(names: [String], metric: Bool) -> [(String, JSONValue)] {
    var lawOptions: [(String, JSONValue)] = []
    if let fixed, !fixed.isEmpty {
      lawOptions.append(("fixed", .object(names.compactMap { n in fixed[n].map { (n, .num($0)) } })))
    }
    if let tied, !tied.isEmpty {
      lawOptions.append(("tied", .object(names.compactMap { n in tied[n].map { (n, .string($0)) } })))
    }
    if let priors, !priors.isEmpty {
      lawOptions.append(("priors", .array(priors.map { .object([("on", .string($0.on)), ("mean", .num($0.mean)), ("sd", .num($0.sd))]) })))
      lawOptions.append(("prior_scale", .num(priorScale ?? .nan)))
      lawOptions.append(("prior_term", .num(priorTerm ?? .nan)))
    }
    if let auto {
      lawOptions.append(("auto", .object([
        ("design", .string(auto.design)), ("chosen", .string(auto.chosen)), ("reason", .string(auto.reason)),
        ("candidates", .array(auto.candidates.map { c in
          .object([("name", .string(c.name)), ("backtest_error", .num(c.backtestError ?? .nan)), ("points", .int(c.points))])
        })),
      ])))
    }
    if metric {
      lawOptions.append(("y_range", yRange.map { .array($0.map { .num($0) }) } ?? .null))
      if let yRangeScope { lawOptions.append(("y_range_scope", .string(yRangeScope))) }
    }
    return lawOptions
  }
}

extension FitDocument.Record.FormulaRecord {
  var json: JSONValue {
    .object([
      ("inputs", .object((inputs ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
      ("bounds", .object((bounds ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map { .num($0) })) })),
      ("starts", .object((starts ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, .num($0.value)) })),
      ("log_scale", .array((logScale ?? []).map { .string($0) })),
      ("residual", .string(residual ?? "log")),
      ("compute", .string(compute ?? ComputeRule.standardText)),
    ])
  }
}

extension FitDocument.Scalar {
  var json: JSONValue {
    switch self {
    case .string(let s): return .string(s)
    case .number(let v): return .num(v)
    case .null: return .null
    }
  }
}

extension FitDocument.Record.DataRecord {
  /// The `data` object: rows read, columns, derivations, schedule and the fitted data's ranges.
  var json: JSONValue {
    let d = self
    let schedule: [(String, JSONValue)] = d.schedule.map { s in
      let keys = ["kind"] + ScheduleOptions.fieldKeys.filter { s[$0] != nil }
      return [("schedule", .object(keys.map { k in (k, s[k].map(\.json) ?? .null) }))]
    } ?? []
    return .object([
      ("rows_read", .int(d.rowsRead ?? 0)),
      ("columns", .object(Quantity.allCases.compactMap { q in d.columns?[q.rawValue].map { (q.rawValue, .string($0)) } })),
      ("derivations", .array((d.derivations ?? []).map { .string($0) })),
    ] + schedule + [
      ("loss_min", .num(d.lossMin)),
      ("flops_max", .num(d.flopsMax)),
    ] + (d.tokensPerParamMin.map { lo in
      [("tokens_per_param_min", .num(lo)), ("tokens_per_param_max", .num(d.tokensPerParamMax ?? .nan))]
    } ?? []) + (d.peakLRMin.map { lo in
      [("peak_lr_min", .num(lo)), ("peak_lr_max", .num(d.peakLRMax ?? .nan))]
    } ?? []) + (d.planningSchedule.map { p in
      [("planning_schedule", .object([
        ("run", .string(p.run)), ("mean_relative_rate", .num(p.meanRelativeRate)), ("annealing_limit", .num(p.annealing)),
        ("peak_lr", .num(p.peakLR)), ("final_lr", .num(p.finalLR)), ("annealing_max_observed", .num(p.annealingMax)),
      ]))]
    } ?? []) + [
      ("filters", .array((d.filters ?? []).map { .object([("filter", .string($0.filter)), ("removed", .int($0.removed))]) })),
    ])
  }
}

extension FitDocument.Record.Bootstrap {
  /// The `bootstrap` object, parameters in `names`' order.
  func json(names: [String]) -> JSONValue {
    let b = self
    return .object([
      ("resamples", .int(b.resamples ?? 0)), ("seed", .num(b.seed)), ("unit", .string(b.unit ?? "")),
      ("search", .string(b.search ?? "")), ("confidence", .num(b.confidence)), ("failed", .int(b.failed ?? 0)),
      ("at_bound", .int(b.atBound ?? 0)), ("outlying", .int(b.outlying ?? 0)),
      ("stderr", JSONValue.named(b.stderr, names)),
      ("covariance", JSONValue.matrix(b.covariance, names)),
      ("derived", .array((b.derived ?? []).map { q in
        .object([("name", .string(q.name)), ("value", .num(q.value)), ("interval", JSONValue.pair(q.interval))])
      })),
    ])
  }
}

extension FitDocument.Record.Holdout {
  /// The `holdout` object; a metric law's errors are in the metric's own units as well.
  func json(metric: Bool) -> JSONValue {
    let h = self
    return .object([
      ("criterion", .string(h.criterion)),
      ("points", .int(h.points)),
      ("mean_abs_rel_error", .num(h.meanAbsRelError)),
      ("max_abs_rel_error", .num(h.maxAbsRelError)),
    ] + (metric ? [("mean_abs_error", .num(h.meanAbsError)), ("max_abs_error", .num(h.maxAbsError))] : [])
      + (h.stalledRuns.map { runs in
        [("stalled_runs", .array(runs.map { .string($0) })),
         ("without_stalled_runs", .object([
           ("points", .int(h.withoutStalledRuns?.points ?? 0)),
           ("mean_abs_rel_error", .num(h.withoutStalledRuns?.meanAbsRelError)),
           ("max_abs_rel_error", .num(h.withoutStalledRuns?.maxAbsRelError)),
         ]))]
      } ?? []) + (h.peakRateRuns.map { runs in
        [("peak_lr_outside_runs", .array(runs.map { .string($0) })),
         ("peak_lr_held_out", .array((h.peakRateHeldOut ?? []).map { .num($0) })),
         ("peak_lr_fitted", .array((h.peakRateFitted ?? []).map { .num($0) }))]
      } ?? []) + [
      ("predictions", .array(h.predictions.map { p in
        .object([
          ("line", .int(p.line)), ("params", .num(p.params)), ("tokens", .num(p.tokens)), ("flops", .num(p.flops)),
        ] + (metric ? [("x", .num(p.x)), ("error", .num(p.error))] : []) + [
          ("observed", .num(p.observed)), ("predicted", .num(p.predicted)), ("rel_error", .num(p.relError)),
          ("interval", JSONValue.pair(p.interval)),
        ])
      })),
    ])
  }
}

extension JSONValue {
  /// `values` by name in `names`' order (null where missing or not finite; null for no values).
  static func named(_ values: [String: Double?]?, _ names: [String]) -> JSONValue {
    guard let values else { return .null }
    return .object(names.map { ($0, .num(values[$0] ?? nil)) })
  }

  /// A matrix by name in `names`' order (null for no matrix).
  static func matrix(_ m: [String: [String: Double?]]?, _ names: [String]) -> JSONValue {
    guard let m else { return .null }
    return .object(names.map { a in (a, .object(names.map { b in (b, .num(m[a]?[b] ?? nil)) })) })
  }

  /// A [lo, hi] pair, or null.
  static func pair(_ v: [Double?]?) -> JSONValue { v.map { .array($0.map { .num($0) }) } ?? .null }
}

extension FitDocument.Record.DataRecord {
  /// What the fit file records of the fitted data `d` (a chinchilla-lr fit: its planning schedule too).
  init(_ d: Dataset, law: LawKind) {
    var schedule: [String: FitDocument.Scalar]? = nil
    if let c = d.curve {
      var s: [String: FitDocument.Scalar] = ["kind": c.options.kind.map { .string($0.rawValue) } ?? .null]
      for (k, v) in c.options.fields { s[k] = .number(v) }
      schedule = s
    }
    let peakRates = d.peakRateRange(), tokensPerParam = d.tokensPerParamRange
    self.init(
      rowsRead: d.rowsRead,
      columns: Dictionary(uniqueKeysWithValues: d.sources.map { ($0.key.rawValue, $0.value.description) }),
      derivations: d.derivations, schedule: schedule, lossMin: d.loss.min() ?? .nan,
      flopsMax: d.flops.filter { $0.isFinite }.max() ?? .nan,
      tokensPerParamMin: tokensPerParam?.lowerBound, tokensPerParamMax: tokensPerParam?.upperBound,
      peakLRMin: peakRates?.lowerBound, peakLRMax: peakRates?.upperBound,
      planningSchedule: law == .chinchillaLR
        ? ScheduleEnd.planning(d).map {
          PlanningSchedule(
            run: $0.run, meanRelativeRate: $0.meanRelativeRate, annealing: $0.annealing, peakLR: $0.peakLR, finalLR: $0.finalLR,
            annealingMax: $0.observedAnnealingMax)
        } : nil,
      filters: d.filters.map { Filter(filter: $0.filter, removed: $0.removed) })
  }
}

extension FitDocument.Record.Holdout {
  /// The record of a holdout; a metric law's errors in the metric's own units as well.
  init(_ h: HoldoutResult, metric: Bool) {
    self.init(
      criterion: h.criterion.description, points: h.points, meanAbsRelError: h.meanAbsRelError,
      maxAbsRelError: h.maxAbsRelError,
      meanAbsError: metric ? h.meanAbsError : nil, maxAbsError: metric ? h.maxAbsError : nil,
      predictions: h.predictions.map { p in
        Point(
          line: p.line, params: p.params, tokens: p.tokens, flops: p.flops,
          x: metric ? p.x : nil, error: metric ? p.error : nil,
          observed: p.observed, predicted: p.predicted, relError: p.relativeError,
          interval: p.interval.map { [$0.0, $0.1] })
      },
      stalledRuns: h.stalledRuns.isEmpty ? nil : h.stalledRuns,
      withoutStalledRuns: h.withoutStalledRuns.map { Summary(points: $0.points, meanAbsRelError: $0.mean, maxAbsRelError: $0.max) },
      peakRateRuns: h.peakRates?.runs, peakRateHeldOut: h.peakRates.map { [$0.heldOut.lowerBound, $0.heldOut.upperBound] },
      peakRateFitted: h.peakRates.map { [$0.fitted.lowerBound, $0.fitted.upperBound] })
  }
}
