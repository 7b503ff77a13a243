import Foundation
import LinearAlgebra

/// The loss at the compute-optimal point as a function of compute, L*(C) = E + k·C^(−γ), fitted
/// to Approach 1 or 2's per-budget optima (least squares on L*, γ by a grid over [0.005, 2] in
/// ln γ refined by golden-section search, E and k linear for each γ with E ≥ 0 and k > 0).
public struct OptimalLossLaw: Sendable, Equatable {
  public var E: Double
  public var k: Double
  public var gamma: Double

  public init(E: Double, k: Double, gamma: Double) {
    self.E = E
    self.k = k
    self.gamma = gamma
  }

  public func loss(flops C: Double) -> Double { E + k * pow(C, -gamma) }

  /// The compute whose optimum reaches loss L (nil at or below E).
  public func flops(forLoss L: Double) -> Double? {
    guard L > E, k > 0, gamma > 0 else { return nil }
    return pow(k / (L - E), 1 / gamma)
  }

  /// The least-squares law through (C, L*) points: nil with fewer than 3 points or when no γ
  /// gives a positive k.
  public static func fit(flops: [Double], loss: [Double]) -> OptimalLossLaw? {
    guard flops.count >= 3, flops.count == loss.count else { return nil }
    // Compute in units of the largest budget keeps C^−γ near 1.
    let scale = flops.max()!
    let c = flops.map { $0 / scale }
    func solve(_ g: Double) -> (sse: Double, E: Double, k: Double)? {
      let z = c.map { pow($0, -g) }
      let n = Double(z.count)
      let (sz, sy) = (z.reduce(0, +), loss.reduce(0, +))
      let szz = z.reduce(0) { $0 + $1 * $1 }, szy = zip(z, loss).reduce(0) { $0 + $1.0 * $1.1 }
      let det = n * szz - sz * sz
      var E = 0.0, k = 0.0
      if det > 0 {
        k = (n * szy - sz * sy) / det
        E = (sy - k * sz) / n
      }
      if !(det > 0) || E < 0 {
        E = 0
        k = szy / szz
      }
      guard k > 0, k.isFinite else { return nil }
      let sse = zip(z, loss).reduce(0) { $0 + pow(E + k * $1.0 - $1.1, 2) }
      return (sse, E, k)
    }
    let lo = log(0.005), hi = log(2.0), cells = 200
    var best: (u: Double, sse: Double)? = nil
    for i in 0..<cells {
      let u = lo + (hi - lo) * Double(i) / Double(cells - 1)
      if let s = solve(exp(u)), best == nil || s.sse < best!.sse { best = (u, s.sse) }
    }
    guard let start = best else { return nil }
    // Golden-section search over one grid cell either side.
    let h = (hi - lo) / Double(cells - 1)
    var (a, b) = (max(lo, start.u - h), min(hi, start.u + h))
    let r = (5.0.squareRoot() - 1) / 2
    func f(_ u: Double) -> Double { solve(exp(u))?.sse ?? .infinity }
    var x1 = b - r * (b - a), x2 = a + r * (b - a)
    var f1 = f(x1), f2 = f(x2)
    for _ in 0..<80 {
      if f1 < f2 {
        (b, x2, f2) = (x2, x1, f1)
        x1 = b - r * (b - a)
        f1 = f(x1)
      } else {
        (a, x1, f1) = (x1, x2, f2)
        x2 = a + r * (b - a)
        f2 = f(x2)
      }
    }
    var u = (a + b) / 2
    if f(u) > start.sse { u = start.u }
    guard let s = solve(exp(u)) else { return nil }
    // Back to FLOPs: k·(C/scale)^−γ = (k·scale^γ)·C^−γ.
    return OptimalLossLaw(E: s.E, k: s.k * pow(scale, exp(u)), gamma: exp(u))
  }
}
