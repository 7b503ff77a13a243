import Foundation

/// A JSON value with ordered object keys, rendered deterministically (same value, same bytes).
/// Numbers use Swift's shortest round-trip representation; NaN and infinities become null,
/// so no NaN ever reaches a JSON output.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case int(Int)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

  public static func num(_ v: Double?) -> JSONValue {
    guard let v, v.isFinite else { return .null }
    return .number(v)
  }

  /// Pretty-printed with two-space indentation and a trailing newline at top level.
  public func rendered(indent: Int = 0) -> String {
    var out = ""
    write(into: &out, indent: indent)
    return out
  }

  /// On one line (JSON Lines: `fit --format jsonl`): ", " between items, ": " after keys, the
  /// same numbers and escapes as ``rendered(indent:)``.
  public func compactRendered() -> String {
    switch self {
    case .array(let a): return "[" + a.map { $0.compactRendered() }.joined(separator: ", ") + "]"
    case .object(let kv):
      return "{" + kv.map { JSONValue.escape($0.0) + ": " + $0.1.compactRendered() }.joined(separator: ", ") + "}"
    default: return rendered()
    }
  }

  private func write(into out: inout String, indent: Int) {
    let pad = String(repeating: "  ", count: indent)
    let pad1 = String(repeating: "  ", count: indent + 1)
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .number(let v):
      if !v.isFinite {
        out += "null"
      } else if v == v.rounded() && abs(v) < 1e15 {
        out += String(Int64(v))
      } else {
        out += "\(v)"
      }
    case .string(let s): out += JSONValue.escape(s)
    case .array(let a):
      if a.isEmpty { out += "[]"; return }
      if a.allSatisfy({ $0.isScalar }) {
        out += "[" + a.map { $0.rendered() }.joined(separator: ", ") + "]"
        return
      }
      out += "[\n"
      for (i, v) in a.enumerated() {
        out += pad1
        v.write(into: &out, indent: indent + 1)
        out += i + 1 < a.count ? ",\n" : "\n"
      }
      out += pad + "]"
    case .object(let kv):
      if kv.isEmpty { out += "{}"; return }
      out += "{\n"
      for (i, (k, v)) in kv.enumerated() {
        out += pad1 + JSONValue.escape(k) + ": "
        v.write(into: &out, indent: indent + 1)
        out += i + 1 < kv.count ? ",\n" : "\n"
      }
      out += pad + "}"
    }
  }

  var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  static func escape(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          out += String(format: "\\u%04x", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
