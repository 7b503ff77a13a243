import Foundation

/// `fit --auto`: choose by prediction, not by the in-sample objective.
///
/// The plain fit stands unless it warns that the data do not determine it (a parameter at a
/// bound, a standard error above 100% or missing, a correlation beyond 0.99, E driven to 0).
/// Then the law is refitted with its named priors (`PriorSet`) and, where it has two exponents,
/// with them tied (β = α) and with both; every candidate is backtested inside the data it is given
/// and the one that predicts best is used:
/// - several model sizes: fit without the largest size and predict it (and, with five sizes or
///   more, also without the two largest), the mean |relative error| over the folds;
/// - one size with several runs (a schedule law): leave each run out in turn;
/// - one run: no backtest (the curve's own later steps do not test another schedule or size):
///   the fit as given stands, and says so.
/// A candidate replaces the plain fit only when its backtest error is lower by more than 5%
/// (relative): a tie keeps the fit with fewer assumptions.
public struct AutoFit: Sendable {
  public var options: FitOptions

  public init(options: FitOptions) { self.options = options }

  /// One candidate of the choice and its backtest.
  public struct Candidate: Sendable {
    /// "plain", "priors chinchilla", "tied beta=alpha", ...
    public var name: String
    public var options: FitOptions
    /// Mean |relative error| (|error| for a metric law) of the backtest; nil when it failed.
    public var backtestError: Double?
    /// Points predicted by the backtest.
    public var backtestPoints: Int
  }

  public struct Result: Sendable {
    public var fit: LawFit
    /// The options the chosen fit was made with (a bootstrap of it uses them).
    public var options: FitOptions
    /// Every candidate with its backtest (empty when the plain fit raised no warning).
    public var candidates: [Candidate]
    /// The backtest's design, e.g. "leave the largest size out (1 fold)".
    public var design: String
    public var chosen: String
    /// Why the choice was made (or not).
    public var reason: String
  }

  /// Margin by which a candidate must beat the plain fit's backtest.
  public static let margin = 0.05

  /// The warnings that send a fit to the backtest.
  public static func isUndetermined(_ fit: LawFit) -> Bool {
    let set = fit.parameterSet
    if set.parameters.contains(where: { $0.isAtBound && !$0.isFixed }) { return true }
    if let se = fit.standardErrors {
      for (i, v) in fit.parameters.enumerated() where fit.fixed[fit.parameterNames[i]] == nil && v != 0 {
        if !(abs(se[i] / v) <= 1) { return true }
      }
    } else {
      return true
    }
    if let c = fit.correlation {
      for a in 0..<fit.parameterNames.count {
        for b in (a + 1)..<max(a + 1, fit.parameterNames.count) where abs(c[a, b]) > 0.99 && fit.tied[fit.parameterNames[b]] == nil {
          return true
        }
      }
    }
    // E driven to ~0, and an exponent the law does not bound outside the searched [0.005, 3]: the
    // fitter's own rules for those warnings.
    if let e = set["E"], !e.isFixed, LawFitter.isDrivenToZero(e.value, lossMin: fit.dataset.loss.min() ?? 1) { return true }
    let bounds = fit.model.parameterBounds
    return set.exponents.contains { !$0.isFixed && bounds[$0.name] == nil && ($0.value < 0.005 || $0.value > 3) }
  }

  /// The candidates for a law: the options as given, then the law's named priors, tied exponents,
  /// and both (each only where it applies and the user has not set it already).
  public func candidates() -> [(String, FitOptions)] {
    var out: [(String, FitOptions)] = [("as given", options)]
    let law = options.makeLaw()
    let free = law.parameterNames.filter { options.fixed[$0] == nil && options.tied[$0] == nil }
    var withPriors: (String, FitOptions)? = nil
    if let set = PriorSet.forLaw(options.law), options.priors == nil {
      var o = options
      if set.isDefault {
        o.priors = []
        out.append(("without priors", o))
      } else if set.priors.contains(where: { free.contains($0.parameter) }) {
        o.priors = set.priors.filter { free.contains($0.parameter) }
        withPriors = ("priors \(set.name)", o)
        out.append(withPriors!)
      }
    }
    if let tie = options.law.sharedExponentTie, free.contains(tie.dependent), free.contains(tie.source) {
      for (name, base) in [("", options)] + (withPriors.map { [($0.0 + ", ", $0.1)] } ?? []) {
        var o = base
        o.tied[tie.dependent] = tie.source
        o.priors = o.priors?.filter { $0.parameter != tie.dependent }
        out.append((name + "tied \(tie.dependent)=\(tie.source)", o))
      }
    }
    return out
  }

