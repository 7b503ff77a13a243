import LinearAlgebra

/// Asymptotic parameter uncertainty from a Jacobian at the optimum (Gauss–Newton):
/// Cov = s² (JᵀJ)⁻¹ with s² = RSS / (m − n). Computed through the SVD of J, which also gives
/// the condition number used to flag parameters that the data cannot identify.
public struct Covariance: Sendable {
  /// The covariance matrix (n × n).
  public let matrix: Matrix
  /// √diag(Cov).
  public let standardErrors: [Double]
  /// Correlation matrix Cov_ij / (σ_i σ_j).
  public let correlation: Matrix
  /// Condition number of J after scaling each column to unit norm (scale-free).
  public let conditionNumber: Double
  /// Directions of J dropped as numerically zero (non-identifiable combinations).
  public let rankDeficiency: Int
  /// The residual variance s² used.
  public let residualVariance: Double

  /// - Parameters:
  ///   - jacobian: ∂r/∂p at the optimum (m × n).
  ///   - residualSumOfSquares: Σ r² at the optimum.
  ///   - degreesOfFreedom: of s² = RSS / dof; default m − n. A Jacobian with extra rows that are
  ///     not observations (a MAP fit's prior rows) gives the data's own.
  public init(jacobian J: Matrix, residualSumOfSquares rss: Double, degreesOfFreedom: Int? = nil) throws {
    let m = J.rows, n = J.columns
    // Scale columns to unit norm so that the condition number measures correlation, not units.
    var scaled = J
    var norms = [Double](repeating: 1, count: n)
    for j in 0..<n {
      var s = 0.0
      for i in 0..<m { s += J[i, j] * J[i, j] }
      let c = s.squareRoot()
      norms[j] = c > 0 ? c : 1
      for i in 0..<m { scaled[i, j] = J[i, j] / norms[j] }
    }
    // Only Σ and V are needed: a tall J goes through its QR factor (in place on the scaled copy).
    let (s, vt) = m >= n ? try Matrix.rightSingularVectors(consuming: &scaled) : try {
      let svd = try scaled.singularValueDecomposition()
      return (svd.singularValues, svd.vt)
    }()
    let smax = s.first ?? 0
    let cutoff = smax * Double(max(m, n)) * Double.ulpOfOne * 1e2
    var inv = Matrix(rows: n, columns: n)  // (JsᵀJs)⁺ = V Σ⁻² Vᵀ
    var dropped = 0
    for k in 0..<s.count {
      guard s[k] > cutoff else {
        dropped += 1
        continue
      }
      let w = 1 / (s[k] * s[k])
      for a in 0..<n {
        let va = vt[k, a] * w
        for b in 0..<n { inv[a, b] += va * vt[k, b] }
      }
    }
    dropped += max(0, n - s.count)
    let dof = max(1, degreesOfFreedom ?? (m - n))
    let s2 = rss / Double(dof)
    var cov = Matrix(rows: n, columns: n)
    for a in 0..<n {
      for b in 0..<n { cov[a, b] = s2 * inv[a, b] / (norms[a] * norms[b]) }
    }
    let se = (0..<n).map { cov[$0, $0] > 0 ? cov[$0, $0].squareRoot() : 0 }
    var corr = Matrix(rows: n, columns: n)
    for a in 0..<n {
      for b in 0..<n {
        corr[a, b] = (se[a] > 0 && se[b] > 0) ? cov[a, b] / (se[a] * se[b]) : (a == b ? 1 : 0)
      }
    }
    self.matrix = cov
    self.standardErrors = se
    self.correlation = corr
    self.conditionNumber = (s.last ?? 0) > 0 && s.count == n ? smax / s.last! : .infinity
    self.rankDeficiency = dropped
    self.residualVariance = s2
  }
}
