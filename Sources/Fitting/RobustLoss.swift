/// The per-residual loss ρ(r) summed by an objective, with its derivative ψ(r) = ρ'(r).
public enum RobustLoss: Sendable, Hashable, CustomStringConvertible {
  /// ρ(r) = r²/2: ordinary least squares.
  case squared
  /// Huber: ρ(r) = r²/2 for |r| ≤ δ, δ(|r| − δ/2) beyond (Hoffmann et al. 2022, App. D.2).
  case huber(delta: Double)

  @inlinable
  public func rho(_ r: Double) -> Double {
    switch self {
    case .squared: return 0.5 * r * r
    case .huber(let d):
      let a = abs(r)
      return a <= d ? 0.5 * r * r : d * (a - 0.5 * d)
    }
  }

  @inlinable
  public func psi(_ r: Double) -> Double {
    switch self {
    case .squared: return r
    case .huber(let d): return r > d ? d : (r < -d ? -d : r)
    }
  }

  public var description: String {
    switch self {
    case .squared: return "sum of r^2/2 (least squares)"
    case .huber(let d): return "sum of Huber_delta(r), delta = \(d)"
    }
  }
}
