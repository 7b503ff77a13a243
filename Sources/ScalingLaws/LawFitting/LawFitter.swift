import Fitting
import Foundation
import LinearAlgebra

/// Fits a ``ScalingLaw`` to a ``Dataset``: global search, local polish, uncertainty, diagnostics.
public struct LawFitter: Sendable {
  public var options: FitOptions

  public init(options: FitOptions) {
    self.options = options
  }

  /// Tight local solver used for the final polish (and every start of the fast search).
  public static var polishOptions: LBFGS.Options { Polisher.lbfgsOptions }

  /// Above this many points the fast search polishes its candidate starts on an evenly strided
  /// subsample first, and only the best candidate on all points.
  public static let subsampleThreshold = 20_000

  /// The outcome of the global search and final polish, before diagnostics.
  struct SearchOutcome {
    var final: MinimizationResult
    var starts: Int
    var startsConverged: Int
    var iterations: Int
    var evaluations: Int
    var warnings: [String]
    /// How the search worked when it is not the plain multistart (subsampled basin choice).
    var note: String? = nil
    /// The law the optimum belongs to: the law searched, with a MAP fit's prior weight settled.
    var law: any ScalingLaw
  }

  /// The law as fitted to `dataset`: the y-range settled on the data, fixed and tied parameters
  /// held, priors added. `full` reports every parameter; `fitted` is what the optimiser sees (the
  /// same law when nothing is fixed, tied or given a prior). `priorScale`: the prior term's weight
  /// when it is known (a bootstrap of a fit reuses the fit's); nil lets `search` estimate it.
  /// `levelsBounded`: a sigmoid with a y-range binds both levels of the curve to it (see
  /// `FitOptions.makeLaw(levelsBounded:)`).
  public func laws(for dataset: Dataset, levelsBounded: Bool = true, priorScale: Double? = nil) throws
    -> (full: any ScalingLaw, fitted: any ScalingLaw)
  {
    let full = options.resolved(for: dataset).makeLaw(levelsBounded: levelsBounded)
    var fitted = full
    if !options.fixed.isEmpty || !options.tied.isEmpty {
      fitted = try ConstrainedLaw(full, fixed: options.fixed, tied: options.tied)
    }
    let priors = options.resolvedPriors
    if !priors.isEmpty {
      for p in priors {
        if options.fixed[p.parameter] != nil {
          throw FitError("a prior on \(p.parameter), which is fixed: give one or the other")
        }
        if let src = options.tied[p.parameter] {
          throw FitError("a prior on \(p.parameter), which is tied to \(src): put the prior on \(src)")
        }
      }
      fitted = try PriorLaw(fitted, priors: priors, scale: priorScale)
    }
    return (full, fitted)
  }

  /// The fixed and tied parameters of a fitted law (nil: none).
  static func constraints(of law: any ScalingLaw) -> ConstrainedLaw? { ConstrainedLaw.wrapped(in: law) }

  /// Full reported parameters from the fitted law's.
  static func fullReported(_ p: [Double], _ fitted: any ScalingLaw) -> [Double] {
    constraints(of: fitted)?.expandReported(p) ?? p
  }

