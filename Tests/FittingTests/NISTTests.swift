import Fitting
import Foundation
import LinearAlgebra
import XCTest

/// The solver every fit ships with (`Polisher.minimize`: L-BFGS with the polish options, then
/// damped Newton, and restarted L-BFGS where Newton does not converge) on ½Σr² of the NIST StRD
/// problems, from both of NIST's starting points, against the certified values; the certified
/// standard errors through `Covariance`, the code every fit's standard errors come from.
final class NISTTests: XCTestCase {
  /// log relative error: the number of significant digits that agree.
  func digits(_ actual: Double, _ certified: Double) -> Double {
    if actual == certified { return 16 }
    return -log10(abs(actual - certified) / abs(certified))
  }

  func jacobian(_ p: NISTProblem, _ b: [Double]) -> Matrix {
    var J = Matrix(rows: p.x.count, columns: b.count)
    for (i, x) in p.x.enumerated() {
      let g = p.model(x, b).1
      for j in 0..<b.count { J[i, j] = g[j] }
    }
    return J
  }

  func solve(_ p: NISTProblem, start: [Double]) -> MinimizationResult {
    Polisher().minimize(start: start) { b, g in
      var f = 0.0
      for j in 0..<b.count { g[j] = 0 }
      for (x, y) in zip(p.x, p.y) {
        let (m, d) = p.model(x, b)
        let r = m - y
        f += 0.5 * r * r
        for j in 0..<b.count { g[j] += r * d[j] }
      }
      return f
    }
  }

  /// Starts from which a local solver reaches another local minimum (measured: Thurber start 2
  /// stops at RSS 14,960 against the certified 5,643; MGH17 start 1 at 0.0245 against 5.46e-5).
  /// Every fit runs a global search before this polish for that reason; here the test asserts
  /// what such a stop must be: converged, and never below the certified RSS.
  static let localMinimumStarts: Set<String> = ["Thurber 2", "MGH17 1"]

  func check(_ p: NISTProblem, file: StaticString = #filePath, line: UInt = #line) throws {
    for (s, start) in p.starts.enumerated() {
      let label = "\(p.name) \(s + 1)"
      let result = solve(p, start: start)
      // Not asserted: `converged`. NIST's parameters are on their raw scales (Misra1a's b2 is
      // 5.5e-4), where the absolute gradient tests can stall a hair short of them at full
      // precision (Misra1a start 2: ‖g‖ = 3e-3, certified digits reached); the laws the polish
      // runs in production optimise log-scale coordinates, and their stopping reasons are
      // reported as they are.
      let rss = 2 * result.objective
      if Self.localMinimumStarts.contains(label) {
        XCTAssertGreaterThan(rss, p.certifiedRSS * (1 + 1e-6), label, file: file, line: line)
        continue
      }
      XCTAssertGreaterThanOrEqual(digits(rss, p.certifiedRSS), 6, "\(label): RSS \(rss)", file: file, line: line)
      // Eckerle4's model b1/b2·exp(−½((x − b3)/b2)²) is unchanged by (b1, b2) → (−b1, −b2): from
      // start 1 the solver reaches that mirror image of the certified optimum (same RSS).
      let mirror = p.name == "Eckerle4" && result.parameters[1] < 0
      for (j, c) in p.certified.enumerated() {
        let v = mirror && j < 2 ? -result.parameters[j] : result.parameters[j]
        XCTAssertGreaterThanOrEqual(
          digits(v, c), 6, "\(label): b\(j + 1) = \(v), certified \(c)", file: file, line: line)
      }
      let cov = try Covariance(jacobian: jacobian(p, result.parameters), residualSumOfSquares: rss)
      for (j, c) in p.certifiedStandardErrors.enumerated() {
        XCTAssertGreaterThanOrEqual(
          digits(cov.standardErrors[j], c), 4,
          "\(label): se(b\(j + 1)) = \(cov.standardErrors[j]), certified \(c)", file: file, line: line)
      }
    }
  }

  func testMisra1a() throws { try check(.misra1a) }
  func testDanWood() throws { try check(.danWood) }
  func testMGH09() throws { try check(.mgh09) }
  func testThurber() throws { try check(.thurber) }
  func testEckerle4() throws { try check(.eckerle4) }
  func testRat42() throws { try check(.rat42) }
  func testMGH17() throws { try check(.mgh17) }
}
