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

  public var description: String {
    switch (line, column) {
    case (let l?, let c?): return "\(file):\(l):\(c): \(message)"
    case (let l?, nil): return "\(file):\(l): \(message)"
    default: return "\(file): \(message)"
    }
  }
}
