/// The report's files were written but a figure could not be rendered (exit 1).
struct ReportFailure: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}
extension ReportFailure: UserFacingError {}
/// A data or computation error of a report run from a config, prefixed with the config key (and
/// line) that set the flag it names (exit 1, as the error it wraps).
struct LocatedFailure: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}
extension LocatedFailure: UserFacingError {}
