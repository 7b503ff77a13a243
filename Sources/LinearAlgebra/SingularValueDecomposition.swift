/// `A = U Σ Vᵀ` with the thin factors (U is rows × k, Vᵀ is k × columns, k = min(rows, columns)).
public struct SingularValueDecomposition: Sendable {
  public let u: Matrix
  public let singularValues: [Double]
  public let vt: Matrix

  /// σ_max / σ_min; infinite when the smallest singular value is zero.
  public var conditionNumber: Double {
    Matrix.conditionNumber(fromSingularValues: singularValues)
  }
}

extension Matrix {
  /// The singular values, largest first (LAPACK `dgesdd`, no vectors).
  public func singularValues() throws -> [Double] {
    try LAPACK.dgesdd(self, vectors: false).s
  }

  /// The thin singular value decomposition (LAPACK `dgesdd`).
  public func singularValueDecomposition() throws -> SingularValueDecomposition {
    let (u, s, vt) = try LAPACK.dgesdd(self, vectors: true)
    return SingularValueDecomposition(u: u!, singularValues: s, vt: vt!)
  }

  /// The singular values and right singular vectors Vᵀ of a tall matrix, from the SVD of its
  /// QR factor R (`dgeqrf`, then `dgesdd` on the n × n R): the matrix is consumed, and no m × n
  /// factor or copy is made (a million-point Jacobian: one copy instead of four).
  public static func rightSingularVectors(consuming a: inout Matrix) throws -> (singularValues: [Double], vt: Matrix) {
    let r = try LAPACK.dgeqrfR(&a)
    let svd = try r.singularValueDecomposition()
    return (svd.singularValues, svd.vt)
  }

  /// The 2-norm condition number from the SVD.
  public func conditionNumber() throws -> Double {
    Matrix.conditionNumber(fromSingularValues: try singularValues())
  }

  static func conditionNumber(fromSingularValues s: [Double]) -> Double {
    guard let hi = s.first, let lo = s.last, lo > 0, hi.isFinite else { return .infinity }
    return hi / lo
  }
}
