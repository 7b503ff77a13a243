import Fitting
import Foundation

/// Sardana & Frankle 2023: with T tokens of inference demand, minimise the lifetime cost
/// 6·N·D + 2·N·T subject to reaching the loss ℓ, i.e. D = D(N) = (B/(ℓ − E − A/N^α))^(1/β).
///
/// d/d ln N of the total is N·h(N) with h = 6D(1 − αA N^−α / (β R)) + 2T, R = ℓ − E − A N^−α;
/// h → −∞ as N approaches the smallest size that can reach ℓ and h → 6D∞ + 2T > 0 as N → ∞,
/// so the optimum is the one root of h, found by bracketing then Newton.
public struct InferenceAwarePlanner: Sendable {
  public var constants: ChinchillaConstants

  public init(constants: ChinchillaConstants) {
    self.constants = constants
  }

  public struct Result: Sendable {
    public var params: Double
    public var tokens: Double
    public var trainingFlops: Double
    public var inferenceFlops: Double
    public var totalFlops: Double { trainingFlops + inferenceFlops }
    /// The Chinchilla (training-compute-optimal) model reaching the same loss.
    public var chinchillaParams: Double
    public var chinchillaTokens: Double
    public var chinchillaTotalFlops: Double
    public var saving: Double { chinchillaTotalFlops - totalFlops }
    public var savingFraction: Double { saving / chinchillaTotalFlops }
  }

  public func plan(loss target: Double, inferenceTokens T: Double) throws -> Result {
    let c = constants
    guard target > c.E else {
      throw FitError("\(OptionName.targetLoss) \(target) is at or below the law's irreducible loss E = \(c.E)")
    }
    // Smallest N that can reach the target: A N^-α < ℓ − E.
    let nMin = pow(c.A / (target - c.E), 1 / c.alpha)
    let h: (Double) -> Double = { u in
      let n = exp(u)
      let an = c.A * pow(n, -c.alpha)
      let r = target - c.E - an
      guard r > 0 else { return -.infinity }
      let d = pow(c.B / r, 1 / c.beta)
      return 6 * d * (1 - c.alpha * an / (c.beta * r)) + 2 * T
    }
    var lo = log(nMin) + 1e-12
    while h(lo) == -.infinity || !(h(lo) < 0) {
      lo += 1e-9 * max(1, abs(lo))
      if lo > log(nMin) + 1 { break }
    }
    var hi = log(nMin) + 1
    while h(hi) < 0 { hi += 1 }
    let u = try Scalar.root(in: lo...hi, h)
    let n = exp(u)
    let d = c.tokens(params: n, loss: target)!
    let c0 = c.flops(forLoss: target)
    let n0 = c.optimalParams(flops: c0), d0 = c.optimalTokens(flops: c0)
    return Result(
      params: n, tokens: d, trainingFlops: 6 * n * d, inferenceFlops: 2 * n * T,
      chinchillaParams: n0, chinchillaTokens: d0, chinchillaTotalFlops: 6 * n0 * d0 + 2 * n0 * T)
  }

  /// The lifetime budget held instead of the loss: the lowest loss whose training and inference
  /// together cost `C` FLOPs, 6·N·D + 2·N·T = C. Along that budget D(N) = (C − 2NT)/(6N), and
  /// L(N, D(N)) is minimised over ln N in (0, C/(2T)) by a 400-point grid and golden-section
  /// refinement (the loss is unimodal there: A/N^α falls and B/D^β rises with N). The
  /// Chinchilla columns are the training-optimal model of the same loss.
  public func plan(lifetimeFlops C: Double, inferenceTokens T: Double) throws -> Result {
    let c = constants
    let nMax = C / (2 * T)
    let hi = log(nMax) - 1e-9, lo = hi - 40
    func loss(_ u: Double) -> Double {
      let n = exp(u)
      let d = (C - 2 * n * T) / (6 * n)
      return d > 0 ? c.loss(params: n, tokens: d) : .infinity
    }
    let grid = (0...400).map { lo + (hi - lo) * Double($0) / 400 }
    guard let k = grid.indices.min(by: { loss(grid[$0]) < loss(grid[$1]) }), loss(grid[k]).isFinite else {
      throw FitError("a lifetime budget of \(String(format: "%.4g", C)) FLOPs cannot train any model that also serves \(shortCount(T)) tokens")
    }
    var a = grid[max(0, k - 1)], b = grid[min(grid.count - 1, k + 1)]
    let g = (5.0.squareRoot() - 1) / 2
    for _ in 0..<200 where b - a > 1e-12 {
      let x1 = b - g * (b - a), x2 = a + g * (b - a)
      if loss(x1) <= loss(x2) { b = x2 } else { a = x1 }
    }
    let n = exp((a + b) / 2)
    let d = (C - 2 * n * T) / (6 * n)
    let target = c.loss(params: n, tokens: d)
    let c0 = c.flops(forLoss: target)
    let n0 = c.optimalParams(flops: c0), d0 = c.optimalTokens(flops: c0)
    return Result(
      params: n, tokens: d, trainingFlops: 6 * n * d, inferenceFlops: 2 * n * T,
      chinchillaParams: n0, chinchillaTokens: d0, chinchillaTotalFlops: 6 * n0 * d0 + 2 * n0 * T)
  }
}
