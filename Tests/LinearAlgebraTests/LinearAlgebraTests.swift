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
