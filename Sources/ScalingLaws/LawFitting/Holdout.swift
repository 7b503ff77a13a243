/// Which points an extrapolation check holds out: the largest models or the largest budgets.
public enum HoldoutCriterion: Sendable, Equatable {
  case paramsAbove(Double)
  case flopsAbove(Double)

  public var description: String {
    switch self {
    case .paramsAbove(let x): return "params > \(shortCount(x))"
    case .flopsAbove(let c): return "flops > \(String(format: "%.3g", c))"
    }
  }

  func isHeldOut(_ d: Dataset, _ i: Int) -> Bool {
    switch self {
    case .paramsAbove(let x): return d.params[i] > x
    case .flopsAbove(let c): return d.flops[i] > c
    }
  }
}

/// One held-out point: what the law fitted on the rest predicts, against what was observed.
public struct HoldoutPrediction: Sendable {
  public var line: Int
  public var params: Double
  public var tokens: Double
  public var flops: Double
  public var observed: Double
  public var predicted: Double
  /// Bootstrap percentile interval of the prediction, when the fit was bootstrapped.
  public var interval: (Double, Double)?
  /// The predictor x of a metric law (NaN for a loss law).
  public var x: Double = .nan
  /// The point's run, when the data have runs.
  public var run: String? = nil
  public var relativeError: Double { (predicted - observed) / observed }
  /// predicted − observed (the error of a metric law, in the metric's units).
  public var error: Double { predicted - observed }
}

/// The extrapolation check: "do the small models predict the big one?"
public struct HoldoutResult: Sendable {
  public var criterion: HoldoutCriterion
  public var predictions: [HoldoutPrediction]
  public var points: Int { predictions.count }
  public var meanAbsRelError: Double {
    predictions.isEmpty ? .nan : predictions.reduce(0) { $0 + abs($1.relativeError) } / Double(predictions.count)
  }
  public var maxAbsRelError: Double { predictions.map { abs($0.relativeError) }.max() ?? .nan }
  /// Mean and max |predicted − observed|: the measure for a metric law (accuracy points).
  public var meanAbsError: Double {
    predictions.isEmpty ? .nan : predictions.reduce(0) { $0 + abs($1.error) } / Double(predictions.count)
  }
  public var maxAbsError: Double { predictions.map { abs($0.error) }.max() ?? .nan }
  /// Held-out runs that end more than 2% above a smaller model's run of the same length (`StalledRun`).
  public var stalledRuns: [String] = []
  /// Held-out runs trained at a peak learning rate outside the fitted runs' range.
  public var peakRates: PeakRateExtrapolation? = nil

  /// The relative errors without the stalled runs' points (nil when no run is stalled): what the
  /// law does on the runs a law falling with N can describe.
  public var withoutStalledRuns: (points: Int, mean: Double, max: Double)? {
    guard !stalledRuns.isEmpty else { return nil }
    let e = predictions.filter { !stalledRuns.contains($0.run ?? "") }.map { abs($0.relativeError) }
    guard !e.isEmpty else { return nil }
    return (e.count, e.reduce(0, +) / Double(e.count), e.max()!)
  }
}

/// Everything `scaling fit` and `scaling report` compute for one dataset: the fit, and
/// optionally its bootstrap and an extrapolation check.
public struct FitAnalysis: Sendable {
  public var fitOptions: FitOptions
  public var bootstrap: BootstrapOptions?
  public var holdout: HoldoutCriterion?
  /// Choose among the law's priors and tied exponents by backtest (`AutoFit`) when the fit
  /// warns that the data leave a parameter undetermined.
  public var auto: Bool

  public init(fitOptions: FitOptions, bootstrap: BootstrapOptions? = nil, holdout: HoldoutCriterion? = nil, auto: Bool = false) {
    self.fitOptions = fitOptions
    self.bootstrap = bootstrap
    self.holdout = holdout
    self.auto = auto
  }

  public func run(_ dataset: Dataset) throws -> LawFit {
    var training = dataset
    var heldOut: [Int] = []
    if let h = holdout {
      heldOut = (0..<dataset.count).filter { h.isHeldOut(dataset, $0) }
      guard !heldOut.isEmpty else {
        throw FitError("\(dataset.file): the holdout (\(h.description)) selects no points")
      }
      let kept = Set(heldOut)
      training = dataset.subset((0..<dataset.count).filter { !kept.contains($0) })
      training.filters.append(FilterReport(filter: "holdout \(h.description)", removed: heldOut.count))
    }
    var fitter = LawFitter(options: fitOptions)
    var fit: LawFit
    if auto {
      let chosen = try AutoFit(options: fitOptions).fit(training)
      fit = chosen.fit
      fitter = LawFitter(options: chosen.options)
    } else {
      fit = try fitter.fit(training)
    }
    if let b = bootstrap {
      fit.bootstrap = try fitter.bootstrap(training, fit: fit, options: b)
      fit.warnings += fit.bootstrap.map { LawFitter.bootstrapWarnings($0, lossMin: training.loss.min() ?? 1) } ?? []
    }
    if let h = holdout {
      let target = dataset.subset(heldOut)
      let predictor = PointPredictor(law: fitOptions.resolved(for: training).makeLaw(), dataset: target)
      let main = predictor(fit.parameters)
      let sampled = (fit.bootstrap?.samples ?? []).map { predictor($0) }
      let predictions = heldOut.indices.map { k -> HoldoutPrediction in
        let i = heldOut[k]
        var interval: (Double, Double)? = nil
        if let b = fit.bootstrap, !b.samples.isEmpty {
          let values = sampled.map { $0[k] }.filter { $0.isFinite }
          let lo = (1 - b.confidence) / 2
          interval = (percentile(values, lo), percentile(values, 1 - lo))
        }
        return HoldoutPrediction(
          line: dataset.lines[i], params: dataset.params[i], tokens: dataset.tokens[i], flops: dataset.flops[i],
          observed: dataset.loss[i], predicted: main[k], interval: interval, x: dataset.x?[i] ?? .nan,
          run: dataset.run?[i])
      }
      var result = HoldoutResult(criterion: h, predictions: predictions)
      if !fit.kind.isMetricLaw {
        let heldOutRuns = Set(heldOut.compactMap { dataset.run?[$0] })
        let stalled = dataset.stalledRuns.filter { heldOutRuns.contains($0.run) }
        result.stalledRuns = stalled.map { $0.run }
        fit.warnings += stalled.map { "held out: " + $0.description }
        result.peakRates = PeakRateExtrapolation.find(dataset, heldOut: heldOut, law: fit.kind)
        fit.warnings += result.peakRates.map { [$0.description] } ?? []
      }
      fit.holdout = result
    }
    // One line per warning: the same finding reached by two checks (a stalled run named on the
    // fitted data and again as held out) is said once.
    var seen = Set<String>()
    fit.warnings = fit.warnings.filter { seen.insert($0).inserted }
    return fit
  }
}
