/// Why an optimiser stopped. Only the `converged…` cases count as success; every fit result
/// carries one of these so that a fit that did not converge is never reported as if it had.
public enum Termination: Sendable, Hashable, CustomStringConvertible {
  /// ‖∇f‖∞ fell below the gradient tolerance.
  case convergedGradient
  /// The relative reduction of the objective over one iteration fell below the function tolerance.
  case convergedFunction
  /// The relative step length fell below the step tolerance.
  case convergedStep
  /// No step along a descent direction lowers the objective at machine precision, and the
  /// gradient is below the (looser) stall tolerance: a minimum as far as doubles can tell.
  case convergedStalled
  /// The iteration limit was reached first.
  case maxIterations(Int)
  /// The objective-evaluation limit was reached first.
  case maxEvaluations(Int)
  /// The line search could not find a point satisfying the Wolfe conditions, even from a
  /// steepest-descent restart (usually: the objective is flat to machine precision but the
  /// gradient is not yet below its tolerance).
  case lineSearchFailed
  /// The objective or its gradient was NaN or infinite at the starting point.
  case nonFiniteStart

  public var isSuccess: Bool {
    switch self {
    case .convergedGradient, .convergedFunction, .convergedStep, .convergedStalled: return true
    default: return false
    }
  }

  /// A short machine-friendly code (used in JSON and CSV).
  public var code: String {
    switch self {
    case .convergedGradient: return "gtol"
    case .convergedFunction: return "ftol"
    case .convergedStep: return "xtol"
    case .convergedStalled: return "stalled_at_minimum"
    case .maxIterations: return "max_iterations"
    case .maxEvaluations: return "max_evaluations"
    case .lineSearchFailed: return "line_search_failed"
    case .nonFiniteStart: return "non_finite_start"
    }
  }

  public var description: String {
    switch self {
    case .convergedGradient: return "gradient norm below tolerance"
    case .convergedFunction: return "relative objective reduction below tolerance"
    case .convergedStep: return "relative step below tolerance"
    case .convergedStalled: return "no further decrease possible at machine precision (gradient below stall tolerance)"
    case .maxIterations(let n): return "iteration limit (\(n)) reached before convergence"
    case .maxEvaluations(let n): return "evaluation limit (\(n)) reached before convergence"
    case .lineSearchFailed: return "line search failed to make progress"
    case .nonFiniteStart: return "objective not finite at the starting point"
    }
  }
}
