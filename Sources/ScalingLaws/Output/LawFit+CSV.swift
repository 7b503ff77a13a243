/// One CSV row per fit (`scaling fit --format csv`).
extension LawFit {
  public static func csvDocument(_ fits: [LawFit]) -> String {
    var names: [String] = []
    for f in fits { for n in f.parameterNames where !names.contains(n) { names.append(n) } }
    var header = [
      "file", "group", "law", "points", "objective", "converged", "termination", "iterations",
      "evaluations", "gradient_norm",
    ]
    for n in names { header += [n, "\(n)_stderr"] }
    header += ["rmse_log", "r2_log", "condition_number", "warnings"]
    var out = header.map(csvEscape).joined(separator: ",") + "\n"
    for f in fits {
      var row = [
        f.file, f.group ?? "", f.law, String(f.points), csvNumber(f.objective), f.converged ? "true" : "false",
        f.termination.code, String(f.iterations), String(f.evaluations), csvNumber(f.gradientNorm),
      ]
      for n in names {
        if let i = f.parameterNames.firstIndex(of: n) {
          row += [csvNumber(f.parameters[i]), f.standardErrors.map { csvNumber($0[i]) } ?? ""]
        } else {
          row += ["", ""]
        }
      }
      row += [csvNumber(f.rmseLog), csvNumber(f.r2Log), csvNumber(f.conditionNumber), f.warnings.joined(separator: "; ")]
      out += row.map(csvEscape).joined(separator: ",") + "\n"
    }
    return out
  }
}

/// A CSV cell of a number: the shortest round-trip digits, empty when not finite.
func csvNumber(_ v: Double) -> String { v.isFinite ? "\(v)" : "" }

func csvEscape(_ s: String) -> String {
  if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
  return s
}

import Foundation
