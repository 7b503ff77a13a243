/// The outcome of one local minimisation.
public struct MinimizationResult: Sendable {
  /// The final point.
  public var parameters: [Double]
  /// The objective at `parameters`.
  public var objective: Double
  /// The gradient at `parameters`.
  public var gradient: [Double]
  public var iterations: Int
  /// Objective (and gradient) evaluations.
  public var evaluations: Int
  public var termination: Termination

  public init(
    parameters: [Double], objective: Double, gradient: [Double], iterations: Int,
    evaluations: Int, termination: Termination
  ) {
    self.parameters = parameters
    self.objective = objective
    self.gradient = gradient
    self.iterations = iterations
    self.evaluations = evaluations
    self.termination = termination
  }

  public var converged: Bool { termination.isSuccess }

  /// ‖∇f‖∞ at the final point.
  public var gradientNorm: Double { gradient.reduce(0) { max($0, abs($1)) } }
}
