import Fitting
import Foundation
import LinearAlgebra
import XCTest

/// The generic least-squares core (Levenberg–Marquardt over LAPACK) against NIST StRD certified
/// values, from both of NIST's starting points, to at least 6 significant digits.
final class NISTTests: XCTestCase {
  /// log relative error: the number of significant digits that agree.
  func digits(_ actual: Double, _ certified: Double) -> Double {
    if actual == certified { return 16 }
    return -log10(abs(actual - certified) / abs(certified))
  }

  func problem(_ p: NISTProblem) -> LeastSquaresProblem {
    LeastSquaresProblem(
      parameterCount: p.certified.count, residualCount: p.x.count,
      residuals: { b in zip(p.x, p.y).map { p.model($0, b).0 - $1 } },
      jacobian: { b in
        var J = Matrix(rows: p.x.count, columns: b.count)
        for (i, x) in p.x.enumerated() {
          let g = p.model(x, b).1
          for j in 0..<b.count { J[i, j] = g[j] }
        }
        return J
      })
  }

  func check(_ p: NISTProblem, file: StaticString = #filePath, line: UInt = #line) throws {
    for (s, start) in p.starts.enumerated() {
      let result = try LevenbergMarquardt().minimize(problem(p), start: start)
      XCTAssertTrue(result.converged, "\(p.name) start \(s + 1): \(result.termination)", file: file, line: line)
      let rss = 2 * result.objective
      XCTAssertGreaterThanOrEqual(
        digits(rss, p.certifiedRSS), 6, "\(p.name) start \(s + 1): RSS \(rss)", file: file, line: line)
      for (j, c) in p.certified.enumerated() {
        XCTAssertGreaterThanOrEqual(
          digits(result.parameters[j], c), 6,
          "\(p.name) start \(s + 1): b\(j + 1) = \(result.parameters[j]), certified \(c)",
          file: file, line: line)
      }
      // Certified standard errors from the Gauss–Newton covariance.
      let J = problem(p).jacobian(result.parameters)
      let cov = try Covariance(jacobian: J, residualSumOfSquares: rss)
      for (j, c) in p.certifiedStandardErrors.enumerated() {
        XCTAssertGreaterThanOrEqual(
          digits(cov.standardErrors[j], c), 4,
          "\(p.name) start \(s + 1): se(b\(j + 1)) = \(cov.standardErrors[j]), certified \(c)",
          file: file, line: line)
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
