import Fitting

/// What to fit and how.
public struct FitOptions: Sendable {
  public var law: LawKind = .chinchilla
  /// Add an irreducible term E to the single-variable Kaplan laws.
  public var irreducible = false
  /// Per-point loss on log residuals; Huber with δ = 1e-3 by default (Hoffmann et al. 2022).
  public var loss: RobustLoss = .huber(delta: 1e-3)
  public var search: SearchStrategy = .fast

  public init() {}

  public func makeLaw() -> any ScalingLaw { law.makeLaw(irreducible: irreducible) }
}
