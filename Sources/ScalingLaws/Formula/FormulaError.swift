/// A formula that does not parse, or names that do not fit it: the message and, for a syntax
/// error, the 1-based column of the character where it was found.
public struct FormulaError: Error, CustomStringConvertible, Sendable, Equatable {
  public let message: String
  /// 1-based column in the formula text (nil: not about one place in the text).
  public let column: Int?

  public init(_ message: String, column: Int? = nil) {
    self.message = message
    self.column = column
  }

  public var description: String {
    column.map { "column \($0): \(message)" } ?? message
  }
}
