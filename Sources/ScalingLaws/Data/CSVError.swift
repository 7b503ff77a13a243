/// A problem with an input file, located by file, line and column (1-based; the column counts
/// characters from the start of the line).
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
  public let file: String
  public let line: Int?
  public let column: Int?
  public let message: String

  public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  /// One line: a line break quoted from the file (a quoted field or header name may hold one)
  /// is shown as \n or \r, so that the message stays one line on the terminal.
  public var description: String {
    let text: String
    switch (line, column) {
    case (let l?, let c?): text = "\(file):\(l):\(c): \(message)"
    case (let l?, nil): text = "\(file):\(l): \(message)"
    default: text = "\(file): \(message)"
    }
    return text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
  }
}
