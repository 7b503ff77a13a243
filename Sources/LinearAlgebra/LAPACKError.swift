/// A LAPACK routine returned a non-zero `info` code.
///
/// Negative `info`: argument number `-info` was illegal (a bug in this package).
/// Positive `info`: a numerical failure whose meaning depends on the routine
/// (a zero pivot, a matrix that is not positive definite, an SVD that did not converge).
public struct LAPACKError: Error, Sendable, Equatable, CustomStringConvertible {
  public let routine: String
  public let info: Int

  public init(routine: String, info: Int) {
    self.routine = routine
    self.info = info
  }

  public var description: String {
    if info < 0 {
      return "LAPACK \(routine): argument \(-info) had an illegal value"
    }
    switch routine {
    case "dpotrf":
      return "LAPACK dpotrf: the leading minor of order \(info) is not positive definite"
    case "dpotri", "dgetri", "dgesv", "dgetrf":
      return "LAPACK \(routine): the matrix is exactly singular (zero pivot at \(info))"
    case "dgelsd", "dgesdd":
      return "LAPACK \(routine): the singular value decomposition did not converge (\(info) superdiagonals)"
    default:
      return "LAPACK \(routine): failed with info = \(info)"
    }
  }
}
