import CMultiPower
import Foundation
import XCTest
@testable import ScalingLaws

/// The C kernel of the multi-power node sum (`Sources/CMultiPower`): its vector path (glibc's
/// libmvec exp/log1p) against its scalar path and against the formula written out in Swift.
final class MultiPowerKernelTests: XCTestCase {
  override func tearDown() { scaling_multipower_force_scalar(0) }

  /// Nodes like a 24,000-step curve's: drops of both signs (warm-up and decay), areas from
  /// 1e-4 to 7 (peak-rate units x steps), ln rates from ln 3e-8 to ln 3e-4; counts that are not
  /// multiples of the lane width.
  func nodes(_ count: Int, seed: UInt64) -> (drop: [Double], area: [Double], logRate: [Double]) {
    var g = SplitMix64(seed: seed)
    func u() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
    var d: [Double] = [], s: [Double] = [], le: [Double] = []
    for _ in 0..<count {
      d.append((u() - 0.2) * 1e-6)
      s.append(exp(log(1e-4) + u() * log(7e4)))
      le.append(log(3e-8) + u() * log(1e4))
    }
    return (d, s, le)
  }

  func kernel(_ n: (drop: [Double], area: [Double], logRate: [Double]), c: Double, beta: Double, gamma: Double) -> [Double] {
    var out = [Double](repeating: 0, count: 4)
    scaling_multipower_reduction(n.drop, n.area, n.logRate, n.drop.count, c, beta, gamma, &out)
    return out
  }

  /// The sums as the header defines them, term by term in Swift.
  func formula(_ n: (drop: [Double], area: [Double], logRate: [Double]), c: Double, beta: Double, gamma: Double) -> [Double] {
    var out = [0.0, 0, 0, 0]
    for j in n.drop.indices {
      let x = exp(c - gamma * n.logRate[j]) * n.area[j]
      let p = pow(1 + x, -beta)
      out[0] += n.drop[j] * (1 - p)
      let q = n.drop[j] * beta * p * x / (1 + x)
      out[1] += q
      out[2] += n.drop[j] * p * log1p(x)
      out[3] -= q * n.logRate[j]
    }
    return out
  }

  func testVectorAndScalarPathsAgreeWithTheFormula() {
    for (count, seed) in [(0, 1), (1, 2), (3, 3), (7, 4), (25_473, 5)] {
      let n = nodes(count, seed: UInt64(seed))
      for (c, beta, gamma) in [(0.73, 0.58, 0.64), (-14.4, 0.1, 2.48), (3.0, 2.9, 0.05)] {
        let expected = formula(n, c: c, beta: beta, gamma: gamma)
        scaling_multipower_force_scalar(0)
        let vector = kernel(n, c: c, beta: beta, gamma: gamma)
        scaling_multipower_force_scalar(1)
        XCTAssertEqual(scaling_multipower_lanes(), 1)
        let scalar = kernel(n, c: c, beta: beta, gamma: gamma)
        scaling_multipower_force_scalar(0)
        // Each sum against the sum of the terms' magnitudes (drops of both signs cancel).
        let scale = formula((n.drop.map(abs), n.area, n.logRate), c: c, beta: beta, gamma: gamma).map { abs($0) + 1e-300 }
        for k in 0..<4 {
          XCTAssertLessThan(abs(vector[k] - expected[k]) / scale[k], 1e-13, "vector sum \(k), \(count) nodes, c \(c)")
          XCTAssertLessThan(abs(scalar[k] - expected[k]) / scale[k], 1e-13, "scalar sum \(k), \(count) nodes, c \(c)")
        }
        if count == 0 { XCTAssertEqual(vector, [0, 0, 0, 0]) }
      }
    }
  }

  /// Same input, same bytes: the vector path is deterministic run to run.
  func testSameInputSameBytes() {
    let n = nodes(1_001, seed: 9)
    let a = kernel(n, c: 0.5, beta: 0.6, gamma: 0.55), b = kernel(n, c: 0.5, beta: 0.6, gamma: 0.55)
    XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern))
  }

  /// Where glibc ships libmvec with the vector log1p (x86-64, glibc >= 2.35, as on Debian 12),
  /// the kernel takes a vector path: the fit-speed numbers in BENCHMARKS.md depend on it.
  func testTakesTheVectorPathWhereLibmvecExists() throws {
    #if arch(x86_64)
      let paths = ["/lib/x86_64-linux-gnu/libmvec.so.1", "/usr/lib/x86_64-linux-gnu/libmvec.so.1", "/lib64/libmvec.so.1"]
      guard paths.contains(where: { FileManager.default.fileExists(atPath: $0) }) else {
        throw XCTSkip("this machine has no libmvec.so.1: the kernel's scalar path is the one in use")
      }
      XCTAssertGreaterThanOrEqual(scaling_multipower_lanes(), 2)
      print("multi-power kernel: \(scaling_multipower_lanes()) lanes")
    #else
      throw XCTSkip("the vector path is x86-64 only")
    #endif
  }
}