  public func fit(_ dataset: Dataset) throws -> LawFit {
    // A parameter the data cannot identify is held at its neutral value, never left to run off
    // to a non-finite prediction: with S2 = 0 at every point (no run's rate has decayed yet, or
    // an lr column that holds each run's peak) the annealing coefficient C multiplies nothing.
    if options.law == .chinchillaLR || options.law == .lrAnnealing, options.fixed["C"] == nil,
      let curve = dataset.curve, !curve.annealing.isEmpty, curve.annealing.allSatisfy({ $0 == 0 })
    {
      var held = options
      held.fixed["C"] = 0
      var f = try LawFitter(options: held).fit(dataset)
      f.warnings.insert(
        "C held at 0: the annealing area S2 is 0 at every point (no run's learning rate decays in the data; an lr column that holds each run's peak rate gives this), so the data cannot identify C; give the schedule (the schedule options, or an lr column with the rate at each checkpoint) to fit it",
        at: 0)
      return f
    }
    let range = options.resolved(for: dataset).metricRange
    // A sigmoid with a y-range is fitted unbounded first: the range is kept over the data's x
    // range, where the fit is used (`keepingRange`).
    var (full, law) = try laws(for: dataset, levelsBounded: false)
    let k = law.parameterCount
    let where_ = dataset.group.map { "\(dataset.file) (group \($0))" } ?? dataset.file
    try checkFinite(dataset, law: law, where: where_)
    if law.kind.isMetricLaw { try checkMetricData(dataset, range: range, where: where_) }
    guard dataset.count >= k else {
      throw FitError(
        "\(where_): \(dataset.count) point\(dataset.count == 1 ? "" : "s") after filters, fewer than the \(k) parameters of the \(law.name) law")
    }
    if law.kind.modelsSchedule && dataset.curve == nil {
      throw FitError("\(where_): the \(law.name) law needs each run's learning-rate schedule (load the data with a schedule)")
    }
    if law.kind.isSingleSize {
      let sizes = Set(dataset.params.filter { !$0.isNaN })
      if sizes.count > 1 {
        throw FitError(
          "\(where_): \(law.name) is a law of one model size, and the data have \(sizes.count) (\(sizes.sorted().map { shortCount($0) }.joined(separator: ", "))); fit one size at a time (\(OptionName.groupColumn), \(OptionName.maxParams)) or use \(OptionName.law) chinchilla-lr across sizes")
      }
    }
    var outcome = try search(dataset, law: law)
    var rangeWarnings: [String] = []
    var levelsBounded = false
    if let r = range {
      let kept = try keepingRange(r, outcome, dataset, law: law)
      (outcome, rangeWarnings) = (kept.outcome, kept.warnings)
      if let bounded = kept.boundedLaws {
        (full, law) = bounded
        levelsBounded = true
      }
    }
    law = outcome.law
    var warnings = dataset.warnings + outcome.warnings + rangeWarnings
    if !outcome.final.converged {
      warnings.insert("NOT CONVERGED: \(outcome.final.termination.description)", at: 0)
    }
    // A fit that ends outside its law's domain (an exponent at or below 0, a scale constant not
    // positive) met its tolerances somewhere meaningless: it is not converged.
    let domainViolation = ParameterDomain.violation(
      names: law.parameterNames, values: law.reported(outcome.final.parameters), law: law)
    if let bad = domainViolation, outcome.final.converged {
      warnings.insert("NOT CONVERGED: the optimum lies outside the law's domain: \(bad)", at: 0)
    }
    var fit = try diagnose(
      law: law, data: LogData(dataset, for: law), dataset: dataset, result: outcome.final, warnings: warnings,
      starts: outcome.starts, startsConverged: outcome.startsConverged, iterations: outcome.iterations,
      evaluations: outcome.evaluations, searchNote: outcome.note)
    fit.yRange = range
    fit.levelsBounded = levelsBounded
    if let pl = law as? PriorLaw {
      fit.priors = pl.priors
      fit.priorScale = pl.scale
      fit.priorTerm = pl.priorTerm(outcome.final.parameters)
    }
    if domainViolation != nil { fit.converged = false }
    var out = Self.withFixedParameters(fit, law: law, full: full)
    if let w = IsoFLOPConsistency.warning(out, dataset) { out.warnings.append(w) }
    return out
  }

  /// The y-range kept over the data's x range: the unbounded fit `outcome` stands when its curve
  /// (monotone) is inside `r` at the smallest and largest x, with a note where beyond the data it
  /// leaves the range; otherwise the fit is redone with both levels bound to `r` (the curve inside
  /// for every x), says so, and returns the bounded laws it was done with.
  func keepingRange(_ r: ClosedRange<Double>, _ outcome: SearchOutcome, _ dataset: Dataset, law: any ScalingLaw) throws
    -> (outcome: SearchOutcome, warnings: [String], boundedLaws: (full: any ScalingLaw, fitted: any ScalingLaw)?)
  {
    let p = Self.fullReported(law.reported(outcome.final.parameters), law)
    let xs = dataset.x ?? []
    let (lo, hi) = (xs.min() ?? 0, xs.max() ?? 0)
    let ends = [lo, hi].map { SigmoidLaw.metric(p, x: $0) }
    let tol = 1e-9 * (r.upperBound - r.lowerBound)
    guard let i = ends.indices.first(where: { ends[$0] < r.lowerBound - tol || ends[$0] > r.upperBound + tol }) else {
      return (outcome, SigmoidLaw.rangeExit(p, range: r, dataLow: lo, dataHigh: hi).map { [$0] } ?? [], nil)
    }
    let bounded = try laws(for: dataset, levelsBounded: true)
    let warning =
      "the unbounded curve leaves the y-range [\(fmt(r.lowerBound)), \(fmt(r.upperBound))] within the data (y = \(fmt(ends[i])) at x = \(fmt([lo, hi][i]))): refitted with both levels of the curve inside the range"
    return (try search(dataset, law: bounded.fitted), [warning], bounded)
  }

