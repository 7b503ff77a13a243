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

  /// Solves `A x = b` for symmetric positive definite A by Cholesky (LAPACK `dposv`); throws
  /// ``LAPACKError`` (routine "dposv", info > 0) when A is not positive definite.
  public func solveSymmetricPositiveDefinite(_ b: [Double]) throws -> [Double] {
    try LAPACK.dposv(self, b, nrhs: 1)
  }

  /// Solves the square system `A x = b` by LU with partial pivoting (LAPACK `dgesv`).
  public func solve(_ b: [Double]) throws -> [Double] {
    try LAPACK.dgesv(self, b, nrhs: 1)
  }
}
