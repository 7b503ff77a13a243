import LinearAlgebra

/// A nonlinear least-squares problem: residuals r(p) ∈ ℝᵐ and their Jacobian J = ∂r/∂p.
public struct LeastSquaresProblem: Sendable {
  public let parameterCount: Int
  public let residualCount: Int
  public let residuals: @Sendable ([Double]) -> [Double]
  public let jacobian: @Sendable ([Double]) -> Matrix

  public init(
    parameterCount: Int, residualCount: Int,
    residuals: @escaping @Sendable ([Double]) -> [Double],
    jacobian: @escaping @Sendable ([Double]) -> Matrix
  ) {
    self.parameterCount = parameterCount
    self.residualCount = residualCount
    self.residuals = residuals
    self.jacobian = jacobian
  }
}