  /// Every value the law reads must be finite (the loader guarantees it for files; a dataset
  /// built in code may not).
  func checkFinite(_ d: Dataset, law: any ScalingLaw, where where_: String) throws {
    var columns: [(String, [Double])] = [(law.kind.isMetricLaw ? "y" : "loss", d.loss)]
    if law.required.contains(.params) { columns.append(("params", d.params)) }
    if law.required.contains(.tokens) { columns.append(("tokens", d.tokens)) }
    if law.required.contains(.flops) { columns.append(("flops", d.flops)) }
    if law.required.contains(.step), let s = d.step { columns.append(("step", s)) }
    if law.kind.isMetricLaw, let x = d.x { columns.append(("x", x)) }
    for (name, values) in columns {
      if let i = values.firstIndex(where: { !$0.isFinite }) {
        throw FitError("\(where_): line \(d.lines[i]): \(name) = \(values[i]) is not a finite number")
      }
    }
  }

  /// A metric law's data: x must vary, and y must lie inside the y-range the curve is kept in.
  func checkMetricData(_ d: Dataset, range: ClosedRange<Double>?, where where_: String) throws {
    let x = d.x ?? []
    if let first = x.first, x.allSatisfy({ $0 == first }) {
      throw FitError(
        "\(where_): x (column '\(d.columnName(.x) ?? "x")') is constant (every x = \(fmt(first))): the sigmoid has no slope to fit")
    }
    if let r = range, let i = d.loss.firstIndex(where: { !r.contains($0) }) {
      throw FitError(
        "\(d.file):\(d.lines[i]): column '\(d.columnName(.y) ?? "y")': y = \(fmt(d.loss[i])) is outside the y-range [\(fmt(r.lowerBound)), \(fmt(r.upperBound))] the curve is kept in")
    }
  }

  /// The fit of a law with fixed or tied parameters, reported with every parameter: fixed ones at
  /// their value, with a standard error of 0 and no correlation; tied ones as their source.
  static func withFixedParameters(_ fit: LawFit, law: any ScalingLaw, full: any ScalingLaw) -> LawFit {
    guard let constrained = constraints(of: law) else { return fit }
    var f = fit
    let free = constrained.freeReported
    f.parameterNames = full.parameterNames
    f.parameters = constrained.expandReported(fit.parameters)
    f.internalParameters = constrained.expand(fit.internalParameters)
    f.fixed = constrained.fixedValues
    f.tied = constrained.ties
    // A tied parameter is its source: the same value, standard error and correlations.
    var sourceOf = Array(0..<full.parameterCount)
    for tie in constrained.reportedTies { sourceOf[tie.dependent] = tie.source }
    if let se = fit.standardErrors {
      var all = [Double](repeating: 0, count: full.parameterCount)
      for (j, i) in free.enumerated() { all[i] = se[j] }
      for tie in constrained.reportedTies { all[tie.dependent] = all[tie.source] }
      f.standardErrors = all
    }
    if let c = fit.correlation {
      var m = Matrix(rows: full.parameterCount, columns: full.parameterCount)
      for i in 0..<full.parameterCount { m[i, i] = 1 }
      let slot = Dictionary(uniqueKeysWithValues: free.enumerated().map { ($1, $0) })
      for i in 0..<full.parameterCount {
        for j in 0..<full.parameterCount where i != j {
          if let a = slot[sourceOf[i]], let b = slot[sourceOf[j]] { m[i, j] = c[a, b] }
        }
      }
      f.correlation = m
    }
    return f
  }

