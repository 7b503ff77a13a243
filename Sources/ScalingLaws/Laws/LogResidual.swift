import Fitting
import Foundation

/// The per-point step shared by the curve laws' one-pass objectives (fit on log L, with the
/// loss predicted on the linear scale): one place for the residual, its ρ and the chain-rule factor.
enum LogResidual {
  /// With L the predicted loss of a point whose observed log loss is `observedLog`: adds
  /// ρ(log L − observedLog) to `f` and returns ψ(r)/L, the factor that turns ∂L/∂θ into ∂f/∂θ.
  /// Nil when L is not a positive finite loss (the objective is then `invalid`).
  @inline(__always)
  static func weight(prediction L: Double, observedLog: Double, loss: RobustLoss, adding f: inout Double) -> Double? {
    guard L > 0, L.isFinite else { return nil }
    let r = Foundation.log(L) - observedLog
    f += loss.rho(r)
    return loss.psi(r) / L
  }

  /// +∞ with a NaN gradient: the value at a point where some prediction is not a positive loss
  /// (the line searches step back from it).
  static func invalid(_ gradient: inout [Double]) -> Double {
    for j in gradient.indices { gradient[j] = .nan }
    return .infinity
  }
}
