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
  /// A metric law's y-range (`--y-range`).
  public var yRange: YRange = .auto

  public init() {}

  /// The law with every parameter free (for a metric law, with the y-range as resolved: call
  /// `resolved(for:)` first; `.auto` builds it unbounded).
  public func makeLaw() -> any ScalingLaw {
    if law == .sigmoid, case .range(let r) = yRange { return SigmoidLaw(yRange: r) }
    return law.makeLaw(irreducible: irreducible)
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

/// The range a metric law's curve is kept in.
public enum YRange: Sendable, Equatable {
  /// [0, 1] when every y of the data is inside it (accuracies), else unbounded.
  case auto
  case none
  case range(ClosedRange<Double>)
}