  /// The optimum only (used by the bootstrap, which needs no diagnostics per resample).
  func minimize(_ dataset: Dataset, law: any ScalingLaw) throws -> MinimizationResult {
    try search(dataset, law: law).final
  }

  func search(_ dataset: Dataset, law searched: any ScalingLaw) throws -> SearchOutcome {
    let where_ = dataset.group.map { "\(dataset.file) (group \($0))" } ?? dataset.file
    let data = LogData(dataset, for: searched)
    let loss = options.loss
    // A MAP fit whose prior weight is not yet known: weighed at the best start, refined below.
    let unweighed = (searched as? PriorLaw).flatMap { $0.scale == nil ? $0 : nil }
    var law = searched
    func weigh(_ starts: [[Double]], on d: LogData, runs: [String]?) {
      guard let pl = unweighed, !starts.isEmpty else { return }
      let values = starts.map { pl.inner.objectiveValue($0, d, loss: loss) }
      let best = starts[values.indices.min { values[$0] < values[$1] }!]
      law = pl.withScale(
        PriorLaw.scale(residuals: pl.residuals(best, d), loss: loss, freeParameters: pl.parameterCount, runs: runs))
    }
    func objectiveOf(_ l: any ScalingLaw) -> @Sendable ([Double], inout [Double]) -> Double {
      { t, g in l.objective(t, data, loss: loss, gradient: &g) }
    }
    var warnings: [String] = []
    // Every result in `results` is a minimisation of the objective on all points; only those are
    // compared and reported.
    var results: [MinimizationResult] = []
    var startCount = 0
    var note: String? = nil
    // The subsampled branch already ends with Newton on all points.
    var newtonPolished = false
    var extraIterations = 0, extraEvaluations = 0
    switch options.search {
    case .hoffmann:
      let starts = law.gridStarts()
      startCount = starts.count
      weigh(starts, on: data, runs: dataset.run)
      let objective = objectiveOf(law)
      let solver = LBFGS(options: .scipyDefaults)
      results = parallelMap(starts.count) { i in solver.minimize(start: starts[i], objective) }
    case .fast:
      // Above the threshold the starts (the laws' exponent grids, which hold a column per grid
      // exponent over every point they see: ~400 bytes a point for Chinchilla) and the basin
      // choice both use an evenly strided subsample (every k-th row); the chosen starts are then
      // polished on all points: the subsample only picks which start to polish.
      let large = data.count > Self.subsampleThreshold
      let stride = (data.count + 9_999) / 10_000
      let subset = large ? dataset.subset(Array(Swift.stride(from: 0, to: dataset.count, by: stride))) : dataset
      let sub = large ? LogData(subset, for: law) : data
      let fs = try law.fastStarts(sub, loss: loss)
      warnings += fs.warnings
      let starts = fs.starts.isEmpty ? law.gridStarts() : fs.starts
      startCount = starts.count
      weigh(starts, on: sub, runs: subset.run)
      let objective = objectiveOf(law)
      let solver = LBFGS(options: law.startOptions ?? Self.polishOptions)
      let newton = NewtonRefinement()
      if large {
        let l = law
        let subObjective: @Sendable ([Double], inout [Double]) -> Double = { t, g in
          l.objective(t, sub, loss: loss, gradient: &g)
        }
        let pre = parallelMap(starts.count) { i in solver.minimize(start: starts[i], subObjective) }
        extraIterations = pre.reduce(0) { $0 + $1.iterations }
        extraEvaluations = pre.reduce(0) { $0 + $1.evaluations }
        note = "basin chosen on a subsample of \(sub.count) of \(data.count) points (every \(ordinal(stride)) row); polished on all points"
        // The two best subsample basins are polished on all points (one polish is milliseconds).
        let ranked = pre.filter { $0.objective.isFinite }.sorted { $0.objective < $1.objective }
        let chosen = ranked.prefix(2).map { $0.parameters }
        results = chosen.map { start in
          newton.minimize(start: start, objective)
        }
        newtonPolished = true
      } else {
        results = parallelMap(starts.count) { i in solver.minimize(start: starts[i], objective) }
      }
    }
    guard let chosen = Self.best(results) else {
      throw FitError("\(where_): the objective is not finite at any starting point")
    }
    let objective = objectiveOf(law)
    // Final polish from the chosen point, on all points (Newton, then restarted L-BFGS if Newton
    // does not converge; see `Polisher`). Every search (fast, hoffmann, subsampled) ends with the
    // same stopping rules. The subsampled branch has already run Newton on all points.
    var (final, polishIterations, polishEvaluations) = Polisher().polish(
      chosen, newtonDone: newtonPolished && chosen.converged, objective, boundsOf: law)
    if let pl = unweighed {
      let again = Self.reweighed(final, prior: pl, scale: (law as! PriorLaw).scale!, data: data, loss: loss, runs: dataset.run)
      (final, law) = (again.final, again.law)
      polishIterations += again.iterations
      polishEvaluations += again.evaluations
    }
    return SearchOutcome(
      final: final, starts: startCount, startsConverged: results.filter { $0.converged }.count,
      iterations: results.reduce(0) { $0 + $1.iterations } + polishIterations + extraIterations,
      evaluations: results.reduce(0) { $0 + $1.evaluations } + polishEvaluations + extraEvaluations,
      warnings: warnings, note: note, law: law)
  }

