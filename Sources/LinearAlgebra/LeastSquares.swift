/// The solution of a linear least-squares problem `min ‖A x − b‖₂`.
public struct LeastSquaresSolution: Sendable {
  /// The minimum-norm solution.
  public let solution: [Double]
  /// The effective rank of A (singular values above `rcond · σ_max`).
  public let rank: Int
  /// Singular values of A, largest first.
  public let singularValues: [Double]
  /// Residual sum of squares ‖A x − b‖².
  public let residualSumOfSquares: Double

  /// The 2-norm condition number σ_max / σ_min (infinite when A is rank-deficient).
  public var conditionNumber: Double {
    guard rank == singularValues.count else { return .infinity }
    guard let hi = singularValues.first, let lo = singularValues.last, lo > 0 else {
      return .infinity
    }
    return hi / lo
  }
}

extension Matrix {
  /// Solves `min ‖A x − b‖₂` with LAPACK `dgelsd` (SVD-based, safe when A is rank-deficient).
  ///
  /// - Parameter rcond: singular values below `rcond · σ_max` are treated as zero; the default
  ///   is a few hundred ulps.
  public func leastSquares(_ b: [Double], rcond: Double = 1e-13) throws -> LeastSquaresSolution {
    precondition(b.count == rows, "Right-hand side length must equal the number of rows.")
    let (x, rank, s) = try LAPACK.dgelsd(self, b, nrhs: 1, rcond: rcond)
    let fitted = self * x
    var rss = 0.0
    for i in 0..<rows {
      let r = fitted[i] - b[i]
      rss += r * r
    }
    return LeastSquaresSolution(
      solution: x, rank: rank, singularValues: s, residualSumOfSquares: rss)
  }

  /// Solves `A x = b` for symmetric positive definite A by Cholesky A = UᵀU on its upper
  /// triangle: LAPACK `dposv`, or for n ≤ `smallCholeskyOrder` the unblocked factorization
  /// (LAPACK's `dpotf2`) written out here. Why by hand for small n: a 4×4 solve is ~100 flops,
  /// and LAPACK's per-call cost (LAPACKE's copy, argument checks, `ilaenv` block-size queries,
  /// the recursive `dpotrf2`) was ~10× that; the variable-projection grids solve up to 15 such
  /// systems per grid cell, ~10⁷ per 1,000-resample bootstrap (`perf`: 35% of a ladder run went
  /// to them). Throws ``LAPACKError`` (routine "dposv", info = the order of the first leading
  /// minor that is not positive definite) either way.
  public func solveSymmetricPositiveDefinite(_ b: [Double]) throws -> [Double] {
    precondition(rows == columns && b.count == rows, "dposv needs a square matrix and a matching right-hand side.")
    guard rows <= Self.smallCholeskyOrder else { return try LAPACK.dposv(self, b, nrhs: 1) }
    let n = rows
    var x = b
    try withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, n * n)) { u in
      // u[i + j*n] = U[i, j] for i ≤ j (column-major, as `storage`).
      for j in 0..<n {
        var d = storage[j + j * n]
        for k in 0..<j { d -= u[k + j * n] * u[k + j * n] }
        guard d > 0 else { throw LAPACKError(routine: "dposv", info: j + 1) }  // also NaN
        let ujj = d.squareRoot()
        u[j + j * n] = ujj
        for i in (j + 1)..<max(j + 1, n) {
          var v = storage[j + i * n]
          for k in 0..<j { v -= u[k + j * n] * u[k + i * n] }
          u[j + i * n] = v / ujj
        }
      }
      // Uᵀ y = b, then U x = y.
      for i in 0..<n {
        var v = x[i]
        for k in 0..<i { v -= u[k + i * n] * x[k] }
        x[i] = v / u[i + i * n]
      }
      for i in stride(from: n - 1, through: 0, by: -1) {
        var v = x[i]
        for k in (i + 1)..<max(i + 1, n) { v -= u[i + k * n] * x[k] }
        x[i] = v / u[i + i * n]
      }
    }
    return x
  }

  /// The largest order `solveSymmetricPositiveDefinite` factors itself rather than through LAPACK.
  public static let smallCholeskyOrder = 8

  /// Solves the square system `A x = b` by LU with partial pivoting (LAPACK `dgesv`).
  public func solve(_ b: [Double]) throws -> [Double] {
    try LAPACK.dgesv(self, b, nrhs: 1)
  }
}
