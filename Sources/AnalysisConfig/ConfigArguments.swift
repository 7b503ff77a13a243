/// A config read into command-line arguments: every option one `--flag=value` token, with the
/// config key (and its line) each flag came from, so that a check the command line makes of a
/// value (a number out of range, an unknown law) is reported against the key that gave it.
public struct ConfigArguments: Sendable {
  /// Where a flag came from in the config.
  public struct Origin: Sendable, Equatable {
    public let key: String
    public let line: Int?
  }

  public let path: String
  public let arguments: [String]
  /// The origin of each flag the config produced (by flag, e.g. "--budgets").
  public let origins: [String: Origin]

  /// `message` (an error the command line gave for these arguments) prefixed with the config
  /// file, the line and the key of the first flag it names: "--config a.yaml: line 4: 'budgets':
  /// --budgets must be positive ...". Nil when it names no flag of the config.
  public func located(_ message: String) -> String? {
    var best: (offset: Int, origin: Origin)? = nil
    for (flag, origin) in origins {
      var search = message[...]
      while let r = search.range(of: flag) {
        let next = r.upperBound < message.endIndex ? message[r.upperBound] : " "
        if !(next.isLetter || next.isNumber || next == "-") {
          let offset = message.distance(from: message.startIndex, to: r.lowerBound)
          if best == nil || offset < best!.offset { best = (offset, origin) }
          break
        }
        search = message[r.upperBound...]
      }
    }
    guard let best else { return nil }
    let line = best.origin.line.map { "line \($0): " } ?? ""
    return "--config \(path): \(line)'\(best.origin.key)': \(message)"
  }
}