  /// The prior weight re-estimated at the optimum `final` of a MAP fit weighed with `scale` at its
  /// best start: when the two differ by more than a factor 1.5 (a start far from the optimum, as
  /// on the Hoffmann grid), the polish is repeated from there with the new weight (at most three
  /// times). Within that factor the start's weight stands: the prior's SD is not known to better
  /// than that, and each repeat costs a Newton polish.
  static func reweighed(
    _ start: MinimizationResult, prior pl: PriorLaw, scale: Double, data: LogData, loss: RobustLoss, runs: [String]?
  ) -> (final: MinimizationResult, law: any ScalingLaw, iterations: Int, evaluations: Int) {
    var final = start
    var law: any ScalingLaw = pl.withScale(scale)
    var c = scale
    var iterations = 0, evaluations = 0
    for _ in 0..<3 {
      let refined = PriorLaw.scale(residuals: pl.residuals(final.parameters, data), loss: loss, freeParameters: pl.parameterCount, runs: runs)
      guard refined.isFinite, refined > 0, max(refined / c, c / refined) > 1.5 else { break }
      c = refined
      law = pl.withScale(refined)
      let l = law
      let objective: @Sendable ([Double], inout [Double]) -> Double = { t, g in l.objective(t, data, loss: loss, gradient: &g) }
      var g = [Double](repeating: 0, count: final.parameters.count)
      let f = objective(final.parameters, &g)
      let from = MinimizationResult(
        parameters: final.parameters, objective: f, gradient: g, iterations: 0, evaluations: 0, termination: final.termination)
      let again = Polisher().polish(from, newtonDone: false, objective, boundsOf: law)
      final = again.result
      iterations += again.iterations
      evaluations += again.evaluations + 1
    }
    return (final, law, iterations, evaluations)
  }

