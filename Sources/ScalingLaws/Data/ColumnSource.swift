import Foundation

/// Where a dataset's quantity came from: a column of the file, or a derivation the loader made
/// when the file has none. Outputs print ``description`` (`column = tokens <- step x 2,097,152`,
/// the fit file's `data.columns`); `predict` reads it back with ``init(recorded:)`` to load new
/// rows the way the fit's rows were loaded.
public enum ColumnSource: Sendable, Hashable, CustomStringConvertible {
  /// The file's column of this name (for a run made of several columns, their names joined by commas).
  case header(String)
  /// D = step × tokens per step (`--tokens-per-step`).
  case stepTimesBatch(tokensPerStep: Double)
  /// C = 6ND.
  case sixND
  /// D = C/(6N).
  case flopsOverSixN
  /// x = log10(C) (the ladder's direct law).
  case logCompute
  /// C from the law's compute rule (its text), or D from C by the same rule.
  case computeRule(String)

  public var description: String {
    switch self {
    case .header(let name): return name
    case .stepTimesBatch(let t): return Self.stepPrefix + formatCount(t)
    case .sixND: return "6ND"
    case .flopsOverSixN: return "C/(6N)"
    case .logCompute: return DatasetLoader.logComputeColumn
    case .computeRule(let text): return Self.rulePrefix + text
    }
  }

  /// The column's name in the file, nil for a derivation.
  public var header: String? {
    if case .header(let name) = self { return name }
    return nil
  }

  /// The source a fit file recorded (its ``description``): a derivation's spelling reads back as
  /// that derivation, any other text as a column name.
  public init(recorded text: String) {
    switch text {
    case "6ND": self = .sixND
    case "C/(6N)": self = .flopsOverSixN
    case DatasetLoader.logComputeColumn: self = .logCompute
    default:
      if text.hasPrefix(Self.rulePrefix) {
        self = .computeRule(String(text.dropFirst(Self.rulePrefix.count)))
      } else if text.hasPrefix(Self.stepPrefix), let t = Double(text.dropFirst(Self.stepPrefix.count).filter { $0 != "," }) {
        self = .stepTimesBatch(tokensPerStep: t)
      } else {
        self = .header(text)
      }
    }
  }

  static let stepPrefix = "step x "
  static let rulePrefix = "rule "
}

extension ColumnSource: ExpressibleByStringLiteral {
  /// A literal names a column of the file.
  public init(stringLiteral name: String) { self = .header(name) }
}