  public func fit(_ dataset: Dataset) throws -> Result {
    let plain = try LawFitter(options: options).fit(dataset)
    func asGiven(_ reason: String) -> Result {
      var fit = plain
      fit.auto = AutoChoice(design: "", rows: [], chosen: "as given", reason: reason)
      return Result(fit: fit, options: options, candidates: [], design: "", chosen: "as given", reason: reason)
    }
    guard Self.isUndetermined(plain) else {
      return asGiven("the fit as given raised no warning that the data leave a parameter undetermined")
    }
    let folds = Self.folds(dataset)
    guard !folds.isEmpty else {
      return asGiven("no backtest is possible on these data (one model size and one run: nothing to leave out)")
    }
    let design = Self.design(dataset, folds: folds.count)
    var table: [Candidate] = []
    for (name, o) in candidates() {
      let (err, n) = Self.backtest(dataset, options: o, folds: folds)
      table.append(Candidate(name: name, options: o, backtestError: err, backtestPoints: n))
    }
    let base = table[0].backtestError
    var best = 0
    for (i, c) in table.enumerated() where i > 0 {
      guard let e = c.backtestError else { continue }
      let bar = table[best].backtestError.map { best == 0 ? $0 * (1 - Self.margin) : $0 } ?? .infinity
      if e < bar { best = i }
    }
    let chosen = table[best]
    var fit = best == 0 ? plain : try LawFitter(options: chosen.options).fit(dataset)
    let reason: String
    if best == 0 {
      reason = base == nil
        ? "the backtest of the fit as given failed; it is kept"
        : "no candidate predicts the held-back points better than the fit as given by more than \(Int(Self.margin * 100))%"
    } else {
      let metric = options.law.isMetricLaw
      reason = "\(chosen.name) predicts the held-back points with \(AutoChoice.text(chosen.backtestError, metric: metric)) against \(base == nil ? "a failed backtest" : AutoChoice.text(base, metric: metric)) as given"
    }
    // A fit other than the one asked for is said with the fit (every plan made with it repeats it).
    if best != 0 { fit.warnings.append("chosen by backtest (--auto; \(design)): \(reason)") }
    fit.auto = AutoChoice(
      design: design, rows: table.map { .init(name: $0.name, backtestError: $0.backtestError, backtestPoints: $0.backtestPoints) },
      chosen: chosen.name, reason: reason)
    return Result(fit: fit, options: chosen.options, candidates: table, design: design, chosen: chosen.name, reason: reason)
  }


  /// The backtest's (training, target) index sets.
  static func folds(_ d: Dataset) -> [([Int], [Int])] {
    let sizes = Array(Set(d.params.filter { $0.isFinite })).sorted()
    if sizes.count >= 3 {
      var out: [([Int], [Int])] = []
      for k in 1...(sizes.count >= 5 ? 2 : 1) {
        let cut = sizes[sizes.count - k]
        out.append(((0..<d.count).filter { d.params[$0] < cut }, (0..<d.count).filter { d.params[$0] >= cut }))
      }
      return out
    }
    if let runs = d.run {
      let names = Array(Set(runs)).sorted()
      if names.count >= 2 {
        return names.map { r in ((0..<d.count).filter { runs[$0] != r }, (0..<d.count).filter { runs[$0] == r }) }
      }
    }
    // One run: its own later steps are no test of what the choice is about (another schedule, a
    // larger model), so there is no backtest and the fit as given stands.
    return []
  }

  static func design(_ d: Dataset, folds: Int) -> String {
    let sizes = Set(d.params.filter { $0.isFinite }).count
    if sizes >= 3 { return folds == 1 ? "the largest size left out" : "the largest size, then the two largest, left out" }
    return "each of the \(folds) runs left out in turn"
  }

  /// Mean over folds of the mean |relative error| (|error| for a metric law) on the target points,
  /// and the number of points predicted; nil when a fold's fit fails or does not converge.
  static func backtest(_ d: Dataset, options: FitOptions, folds: [([Int], [Int])]) -> (Double?, Int) {
    var errors: [Double] = []
    var points = 0
    for (train, test) in folds {
      guard let fit = try? LawFitter(options: options).fit(d.subset(train)), fit.converged else { return (nil, points) }
      let target = d.subset(test)
      let predicted = PointPredictor(law: fit.model, dataset: target)(fit.parameters)
      var e: [Double] = []
      for i in 0..<target.count where predicted[i].isFinite {
        e.append(options.law.isMetricLaw ? abs(predicted[i] - target.loss[i]) : abs(predicted[i] / target.loss[i] - 1))
      }
      guard !e.isEmpty else { return (nil, points) }
      errors.append(e.reduce(0, +) / Double(e.count))
      points += e.count
    }
    return (errors.reduce(0, +) / Double(errors.count), points)
  }
}