  /// What the optimum's parameters say: an ill-conditioned Jacobian, a flat valley (|corr| >
  /// 0.99), an exponent at the edge of the search or a parameter at its bound, E driven to ~0, a
  /// sigmoid's level at the y-range.
  static func parameterWarnings(
    _ law: any ScalingLaw, _ params: [Double], correlation corr: Matrix?, condition cond: Double, lossMin: Double
  ) -> [String] {
    var warnings: [String] = []
    let names = law.parameterNames
    let k = law.parameterCount
    if cond > 1e10 && cond.isFinite {
      warnings.append(
        "ill-conditioned: the scaled Jacobian's condition number is \(fmt(cond)); some parameters are barely identifiable")
    }
    if let corr {
      var pairs: [String] = []
      for a in 0..<k {
        for b in (a + 1)..<max(a + 1, k) where abs(corr[a, b]) > 0.99 {
          pairs.append("corr(\(names[a]), \(names[b])) = \(String(format: "%.4f", corr[a, b]))")
        }
      }
      if !pairs.isEmpty {
        warnings.append("flat valley: \(pairs.joined(separator: ", ")); these parameters trade off against each other")
      }
    }
    for (i, nm) in names.enumerated() {
      if law.exponentNames.contains(nm) {
        let v = params[i]
        if (v < 0.005 || v > 3) && law.parameterBounds[nm] == nil {
          // Within 10% of an end it ended at the grid's edge; further out the polish left the
          // grid the global search covered.
          let nearEdge = (v >= 0.005 / 1.1 && v < 0.005) || (v > 3 && v <= 3 * 1.1)
          warnings.append(
            nearEdge
              ? "\(nm) = \(fmt(v)) is at the edge of the searched range [0.005, 3]"
              : "\(nm) = \(fmt(v)) is outside the searched range [0.005, 3]: the fit left the exponents the global search covers")
        }
      }
      if let range = law.parameterBounds[nm], !law.kind.isMetricLaw, ParameterSet.isAtBound(params[i], range) {
        warnings.append(
          "\(nm) = \(fmt(params[i])) is at a bound of its range [\(fmt(range.lowerBound)), \(fmt(range.upperBound))]: the data do not determine it (one learning-rate schedule alone rarely does; fit several)")
      }
      if nm == "E", Self.isDrivenToZero(params[i], lossMin: lossMin) {
        warnings.append("E was driven to ~0 (\(fmt(params[i]))): the data show no irreducible loss floor")
      }
    }
    if let r = SigmoidLaw.yRange(of: law) {
      warnings += Self.levelBoundWarnings(LawFitter.fullReported(params, law), range: r)
    }
    return warnings
  }

  /// What the data say about the law: mid-schedule checkpoints in a final-loss law, stalled runs,
  /// one model size or token count, losses that do not fall with N, N and D collinear.
  static func dataWarnings(_ law: any ScalingLaw, _ data: LogData, _ dataset: Dataset) -> [String] {
    var warnings: [String] = []
    let n = data.count
    if law.kind.isFinalLossLaw, let runs = dataset.run {
      let perRun = runs.groupedIndices().map { $0.count }
      let curves = perRun.filter { $0 > 1 }.count
      if curves > 0 {
        let mid = perRun.reduce(0) { $0 + max(0, $1 - 1) }
        warnings.append(
          "\(curves) of \(perRun.count) runs contribute \(mid) mid-schedule checkpoint\(mid == 1 ? "" : "s") to a final-loss law: a checkpoint before the end of a decaying learning-rate schedule is not a point on this law (Hoffmann et al. fitted the final losses of runs whose schedule matched their length), so the fit mixes curves with finals")
      }
    }
    let usesN = law.required.contains(.params), usesD = law.required.contains(.tokens)
    if usesN && !law.kind.isMetricLaw { warnings += dataset.stalledRuns.map { $0.description } }
    if usesN && Set(dataset.params).count < 2 {
      warnings.append("only one model size: the N exponent and scale are not identifiable")
    }
    if usesD && Set(dataset.tokens).count < 2 {
      warnings.append("only one token count: the D exponent and scale are not identifiable")
    }
    if usesN && Set(dataset.params).count >= 2 {
      // Do losses fall with model size? The slope of log L on log N (holding log D when the law
      // uses it), by linear least squares.
      // Filled in place (an array of n small row arrays cost ~100 bytes a point).
      var design = Matrix(rows: n, columns: usesD ? 3 : 2)
      for i in 0..<n {
        design[i, 0] = 1
        design[i, 1] = data.logParams[i]
        if usesD { design[i, 2] = data.logTokens[i] }
      }
      if let slope = try? design.leastSquares(data.logLoss).solution[1], slope >= 0 {
        warnings.append(
          "losses do not fall with model size (slope of log L on log N\(usesD ? " at fixed D" : "") = \(String(format: "%+.3g", slope))): the N term of the law is not supported by these data")
      }
    }
    if usesN && usesD && Set(dataset.params).count >= 2 {
      let r = correlation(data.logParams, data.logTokens)
      if abs(r) > 0.999 {
        warnings.append(
          "N and D are collinear (one tokens-per-parameter ratio; corr(log N, log D) = \(String(format: "%.4f", r))): alpha and beta are not separately identifiable; with checkpoint curves, fit every checkpoint with the learning-rate-aware law (\(OptionName.law) chinchilla-lr and the schedule: \(OptionName.schedule) ... or an lr column)")
      }
    }
    return warnings
  }

