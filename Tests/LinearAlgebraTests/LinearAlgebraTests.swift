import LinearAlgebra
import XCTest

final class LeastSquaresTests: XCTestCase {
  func testExactLine() throws {
    let x: [Double] = [0, 1, 2, 3, 4]
    let A = Matrix(rowArrays: x.map { [1, $0] })
    let s = try A.leastSquares(x.map { 2 + 3 * $0 })
    XCTAssertEqual(s.solution[0], 2, accuracy: 1e-12)
    XCTAssertEqual(s.solution[1], 3, accuracy: 1e-12)
    XCTAssertEqual(s.rank, 2)
    XCTAssertEqual(s.residualSumOfSquares, 0, accuracy: 1e-20)
  }

  /// NIST StRD linear regression "Norris" is too long to inline; Longley-style ill-conditioning
  /// is exercised instead by a Vandermonde system with a known exact solution.
  func testVandermondeDegree5() throws {
    let x = (0..<20).map { Double($0) / 19 }
    let coef: [Double] = [1, -2, 3, -4, 5, -6]
    let A = Matrix(rowArrays: x.map { v in (0..<6).map { pow(v, Double($0)) } })
    let b = x.map { v in (0..<6).reduce(0.0) { $0 + coef[$1] * pow(v, Double($1)) } }
    let s = try A.leastSquares(b)
    for k in 0..<6 { XCTAssertEqual(s.solution[k], coef[k], accuracy: 1e-8) }
    XCTAssertGreaterThan(s.conditionNumber, 1e3)
  }

  func testRankDeficientGivesMinimumNorm() throws {
    // Two identical columns: the minimum-norm solution splits the weight equally.
    let A = Matrix(rowArrays: [[1, 1], [2, 2], [3, 3]])
    let s = try A.leastSquares([2, 4, 6])
    XCTAssertEqual(s.rank, 1)
    XCTAssertEqual(s.solution[0], 1, accuracy: 1e-12)
    XCTAssertEqual(s.solution[1], 1, accuracy: 1e-12)
    XCTAssertEqual(s.conditionNumber, .infinity)
  }

  func testSingularValuesAndCondition() throws {
    let A = Matrix(rowArrays: [[3, 0], [0, 0.5], [0, 0]])
    XCTAssertEqual(try A.singularValues(), [3, 0.5])
    XCTAssertEqual(try A.conditionNumber(), 6, accuracy: 1e-14)
    let svd = try A.singularValueDecomposition()
    XCTAssertEqual(svd.u.rows, 3)
    XCTAssertEqual(svd.vt.columns, 2)
  }

  func testSymmetricInverseCholeskyAndPseudoInverse() throws {
    let S = Matrix(rowArrays: [[4, 2], [2, 3]])
    let inv = try S.symmetricInverse()
    XCTAssertEqual(inv.method, .cholesky)
    let I = S * inv.inverse
    XCTAssertEqual(I[0, 0], 1, accuracy: 1e-14)
    XCTAssertEqual(I[0, 1], 0, accuracy: 1e-14)
    let singular = Matrix(rowArrays: [[1, 1], [1, 1]])
    let p = try singular.symmetricInverse()
    XCTAssertEqual(p.method, .pseudoInverse)
    XCTAssertEqual(p.droppedDirections, 1)
    XCTAssertEqual(p.inverse[0, 0], 0.25, accuracy: 1e-14)
  }

  /// Cholesky solves: orders ≤ 8 are factored in Swift, larger ones by LAPACK `dposv`; both agree
  /// with LU (`dgesv`) on SPD matrices, and both report a leading minor that is not positive
  /// definite with dposv's info (the order of that minor) — checked on both sides of the switch.
  func testCholeskySolveSmallAndLarge() throws {
    var state: UInt64 = 12345
    func uniform() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53) - 0.5
    }
    for n in 1...12 {
      // A = MᵀM + n·I: symmetric positive definite, moderately conditioned.
      let m = (0..<n).map { _ in (0..<n).map { _ in uniform() } }
      let a = Matrix(rowArrays: (0..<n).map { i in
        (0..<n).map { j in (0..<n).reduce(0.0) { $0 + m[$1][i] * m[$1][j] } + (i == j ? Double(n) : 0) }
      })
      let b = (0..<n).map { _ in uniform() }
      let x = try a.solveSymmetricPositiveDefinite(b)
      let lu = try a.solve(b)
      for i in 0..<n { XCTAssertEqual(x[i], lu[i], accuracy: 1e-12 * max(1, abs(lu[i])), "n = \(n)") }
      // Break positive definiteness at minor k: a 2×2 block [[1, 2], [2, 1]] at rows k-2, k-1.
      if n >= 2 {
        var bad = a
        let k = n
        for (i, j, v) in [(k - 2, k - 2, 1.0), (k - 1, k - 1, 1.0), (k - 2, k - 1, 2.0), (k - 1, k - 2, 2.0)] { bad[i, j] = v }
        for i in 0..<(k - 2) {
          for j in [k - 2, k - 1] { bad[i, j] = 0; bad[j, i] = 0 }
        }
        XCTAssertThrowsError(try bad.solveSymmetricPositiveDefinite(b), "n = \(n)") { error in
          XCTAssertEqual(error as? LAPACKError, LAPACKError(routine: "dposv", info: k), "n = \(n)")
        }
      }
    }
    XCTAssertThrowsError(try Matrix(rowArrays: [[.nan]]).solveSymmetricPositiveDefinite([1])) { error in
      XCTAssertEqual(error as? LAPACKError, LAPACKError(routine: "dposv", info: 1))
    }
  }

  func testLAPACKInfoIsThrownAsTypedError() {
    let notPD = Matrix(rowArrays: [[1, 2], [2, 1]])
    XCTAssertThrowsError(try notPD.solveSymmetricPositiveDefinite([1, 1])) { error in
      XCTAssertEqual(error as? LAPACKError, LAPACKError(routine: "dposv", info: 2))
      XCTAssertEqual("\(error)", "LAPACK dposv: failed with info = 2")
    }
    let singular = Matrix(rowArrays: [[1, 2], [2, 4]])
    XCTAssertThrowsError(try singular.solve([1, 1])) { error in
      XCTAssertEqual("\(error)", "LAPACK dgesv: the matrix is exactly singular (zero pivot at 2)")
    }
  }
}
