/// One field of a CSV record: a byte range into the document, and where it starts.
public struct CSVField: Sendable {
  /// Byte range of the field's content (inside the quotes for a quoted field).
  public var start: Int
  public var end: Int
  /// 1-based line of the field's first byte.
  public var line: Int
  /// Byte offset of the start of that line.
  public var lineStart: Int
  /// The field was quoted and contains doubled quotes that must be unescaped.
  public var hasEscapedQuotes: Bool
  /// The field was quoted.
  public var isQuoted: Bool
}
