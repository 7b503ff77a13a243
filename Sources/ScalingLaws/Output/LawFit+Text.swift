import Foundation

/// The lmfit-style text report of `scaling fit`.
extension LawFit {
  public var textReport: String {
    var s = ""
    let title = group.map { "\(file) [group \($0)]" } ?? file
    s += "[[Fit]] \(title)\n"
    s += "    law          = \(law): \(formula)\n"
    s += "    points       = \(points) (of \(dataset.rowsRead) rows read)\n"
    for (q, src) in dataset.sources.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      s += "    column       = \(q.rawValue) <- \(src)\n"
    }
    for d in dataset.derivations { s += "    derived      = \(d)\n" }
    for f in dataset.filters { s += "    filter       = \(f.filter): removed \(f.removed)\n" }
    s += "[[Fit Statistics]]\n"
    s += "    objective    = \(number("%.10g", objective))  (\(objectiveDefinition))\n"
    if !priors.isEmpty {
      s += "                   data term \(number("%.10g", objective - priorTerm)) + prior term \(number("%.6g", priorTerm)) (c = \(number("%.4g", priorScale ?? .nan)))\n"
      s += "    priors       = \(priors.map { $0.description }.joined(separator: ", "))\n"
    }
    s += "    converged    = \(converged ? "yes" : "NO") (\(termination.description))\n"
    s += "    search       = \(search.rawValue): \(starts) starts, \(startsConverged) converged; \(iterations) iterations, \(evaluations) evaluations\n"
    if let searchNote { s += "                   \(searchNote)\n" }
    s += "    tolerances   = \(tolerances)\n"
    s += "    |gradient|   = \(number("%.3g", gradientNorm))\n"
    func label(_ l: String) -> String { l.padding(toLength: max(13, l.count + 1), withPad: " ", startingAt: 0) }
    s += "    \(label("RMSE (\(residualScale))"))= \(number("%.6g", rmseLog))\n"
    s += "    \(label("R^2 (\(residualScale))"))= \(r2Log.isFinite ? number("%.6f", r2Log) : "n/a (the \(kind.isMetricLaw ? "values" : "losses") do not vary)")\n"
    if let yRange {
      s += "    y-range      = [\(fmt(yRange.lowerBound)), \(fmt(yRange.upperBound))] (\(levelsBounded ? "b and a + b kept inside it: the unbounded curve left it within the data" : "the curve inside it over the data's x range"))\n"
    }
    s += "    cond(J)      = \(conditionNumber.isFinite ? number("%.3g", conditionNumber) : "n/a (the Jacobian is singular or not finite at the optimum)")\n"
    s += variablesText
    s += autoBootstrapHoldoutText
    if !warnings.isEmpty {
      s += "[[Warnings]]\n"
      for w in warnings { s += "    - \(w)\n" }
    }
    return s
  }

  /// The [[Variables]] block (values, standard errors, fixed and tied) and [[Correlations]].
  var variablesText: String {
    var s = ""
    s += "[[Variables]]\n"
    let width = parameterNames.map { $0.count }.max() ?? 5
    for (i, name) in parameterNames.enumerated() {
      let v = parameters[i]
      var line = "    " + name.padding(toLength: width, withPad: " ", startingAt: 0) + ": "
      line += number("%.8g", v)
      if fixed[name] != nil {
        line += " (fixed)"
      } else if let src = tied[name] {
        line += " (tied to \(src))"
      } else if let se = standardErrors?[i] {
        line += " +/- " + number("%.4g", se)
        if v != 0 {
          let pct = abs(se / v) * 100
          line += pct > 1000 ? " (>1000%)" : number(" (%.2f%%)", pct)
        }
      }
      s += line + "\n"
    }
    if let c = correlation {
      var pairs: [(Double, String)] = []
      for a in 0..<parameterNames.count {
        for b in (a + 1)..<max(a + 1, parameterNames.count) where abs(c[a, b]) >= 0.1 {
          pairs.append((abs(c[a, b]), "    C(\(parameterNames[a]), \(parameterNames[b])) = \(number("%+.4f", c[a, b]))"))
        }
      }
      if !pairs.isEmpty {
        s += "[[Correlations]] (|C| >= 0.1)\n"
        for p in pairs.sorted(by: { $0.0 > $1.0 }) { s += p.1 + "\n" }
      }
    }
    return s
  }

  /// The [[Auto]], [[Bootstrap]] and [[Holdout]] blocks, when the fit has them.
  var autoBootstrapHoldoutText: String {
    var s = ""
    if let a = auto {
      s += a.rows.isEmpty ? "[[Auto]] chosen: \(a.chosen): \(a.reason)\n" : "[[Auto]] backtest: \(a.design); chosen: \(a.chosen)\n"
      let width = a.rows.map { $0.name.count }.max() ?? 8
      for r in a.rows {
        let e = AutoChoice.text(r.backtestError, metric: kind.isMetricLaw)
        s += "    " + r.name.padding(toLength: width, withPad: " ", startingAt: 0) + ": \(e) over \(r.backtestPoints) points\(r.name == a.chosen ? "  <- chosen" : "")\n"
      }
    }
    if let b = bootstrap {
      s += "[[Bootstrap]] \(b.resamples) resamples by \(b.unit.rawValue), seed \(b.seed), \(b.search.rawValue) search, \(b.failed) failed; \(number("%g", b.confidence * 100))% percentile intervals\n"
      let width = parameterNames.map { $0.count }.max() ?? 5
      for (i, name) in parameterNames.enumerated() {
        s += "    " + name.padding(toLength: width, withPad: " ", startingAt: 0)
          + ": [\(number("%.6g", b.intervals[i].0)), \(number("%.6g", b.intervals[i].1))]  se \(number("%.4g", b.standardErrors[i]))\n"
      }
      for q in b.derived {
        s += "    \(q.name) = \(number("%.4g", q.value)) [\(number("%.4g", q.interval.0)), \(number("%.4g", q.interval.1))]\n"
      }
    }
    if let h = holdout {
      if kind.isMetricLaw {
        s += "[[Holdout]] \(h.criterion.description): \(h.points) points held out; mean |error| \(number("%.4f", h.meanAbsError)), max \(number("%.4f", h.maxAbsError))\n"
      } else {
        s += "[[Holdout]] \(h.criterion.description): \(h.points) points held out; mean |rel. error| \(number("%.2f", 100 * h.meanAbsRelError))%, max \(number("%.2f", 100 * h.maxAbsRelError))%\n"
        if let w = h.withoutStalledRuns {
          s += "    without the stalled run\(h.stalledRuns.count == 1 ? "" : "s") \(h.stalledRuns.joined(separator: ", ")) (\(w.points) points): mean |rel. error| \(number("%.2f", 100 * w.mean))%, max \(number("%.2f", 100 * w.max))%\n"
        }
        if let r = h.peakRates {
          s += "    held-out peak learning rate \(PeakRateExtrapolation.range(r.heldOut)), outside the fitted runs' \(PeakRateExtrapolation.range(r.fitted)) (see the warnings)\n"
        }
      }
      for p in h.predictions {
        var line = "    line \(p.line): N \(shortCount(p.params)), \(kind.isMetricLaw ? "x \(number("%.4g", p.x))" : "D \(shortCount(p.tokens))"): observed \(number("%.4f", p.observed)), predicted \(number("%.4f", p.predicted))"
        if let iv = p.interval { line += " [\(number("%.4f", iv.0)), \(number("%.4f", iv.1))]" }
        s += line + (kind.isMetricLaw ? number(" (%+.4f)", p.error) : number(" (%+.2f%%)", 100 * p.relativeError)) + "\n"
      }
    }
    return s
  }
}
