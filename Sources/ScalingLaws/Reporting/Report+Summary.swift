import Foundation

extension Report {
  /// What `scaling report` prints when it is done: each fit's law, points, objective and
  /// convergence, its parameters, an exponent's interval, the holdout error and the warnings, then
  /// the figures and where the report is.
  public func summary(_ fits: [LawFit], folder: String, scriptsOnly: Bool) -> String {
    var s = ""
    for f in fits {
      s += "\(f.group.map { "\(f.file) [\($0)]" } ?? f.file): \(f.law), \(f.points) points, objective \(number("%.6g", f.objective)), converged \(f.converged ? "yes" : "NO")\n"
      s += "    " + zip(f.parameterNames, f.parameters).map { "\($0) = \(number("%.4g", $1))" }.joined(separator: ", ") + "\n"
      if let b = f.bootstrap, let i = f.parameterNames.firstIndex(where: { f.exponentNames.contains($0) }) {
        s += "    \(f.parameterNames[i]) \(Int(100 * b.confidence))% interval [\(number("%.4g", b.intervals[i].0)), \(number("%.4g", b.intervals[i].1))] (\(b.resamples) resamples)\n"
      }
      if let h = f.holdout {
        s += "    holdout \(h.criterion.description): mean |error| \(number("%.2f", 100 * h.meanAbsRelError))%\n"
      }
      for w in f.warnings { s += "    warning: \(w)\n" }
    }
    s += "\(figures.count) figures\(scriptsOnly ? " (scripts only)" : ""); report: \(folder)/report.md\n"
    return s
  }
}
