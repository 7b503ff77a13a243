import ArgumentParser
import ScalingLaws

/// A positive count on the command line, with optional K/M/B/T suffix (`10B`, `1.4e9`).
struct Count: ExpressibleByArgument, Sendable {
  let value: Double

  init?(argument: String) {
    let bytes = Array(argument.utf8)
    guard case .success(let v) = NumberParser.parse(bytes, 0, bytes.count, allowSuffix: true),
      v.isFinite
    else { return nil }
    value = v
  }
}

/// A finite real number on the command line.
struct RealArgument: ExpressibleByArgument, Sendable, CustomStringConvertible {
  let value: Double

  init(_ value: Double) { self.value = value }
  var description: String { "\(value)" }
  var defaultValueDescription: String { "\(value)" }

  init?(argument: String) {
    let bytes = Array(argument.utf8)
    guard case .success(let v) = NumberParser.parse(bytes, 0, bytes.count, allowSuffix: false)
    else { return nil }
    value = v
  }
}
