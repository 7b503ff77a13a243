/// The report's files were written but a figure could not be rendered (exit 1).
struct ReportFailure: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}
extension ReportFailure: UserFacingError {}
