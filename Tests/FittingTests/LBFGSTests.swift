import Fitting
import XCTest

final class LBFGSTests: XCTestCase {
  func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
    let a = 1 - x[0], b = x[1] - x[0] * x[0]
    g[0] = -2 * a - 400 * x[0] * b
    g[1] = 200 * b
    return a * a + 100 * b * b
  }

  func testRosenbrockConvergesToTheMinimum() {
    let r = LBFGS().minimize(start: [-1.2, 1], rosenbrock)
    XCTAssertTrue(r.converged, "\(r.termination)")
    XCTAssertEqual(r.parameters[0], 1, accuracy: 1e-8)
    XCTAssertEqual(r.parameters[1], 1, accuracy: 1e-8)
    XCTAssertLessThan(r.gradientNorm, 1e-7)
  }

  func testIterationLimitIsReportedAsNotConverged() {
    var o = LBFGS.Options()
    o.maxIterations = 3
    let r = LBFGS(options: o).minimize(start: [-1.2, 1], rosenbrock)
    XCTAssertFalse(r.converged)
    XCTAssertEqual(r.termination, .maxIterations(3))
    XCTAssertEqual(r.termination.description, "iteration limit (3) reached before convergence")
  }

  func testNonFiniteStart() {
    let r = LBFGS().minimize(start: [0]) { _, g in g[0] = .nan; return .nan }
    XCTAssertEqual(r.termination, .nonFiniteStart)
    XCTAssertFalse(r.converged)
  }

  func testHuberLoss() {
    let h = RobustLoss.huber(delta: 1e-3)
    XCTAssertEqual(h.rho(5e-4), 0.5 * 25e-8)
    XCTAssertEqual(h.rho(-2e-3), 1e-3 * (2e-3 - 0.5e-3), accuracy: 1e-18)
    XCTAssertEqual(h.psi(2), 1e-3)
    XCTAssertEqual(h.psi(-2), -1e-3)
  }
}