  /// The stopping rules of the starts, the Newton polish and its L-BFGS fallback, in words.
  func toleranceText(_ law: any ScalingLaw) -> String {
    let tol = LawFitter.polishOptions
    let nt = NewtonRefinement.Options()
    // The starts' own L-BFGS rules when they are not the polish's (the Hoffmann grid runs SciPy's;
    // a law may stop its starts early and leave the last digits to Newton).
    let startTol: LBFGS.Options? = options.search == .hoffmann ? .scipyDefaults : law.startOptions
    let polishText = "gtol \(fmt(tol.gradientTolerance)), relative ftol \(fmt(tol.functionTolerance)), stall gtol \(fmt(tol.stallGradientTolerance)), max \(tol.maxIterations) iterations"
    let lbfgsText = startTol.map { s in
      let ftol = s.functionScaleFloor == 1 ? "ftol \(fmt(s.functionTolerance)) against max(|f|, 1)" : "relative ftol \(fmt(s.functionTolerance))"
      return "L-BFGS m=\(s.memory) starts: gtol \(fmt(s.gradientTolerance)), \(ftol), max \(s.maxIterations) iterations; L-BFGS m=\(tol.memory) where Newton does not converge: \(polishText)"
    } ?? "L-BFGS m=\(tol.memory) (starts, and where Newton does not converge): \(polishText)"
    return
      "damped Newton (difference Hessian, SVD): decrement ftol \(fmt(nt.functionTolerance)) relative, gtol \(fmt(nt.gradientTolerance)); \(lbfgsText)"
  }

  /// The lowest objective among converged runs; if none converged, the lowest overall.
  static func best(_ results: [MinimizationResult]) -> MinimizationResult? {
    let finite = results.filter { $0.objective.isFinite }
    let pool = finite.contains { $0.converged } ? finite.filter { $0.converged } : finite
    var best: MinimizationResult? = nil
    for r in pool where best == nil || r.objective < best!.objective { best = r }
    return best
  }

