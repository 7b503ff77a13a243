/// How a symmetric matrix was inverted.
public enum InverseMethod: String, Sendable {
  /// Cholesky factorisation (the matrix was positive definite).
  case cholesky
  /// Moore–Penrose pseudo-inverse from the SVD (the matrix was singular or indefinite).
  case pseudoInverse = "pseudo-inverse"
}

/// The inverse of a symmetric matrix and how it was obtained.
public struct SymmetricInverse: Sendable {
  public let inverse: Matrix
  public let method: InverseMethod
  /// Singular values treated as zero by the pseudo-inverse (0 for Cholesky).
  public let droppedDirections: Int
}

extension Matrix {
  /// Inverts a symmetric positive (semi-)definite matrix such as JᵀJ: Cholesky
  /// (`dpotrf`/`dpotri`) when it is positive definite, otherwise the SVD pseudo-inverse
  /// with singular values below `rcond · σ_max` dropped (reported in `droppedDirections`).
  public func symmetricInverse(rcond: Double = 1e-14) throws -> SymmetricInverse {
    precondition(rows == columns, "symmetricInverse needs a square matrix.")
    do {
      let inv = try LAPACK.dpotrfInverse(self)
      if inv.storage.allSatisfy({ $0.isFinite }) {
        return SymmetricInverse(inverse: inv, method: .cholesky, droppedDirections: 0)
      }
    } catch let error as LAPACKError where error.info > 0 {
      // Not positive definite: fall through to the pseudo-inverse.
    }
    let svd = try singularValueDecomposition()
    let smax = svd.singularValues.first ?? 0
    var inv = Matrix(rows: columns, columns: rows)
    var dropped = 0
    for k in 0..<svd.singularValues.count {
      let s = svd.singularValues[k]
      guard s > rcond * smax, s > 0 else {
        dropped += 1
        continue
      }
      for j in 0..<rows {
        let uj = svd.u[j, k] / s
        if uj == 0 { continue }
        for i in 0..<columns { inv[i, j] += svd.vt[k, i] * uj }
      }
    }
    return SymmetricInverse(inverse: inv, method: .pseudoInverse, droppedDirections: dropped)
  }
}
