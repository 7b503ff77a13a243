/// A law's identity as outputs and fit files spell it: its kind, and "+E" when the optional
/// irreducible term is on ("kaplan-n+E"). The one place that spelling is written
/// (``description``) and read back (``init(_:)``); code compares `LawName`s and kinds, never strings.
public struct LawName: Sendable, Hashable, CustomStringConvertible {
  public var kind: LawKind
  public var irreducible: Bool

  public init(_ kind: LawKind, irreducible: Bool = false) {
    self.kind = kind
    self.irreducible = irreducible
  }

  /// The name as written ("chinchilla", "kaplan-c+E"); nil for a name no law has.
  public init?(_ text: String) {
    let irreducible = text.hasSuffix(Self.irreducibleSuffix)
    guard let kind = LawKind(rawValue: irreducible ? String(text.dropLast(Self.irreducibleSuffix.count)) : text) else { return nil }
    self.init(kind, irreducible: irreducible)
  }

  public var description: String { kind.rawValue + (irreducible ? Self.irreducibleSuffix : "") }

  static let irreducibleSuffix = "+E"
}
