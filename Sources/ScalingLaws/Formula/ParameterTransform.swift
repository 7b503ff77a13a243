import Foundation

/// How a formula parameter p is optimised: as itself, as ln(p − lo) (a lower bound only), as
/// ln(hi − p) (an upper bound only), or through a logistic map onto [lo, hi].
public enum ParameterTransform: Sendable, Equatable {
  case identity
  case logAbove(Double)
  case logBelow(Double)
  case logistic(Double, Double)

  public init(bound: ClosedRange<Double>?, logScale: Bool, exponent: Bool) {
    guard let b = bound else {
      // The default range [0, ∞): exponents as they are (as the built-in laws fit them), the
      // rest in logs.
      self = exponent && !logScale ? .identity : .logAbove(0)
      return
    }
    switch (b.lowerBound.isFinite, b.upperBound.isFinite) {
    case (true, true): self = .logistic(b.lowerBound, b.upperBound)
    case (true, false): self = .logAbove(b.lowerBound)
    case (false, true): self = .logBelow(b.upperBound)
    case (false, false): self = .identity
    }
  }

  /// p from θ.
  @inline(__always)
  public func value(_ t: Double) -> Double {
    switch self {
    case .identity: return t
    case .logAbove(let lo): return lo + exp(t)
    case .logBelow(let hi): return hi - exp(t)
    case .logistic(let lo, let hi): return lo + (hi - lo) / (1 + exp(-t))
    }
  }

  /// dp/dθ.
  @inline(__always)
  public func derivative(_ t: Double) -> Double {
    switch self {
    case .identity: return 1
    case .logAbove: return exp(t)
    case .logBelow: return -exp(t)
    case .logistic(let lo, let hi):
      let s = 1 / (1 + exp(-t))
      return (hi - lo) * s * (1 - s)
    }
  }

  /// θ from p (a value at or beyond a bound maps just inside it).
  public func internalValue(_ p: Double) -> Double {
    switch self {
    case .identity: return p
    case .logAbove(let lo): return log(max(p - lo, 1e-300))
    case .logBelow(let hi): return log(max(hi - p, 1e-300))
    case .logistic(let lo, let hi):
      let s = min(max((p - lo) / (hi - lo), 1e-12), 1 - 1e-12)
      return log(s / (1 - s))
    }
  }
}
