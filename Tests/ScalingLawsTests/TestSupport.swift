import Foundation
@testable import ScalingLaws

extension SplitMix64 {
  /// Standard normal by Box–Muller.
  mutating func normal() -> Double {
    let u1 = Double(next() >> 11) / Double(1 << 53) + 1e-300
    let u2 = Double(next() >> 11) / Double(1 << 53)
    return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
  }
}

enum Synthetic {
  /// A Chinchilla-law grid: `sizes` model sizes log-spaced in [1e7, 1e10] × `checkpoints`
  /// token counts log-spaced in [1e8, 1e12], with multiplicative noise exp(σ z).
  static func chinchilla(
    E: Double = 1.8, A: Double = 480, B: Double = 2000, alpha: Double = 0.35, beta: Double = 0.37,
    sizes: Int = 8, checkpoints: Int = 20, noise: Double = 0, seed: UInt64 = 1
  ) -> Dataset {
    var rng = SplitMix64(seed: seed)
    var N = [Double](), D = [Double](), L = [Double]()
    for i in 0..<sizes {
      let n = 1e7 * pow(1e3, Double(i) / Double(max(1, sizes - 1)))
      for j in 0..<checkpoints {
        let d = 1e8 * pow(1e4, Double(j) / Double(max(1, checkpoints - 1)))
        let l = E + A / pow(n, alpha) + B / pow(d, beta)
        N.append(n)
        D.append(d)
        L.append(l * exp(noise * rng.normal()))
      }
    }
    return Dataset(file: "synthetic", params: N, tokens: D, flops: zip(N, D).map { 6 * $0 * $1 }, loss: L)
  }
}

func fixture(_ name: String) -> String {
  Bundle.module.path(forResource: "Fixtures/\(name)", ofType: nil)!
}

/// The checkout's `datasets/` folder (the shipped data, with their attributions).
func datasetsFolder() -> String {
  var url = URL(fileURLWithPath: #filePath)
  for _ in 0..<3 { url.deleteLastPathComponent() }
  return url.appendingPathComponent("datasets").path
}
