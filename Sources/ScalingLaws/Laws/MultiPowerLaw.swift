import Foundation

/// The multi-power law of Luo et al. 2025 ("A Multi-Power Law for Loss Curve Prediction Across
/// Learning Rate Schedules", arXiv 2503.12811) for one model size:
///
///     L(t) = L0 + A·S1(t)^−α − B·Σ_{k=1..t} (η_{k−1} − η_k)·G(η_k^−γ·S_k(t)),
///     G(x) = 1 − (C·x + 1)^−β,  S1(t) = Σ_{τ=0..t} η_τ,  S_k(t) = Σ_{τ=k..t} η_τ.
///
/// Prefix sums give S1 and every S_k(t) in O(1); the loss-reduction sum skips the steps where the
/// rate does not change (constant phases contribute nothing), so a curve costs O(t) for S and
/// one term per rate change before each checkpoint.
public struct MultiPowerLaw: Sendable, Equatable {
  public var L0: Double, A: Double, alpha: Double, B: Double, C: Double, beta: Double, gamma: Double

  public static let parameterNames = ["L0", "A", "alpha", "B", "C", "beta", "gamma"]

  public init(L0: Double, A: Double, alpha: Double, B: Double, C: Double, beta: Double, gamma: Double) {
    (self.L0, self.A, self.alpha, self.B, self.C, self.beta, self.gamma) = (L0, A, alpha, B, C, beta, gamma)
  }

  public init(_ p: [Double]) {
    self.init(L0: p[0], A: p[1], alpha: p[2], B: p[3], C: p[4], beta: p[5], gamma: p[6])
  }

  public var parameters: [Double] { [L0, A, alpha, B, C, beta, gamma] }

  /// L at each of `steps` (ascending or not) for the rates η_0, η_1, … (`rates` must cover the
  /// largest step).
  public func losses(rates eta: [Double], at steps: [Int]) -> [Double] {
    let last = steps.max() ?? 0
    precondition(last < eta.count, "the schedule must cover step \(last)")
    var prefix = [Double](repeating: 0, count: last + 2)
    for i in 0...last { prefix[i + 1] = prefix[i] + eta[i] }
    // The steps k ≥ 1 where the rate changes, with the change and η_k^−γ.
    var ks: [Int] = [], drop: [Double] = [], scale: [Double] = []
    if last >= 1 {
      for k in 1...last where eta[k - 1] != eta[k] {
        ks.append(k)
        drop.append(eta[k - 1] - eta[k])
        scale.append(C * pow(eta[k], -gamma))
      }
    }
    return steps.map { t in
      let s1 = prefix[t + 1]
      var reduction = 0.0
      for j in 0..<ks.count {
        let k = ks[j]
        if k > t { break }
        let sk = prefix[t + 1] - prefix[k]
        reduction += drop[j] * (1 - pow(scale[j] * sk + 1, -beta))
      }
      return L0 + A * pow(s1, -alpha) - B * reduction
    }
  }
}
