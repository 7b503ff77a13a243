import Foundation

/// Muennighoff et al. 2023's data-constrained law: repeated tokens and excess parameters are
/// worth less than fresh ones, decaying with "half-lives" R_D* and R_N* (values from the
/// authors' code, SCALING_REFERENCE.md §3.4):
///
///     L = E + A / N'^α + B / D'^β
///     D' = U_D + U_D R_D* (1 − e^(−R_D/R_D*)),  R_D = max(D/U_D − 1, 0),  U_D = min(U, D)
///     N' = U_N + U_N R_N* (1 − e^(−R_N/R_N*)),  R_N = max(N/U_N − 1, 0),  U_N = min(N, N_opt(U_D))
///
/// with N_opt(D) = G (D G)^(β/α) the compute-optimal size for D tokens.
public struct DataConstrainedLaw: Sendable {
  public static let rDStar = 15.387756
  public static let rNStar = 5.309743

  public var constants: ChinchillaConstants

  public init(constants: ChinchillaConstants) {
    self.constants = constants
  }

  public func effectiveTokens(tokens D: Double, unique U: Double) -> Double {
    let ud = min(U, D)
    let rd = max(D / ud - 1, 0)
    return ud + ud * Self.rDStar * (1 - exp(-rd / Self.rDStar))
  }

  public func effectiveParams(params N: Double, tokens D: Double, unique U: Double) -> Double {
    let c = constants
    let ud = min(U, D)
    let nForData = pow(ud * c.G, c.beta / c.alpha) * c.G
    let un = min(N, nForData)
    let rn = max(N / un - 1, 0)
    return un + un * Self.rNStar * (1 - exp(-rn / Self.rNStar))
  }

  public func loss(params N: Double, tokens D: Double, unique U: Double) -> Double {
    let c = constants
    return c.E + c.A / pow(effectiveParams(params: N, tokens: D, unique: U), c.alpha)
      + c.B / pow(effectiveTokens(tokens: D, unique: U), c.beta)
  }

  /// The allocation of a budget C = 6ND that minimises the data-constrained loss: a dense scan
  /// of log N over three decades either side of the unconstrained optimum, then golden-section
  /// refinement around the best scan point.
  public func optimalAllocation(flops C: Double, unique U: Double) -> (params: Double, tokens: Double, loss: Double) {
    let n0 = constants.optimalParams(flops: C)
    let lo = log(n0) - 3 * log(10.0), hi = log(n0) + 3 * log(10.0)
    let f: (Double) -> Double = { u in
      let n = exp(u)
      return self.loss(params: n, tokens: C / (6 * n), unique: U)
    }
    let steps = 2000
    var best = 0
    var bestValue = Double.infinity
    for k in 0...steps {
      let v = f(lo + (hi - lo) * Double(k) / Double(steps))
      if v < bestValue { bestValue = v; best = k }
    }
    let h = (hi - lo) / Double(steps)
    let center = lo + h * Double(best)
    let (u, value) = Scalar.minimize(in: (center - h)...(center + h), tolerance: 1e-13, f)
    let n = exp(u)
    return (n, C / (6 * n), value)
  }
}

import Fitting
