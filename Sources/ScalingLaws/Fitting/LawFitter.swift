import Fitting
import Foundation
import LinearAlgebra

/// Why a fit cannot be attempted.
public struct FitError: Error, Sendable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Fits a ``ScalingLaw`` to a ``Dataset``: global search, local polish, uncertainty, diagnostics.
public struct LawFitter: Sendable {
  public var options: FitOptions

  public init(options: FitOptions) {
    self.options = options
  }

  /// Tight local solver used for the final polish (and every start of the fast search).
  public static var polishOptions: LBFGS.Options {
    var o = LBFGS.Options()
    o.gradientTolerance = 1e-11
    o.functionTolerance = 1e-15
    o.functionScaleFloor = 1e-300
    o.stallGradientTolerance = 1e-6
    o.maxIterations = 20_000
    o.maxEvaluations = 40_000
    return o
  }

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
  }

  public func fit(_ dataset: Dataset) throws -> LawFit {
    let law = options.makeLaw()
    let k = law.parameterCount
    let where_ = dataset.group.map { "\(dataset.file) (group \($0))" } ?? dataset.file
    guard dataset.count >= k else {
      throw FitError(
        "\(where_): \(dataset.count) point\(dataset.count == 1 ? "" : "s") after filters, fewer than the \(k) parameters of the \(law.name) law")
    }
    let outcome = try search(dataset, law: law)
    var warnings = outcome.warnings
    if !outcome.final.converged {
      warnings.insert("NOT CONVERGED: \(outcome.final.termination.description)", at: 0)
    }
    return try diagnose(
      law: law, data: LogData(dataset), dataset: dataset, result: outcome.final, warnings: warnings,
      starts: outcome.starts, startsConverged: outcome.startsConverged, iterations: outcome.iterations,
      evaluations: outcome.evaluations)
  }

  /// The optimum only (used by the bootstrap, which needs no diagnostics per resample).
  func minimize(_ dataset: Dataset, law: any ScalingLaw) throws -> MinimizationResult {
    try search(dataset, law: law).final
  }

  func search(_ dataset: Dataset, law: any ScalingLaw) throws -> SearchOutcome {
    let where_ = dataset.group.map { "\(dataset.file) (group \($0))" } ?? dataset.file
    let data = LogData(dataset)
    let loss = options.loss
    let objective: @Sendable ([Double], inout [Double]) -> Double = { t, g in
      law.objective(t, data, loss: loss, gradient: &g)
    }
    var warnings: [String] = []
    var results: [MinimizationResult] = []
    var startCount = 0
    switch options.search {
    case .hoffmann:
      let starts = law.gridStarts()
      startCount = starts.count
      let solver = LBFGS(options: .scipyDefaults)
      results = parallelMap(starts.count) { i in solver.minimize(start: starts[i], objective) }
    case .fast:
      let fs = try law.fastStarts(data)
      warnings += fs.warnings
      let starts = fs.starts.isEmpty ? law.gridStarts() : fs.starts
      startCount = starts.count
      let solver = LBFGS(options: Self.polishOptions)
      if data.count > Self.subsampleThreshold {
        let stride = (data.count + 9_999) / 10_000
        let sub = LogData(dataset.subset(Array(Swift.stride(from: 0, to: dataset.count, by: stride))))
        let subObjective: @Sendable ([Double], inout [Double]) -> Double = { t, g in
          law.objective(t, sub, loss: loss, gradient: &g)
        }
        let pre = parallelMap(starts.count) { i in solver.minimize(start: starts[i], subObjective) }
        results = pre
        if let best = Self.best(pre) {
          results.append(solver.minimize(start: best.parameters, objective))
        }
      } else {
        results = parallelMap(starts.count) { i in solver.minimize(start: starts[i], objective) }
      }
    }
    guard let chosen = Self.best(results) else {
      throw FitError("\(where_): the objective is not finite at any starting point")
    }
    // Final tight polish from the chosen point (for the Hoffmann search this goes beyond the
    // literal recipe's loose scipy tolerances; it can only lower the objective).
    let polished = LBFGS(options: Self.polishOptions).minimize(start: chosen.parameters, objective)
    var final = chosen
    if polished.objective <= chosen.objective && (polished.converged || !chosen.converged) {
      final = polished
    }
    return SearchOutcome(
      final: final, starts: startCount, startsConverged: results.filter { $0.converged }.count,
      iterations: results.reduce(0) { $0 + $1.iterations } + polished.iterations,
      evaluations: results.reduce(0) { $0 + $1.evaluations } + polished.evaluations,
      warnings: warnings)
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
    evaluations: Int
  ) throws -> LawFit {
    var warnings = inWarnings
    let theta = result.parameters
    let k = law.parameterCount
    let n = data.count
    let order = law.reportedOrder
    let dpdt = law.reportedDerivatives(theta)
    var J = Matrix(rows: n, columns: k)
    var residuals = [Double](repeating: 0, count: n)
    var g = [Double](repeating: 0, count: theta.count)
    for i in 0..<n {
      residuals[i] = law.logPrediction(theta, data, i, gradient: &g) - data.logLoss[i]
      for c in 0..<k { J[i, c] = g[order[c]] / dpdt[c] }
    }
    let rss = residuals.reduce(0) { $0 + $1 * $1 }
    let meanY = data.logLoss.reduce(0, +) / Double(n)
    let tss = data.logLoss.reduce(0) { $0 + ($1 - meanY) * ($1 - meanY) }
    let params = law.reported(theta)
    var se: [Double]? = nil
    var corr: Matrix? = nil
    var cond = Double.infinity
    if J.storage.allSatisfy({ $0.isFinite }) {
      let cov = try Covariance(jacobian: J, residualSumOfSquares: rss)
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
      if nm.hasPrefix("alpha") || nm == "beta" {
        let v = params[i]
        if v < 0.005 || v > 3 {
          warnings.append("\(nm) = \(fmt(v)) is at the edge of the searched range [0.005, 3]")
        }
      }
      if nm == "E", params[i] < 1e-3 * (data.loss.min() ?? 1) {
        warnings.append("E was driven to ~0 (\(fmt(params[i]))): the data show no irreducible loss floor")
      }
    }
    let usesN = law.required.contains(.params), usesD = law.required.contains(.tokens)
    if usesN && Set(dataset.params).count < 2 {
      warnings.append("only one model size: the N exponent and scale are not identifiable")
    }
    if usesD && Set(dataset.tokens).count < 2 {
      warnings.append("only one token count: the D exponent and scale are not identifiable")
    }
    if usesN && Set(dataset.params).count >= 2 {
      // Do losses fall with model size? The slope of log L on log N (holding log D when the law
      // uses it), by linear least squares.
      let rows = (0..<n).map { i in usesD ? [1, data.logParams[i], data.logTokens[i]] : [1, data.logParams[i]] }
      if let slope = try? Matrix(rowArrays: rows).leastSquares(data.logLoss).solution[1], slope >= 0 {
        warnings.append(
          "losses do not fall with model size (slope of log L on log N\(usesD ? " at fixed D" : "") = \(String(format: "%+.3g", slope))): the N term of the law is not supported by these data")
      }
    }
    if usesN && usesD && Set(dataset.params).count >= 2 {
      let r = correlation(data.logParams, data.logTokens)
      if abs(r) > 0.999 {
        warnings.append(
          "N and D are collinear (one tokens-per-parameter ratio; corr(log N, log D) = \(String(format: "%.4f", r))): alpha and beta are not separately identifiable")
      }
    }
    let tol = LawFitter.polishOptions
    let tolerances =
      "L-BFGS m=\(tol.memory): gtol \(fmt(tol.gradientTolerance)), relative ftol \(fmt(tol.functionTolerance)), stall gtol \(fmt(tol.stallGradientTolerance)), max \(tol.maxIterations) iterations"
    return LawFit(
      file: dataset.file, group: dataset.group, law: law.name, formula: law.formula, points: n,
      objectiveDefinition: objectiveDefinition, objective: result.objective,
      converged: result.converged, termination: result.termination, tolerances: tolerances,
      search: options.search, starts: starts, startsConverged: startsConverged,
      iterations: iterations, evaluations: evaluations, gradientNorm: result.gradientNorm,
      parameterNames: names, parameters: params, standardErrors: se, correlation: corr,
      conditionNumber: cond, rmseLog: (rss / Double(n)).squareRoot(),
      r2Log: tss > 0 ? 1 - rss / tss : .nan, warnings: warnings, internalParameters: theta,
      dataset: dataset)
  }

  var objectiveDefinition: String {
    switch options.loss {
    case .huber(let d):
      return "sum over points of Huber_delta(log L_pred - log L_obs), delta = \(d)"
    case .squared:
      return "sum over points of (log L_pred - log L_obs)^2 / 2"
    }
  }
}

private func correlation(_ x: [Double], _ y: [Double]) -> Double {
  let n = Double(x.count)
  let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
  var sxy = 0.0, sxx = 0.0, syy = 0.0
  for i in 0..<x.count {
    sxy += (x[i] - mx) * (y[i] - my)
    sxx += (x[i] - mx) * (x[i] - mx)
    syy += (y[i] - my) * (y[i] - my)
  }
  return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
}
