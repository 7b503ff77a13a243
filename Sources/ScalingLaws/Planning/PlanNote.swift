/// A line an answer of the planner carries: a note on how it was computed, a warning about this
/// answer (an extrapolation, too many epochs), or a warning of the law's fit (repeated on every
/// answer made with it). Printed as the text, "WARNING: text" or "FIT WARNING (LAW): text";
/// code tells them apart by ``kind``, never by the printed prefix. A string literal is a note.
public struct PlanNote: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
  public enum Kind: Sendable, Equatable {
    case note
    case warning
    /// A warning of the fit of the law named `law`.
    case fitWarning(law: String)
  }

  public var kind: Kind
  public var text: String

  public init(_ kind: Kind, _ text: String) {
    self.kind = kind
    self.text = text
  }

  public init(stringLiteral text: String) { self.init(.note, text) }

  public static func warning(_ text: String) -> PlanNote { PlanNote(.warning, text) }
  public static func fitWarning(_ text: String, law: String) -> PlanNote { PlanNote(.fitWarning(law: law), text) }

  public var isFitWarning: Bool {
    if case .fitWarning = kind { return true }
    return false
  }

  public var description: String {
    switch kind {
    case .note: return text
    case .warning: return "WARNING: " + text
    case .fitWarning(let law): return "FIT WARNING (\(law)): " + text
    }
  }
}
