/// A config file the report cannot use: the message names the file, and the key and its line
/// where there is one. The command line prints it as a usage error (exit 2), on one line: a
/// line break inside it (a quoted key or value of the file) is written as \n.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
  public let message: String
  public init(_ message: String) {
    self.message = message.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
  }
  public var description: String { message }
}