  private func diagnose(
    law: any ScalingLaw, data: LogData, dataset: Dataset, result: MinimizationResult,
    warnings inWarnings: [String], starts: Int, startsConverged: Int, iterations: Int,
    evaluations: Int, searchNote: String?
  ) throws -> LawFit {
    var warnings = inWarnings
    let theta = result.parameters
    let k = law.parameterCount
    let n = data.count
    let order = law.reportedOrder
    let dpdt = law.reportedDerivatives(theta)
    // ∂r/∂p from ∂r/∂θ: g_θ = Pᵀ g_p with P = ∂p/∂θ (diagonal in `order` for most laws).
    let inverseTransposed = law.reportedJacobian(theta).flatMap { invertTransposed($0) }
    // A MAP fit's priors add one row each (below): pseudo-observations with the data's scale.
    let priorLaw = law as? PriorLaw
    var J = Matrix(rows: n + (priorLaw?.priors.count ?? 0), columns: k)
    var residuals = [Double](repeating: 0, count: n)
    var g = [Double](repeating: 0, count: theta.count)
    for i in 0..<n {
      residuals[i] = law.logPrediction(theta, data, i, gradient: &g) - data.logLoss[i]
      if let M = inverseTransposed {
        for c in 0..<k { J[i, c] = (0..<k).reduce(0) { $0 + M[c][$1] * g[$1] } }
      } else {
        for c in 0..<k { J[i, c] = g[order[c]] / dpdt[c] }
      }
    }
    let rss = residuals.reduce(0) { $0 + $1 * $1 }
    let meanY = data.logLoss.reduce(0, +) / Double(n)
    let tss = data.logLoss.reduce(0) { $0 + ($1 - meanY) * ($1 - meanY) }
    let params = law.reported(theta)
    var se: [Double]? = nil
    var corr: Matrix? = nil
    var cond = Double.infinity
    if let priorLaw, n > k {
      // z_k = (g(p) − μ)/σ as a residual of scale s: the row √(s²)·g′(p)/σ in p's column, so that
      // Cov = s²(JᵀJ + s²·Σ g′²/σ²)⁻¹, the Gaussian posterior's covariance.
      let s = (rss / Double(n - k)).squareRoot()
      for (j, (prior, idx)) in zip(priorLaw.priors, priorLaw.indices).enumerated() {
        J[n + j, idx] = s * prior.slope(params[idx]) / prior.sd
      }
    }
    if J.storage.allSatisfy({ $0.isFinite }) {
      let cov = try Covariance(jacobian: J, residualSumOfSquares: rss, degreesOfFreedom: n - k)
      cond = cov.conditionNumber
      if cov.rankDeficiency == 0 && n > k {
        se = cov.standardErrors
        corr = cov.correlation
      } else {
        warnings.append(
          "standard errors not available: the Jacobian is rank-deficient (\(cov.rankDeficiency) non-identifiable direction\(cov.rankDeficiency == 1 ? "" : "s"))")
      }
    } else {
      warnings.append("standard errors not available: the Jacobian is not finite at the optimum")
    }
    let names = law.parameterNames
    warnings += Self.parameterWarnings(law, params, correlation: corr, condition: cond, lossMin: data.loss.min() ?? 1)
    warnings += Self.dataWarnings(law, data, dataset)
    let tolerances = toleranceText(law)
    return LawFit(
      file: dataset.file, group: dataset.group, kind: law.kind, irreducible: law.hasIrreducibleTerm, formula: law.formula, points: n,
      objectiveDefinition: objectiveDefinition, objective: result.objective,
      converged: result.converged, termination: result.termination, tolerances: tolerances,
      search: options.search, searchNote: searchNote, starts: starts, startsConverged: startsConverged,
      iterations: iterations, evaluations: evaluations, gradientNorm: result.gradientNorm,
      parameterNames: names, parameters: params, standardErrors: se, correlation: corr,
      conditionNumber: cond, rmseLog: (rss / Double(n)).squareRoot(),
      r2Log: tss > 0 ? 1 - rss / tss : .nan, warnings: warnings, internalParameters: theta,
      dataset: dataset, formulaSpec: (law.baseLaw as? FormulaLaw)?.spec)
  }

  /// The rule for an irreducible loss E "driven to ~0": below 1e-3 of the lowest loss (the fit's
  /// warning and the bootstrap's count of such resamples).
  static func isDrivenToZero(_ e: Double, lossMin: Double) -> Bool { e < 1e-3 * lossMin }

  /// A sigmoid level (b, or a + b) pinned to the y-range: the bound, not the data, shapes the
  /// curve beyond the data.
  static func levelBoundWarnings(_ p: [Double], range r: ClosedRange<Double>) -> [String] {
    let tol = 1e-6 * (r.upperBound - r.lowerBound)
    let levels = [("b", p[1]), ("a + b", p[0] + p[1])]
    return levels.compactMap { name, v in
      let bound = v <= r.lowerBound + tol ? r.lowerBound : v >= r.upperBound - tol ? r.upperBound : nil
      return bound.map {
        "\(name) = \(fmt(v)) is at the \($0 == r.lowerBound ? "bottom" : "top") of the y-range [\(fmt(r.lowerBound)), \(fmt(r.upperBound))]: the data do not reach that level of the curve, so the bound, not the data, shapes it beyond the data (compare a fit without the y-range)"
      }
    }
  }

  var objectiveDefinition: String {
    let r = options.law.isMetricLaw ? "y_pred - y_obs" : options.formulaLaw?.linearResponse == true && options.law == .formula ? "L_pred - L_obs" : "log L_pred - log L_obs"
    let data: String
    switch options.loss {
    case .huber(let d):
      data = "sum over points of Huber_delta(\(r)), delta = \(d)"
    case .squared:
      data = "sum over points of (\(r))^2 / 2"
    }
    guard !options.resolvedPriors.isEmpty else { return data }
    return data + " + c * sum over priors of z^2/2, z = (value - mean)/sd (MAP; c = E[psi^2]/E[psi'] of the residuals, the data term's units)"
  }
}
