import Fitting

/// What to fit and how.
public struct FitOptions: Sendable {
  public var law: LawKind = .chinchilla
  /// Add an irreducible term E to the single-variable Kaplan laws.
  public var irreducible = false
  /// Per-point loss on log residuals; Huber with δ = 1e-3 by default (Hoffmann et al. 2022).
  public var loss: RobustLoss = .huber(delta: 1e-3)
  public var search: SearchStrategy = .fast
  /// Reported parameters held at a value (`--fix b=0.25`), any law.
  public var fixed: [String: Double] = [:]
  /// Parameters tied to another (`--tie beta=alpha`): dependent name → the name it equals.
  public var tied: [String: String] = [:]
  /// Gaussian priors (`--prior`): a MAP fit (see `PriorLaw`). nil: the law's default
  /// (`PriorSet.defaults(for:)`: the multi-power law's published-fit priors; none for the others).
  public var priors: [Prior]? = nil

  /// The priors the fit uses.
  public var resolvedPriors: [Prior] {
    (priors ?? PriorSet.defaults(for: law)).filter { fixed[$0.parameter] == nil && tied[$0.parameter] == nil || priors != nil }
  }
  /// The law of `--formula` (with `law` = `.formula`).
  public var formulaLaw: FormulaLaw? = nil
  /// A metric law's y-range (`--y-range`).
  public var yRange: YRange = .auto

  public init() {}

  /// The law with every parameter free (for a metric law, with the y-range as resolved: call
  /// `resolved(for:)` first; `.auto` builds it unbounded). `levelsBounded`: a sigmoid with a
  /// y-range keeps both of its levels inside it (the curve inside the range for every x);
  /// without, the fitter keeps the curve in range over the data by checking the unbounded fit.
  public func makeLaw(levelsBounded: Bool = true) -> any ScalingLaw {
    if law == .sigmoid, levelsBounded, let r = metricRange { return SigmoidLaw(yRange: r) }
    if law == .formula, let f = formulaLaw { return f }
    return law.makeLaw(irreducible: irreducible)
  }

  /// The y-range as resolved (nil: none, or not yet resolved).
  public var metricRange: ClosedRange<Double>? {
    if case .range(let r) = yRange { return r }
    return nil
  }

  /// The options with `.auto` y-range settled on the data: [0, 1] when every y is inside it,
  /// else none.
  public func resolved(for d: Dataset) -> FitOptions {
    guard law.isMetricLaw, yRange == .auto else { return self }
    var o = self
    o.yRange = d.loss.allSatisfy { $0 >= 0 && $0 <= 1 } ? .range(0...1) : .none
    return o
  }
}

/// The range a metric law's curve is kept in: over the data's x range (the fitter refits with
/// both levels of the curve inside the range when the unbounded curve leaves it there).
public enum YRange: Sendable, Equatable {
  /// [0, 1] when every y of the data is inside it (accuracies), else unbounded.
  case auto
  case none
  case range(ClosedRange<Double>)
}
