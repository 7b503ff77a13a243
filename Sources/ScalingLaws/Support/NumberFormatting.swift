import Foundation

// Number and text formatting shared by every layer (messages, reports, CSV): one home, so that a
// count prints the same way in a warning, a table and a figure key.

/// Four significant digits, for parameters and values in messages: 0.00012345 → "0.0001234".
func fmt(_ v: Double) -> String { number("%.4g", v) }

/// One number by a `String(format:)` pattern with one conversion ("%.4g", "%+.2f%%"), or "n/a"
/// when it is not finite: no command prints nan or inf (issue 34); where a value is undefined the
/// text around it says why.
public func number(_ format: String, _ v: Double) -> String {
  v.isFinite ? String(format: format, v) : "n/a"
}

/// Whether `text` prints a non-finite number: nan, -nan, inf or -inf as a word (the invariant the
/// fuzz targets and the output tests check).
public func printsNonFinite(_ text: String) -> Bool {
  text.range(of: "(^|[^A-Za-z_])[-+]?(nan|inf|infinity)($|[^A-Za-z_])", options: [.regularExpression, .caseInsensitive]) != nil
}

/// 70426624 → "70.4M", 3e11 → "300B", 999,999,999 → "1B" (the unit is chosen after rounding to
/// three significant digits, so a value never prints as "1e+03M"); 1.5e16 → "1.5e+16".
public func shortCount(_ v: Double) -> String {
  guard v.isFinite else { return "n/a" }
  let rounded = Double(String(format: "%.3g", v)) ?? v
  if abs(rounded) >= 1e15 { return String(format: "%.3g", v) }
  let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
  for (scale, suffix) in units where abs(rounded) >= scale {
    return String(format: "%.3g", rounded / scale) + suffix
  }
  return String(format: "%.3g", v)
}

/// 2 → "2nd", 3 → "3rd", 11 → "11th".
func ordinal(_ n: Int) -> String {
  let tens = (n / 10) % 10, ones = n % 10
  let suffix = tens == 1 ? "th" : (ones == 1 ? "st" : ones == 2 ? "nd" : ones == 3 ? "rd" : "th")
  return "\(n)\(suffix)"
}

/// A field's text for an error message: at most 40 characters, with the full length noted.
func clipped(_ text: String) -> String {
  guard text.count > 40 else { return text }
  return String(text.prefix(40)) + "... (\(text.count) characters)"
}

func quoted(_ names: [String]) -> String {
  names.map { "'\($0)'" }.joined(separator: ", ")
}

/// Compact count formatting for messages: 2097152 → "2097152", 1e9 → "1e+09".
func formatCount(_ v: Double) -> String {
  if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
  return String(format: "%g", v)
}

/// A ratio such as tokens per parameter: one decimal from 1 up ("20.3"), three significant
/// digits below 1, so that a small ratio never prints as "0.0" ("0.023", "0.000212").
public func ratioText(_ v: Double) -> String {
  guard v.isFinite, abs(v) < 1, v != 0 else { return String(format: "%.1f", v) }
  return String(format: "%.3g", v)
}
