import ArgumentParser
import Foundation
import ScalingLaws

extension FormulaSpec.Residual: ExpressibleByArgument {}

/// `--formula` and what goes with it: open inputs, parameter ranges, starts, log scales and the
/// residual scale.
struct FormulaOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Fit a law written as a formula, e.g. 'E + A/N^alpha + B/D^beta': N, D, C and S (step) and the --input names are inputs, every other name a parameter (+ - * / ^, exp, log, sqrt, min, max; README, \"Formula laws\").",
      valueName: "formula"))
  var formula: String?
  @Option(help: ArgumentHelp("A formula input read from a column, e.g. U=unique_tokens; repeatable.", valueName: "name=column"))
  var input: [String] = []
  @Option(help: ArgumentHelp("A formula parameter's range, e.g. alpha=0.01:3 or E=-inf:inf (default 0:inf); repeatable.", valueName: "name=lo:hi"))
  var bound: [String] = []
  @Option(help: ArgumentHelp("A formula parameter's starting value (the search holds it there and the polish moves it); repeatable.", valueName: "name=value"))
  var start: [String] = []
  @Option(help: ArgumentHelp("Formula parameters optimised in logs (exponents are taken as they are by default); comma-separated, repeatable.", valueName: "names"))
  var logScale: [String] = []
  @Option(help: "Formula residuals: log (log L_pred - log L, default) or linear (L_pred - L, for a loss that can be 0 or negative).")
  var residual: FormulaSpec.Residual?

  @Option(help: ArgumentHelp("With --group-column and a formula (or named) law: one joint fit of every group, these parameters common to all and each other one per group (p_GROUP), e.g. alpha,beta,E; comma-separated, repeatable.", valueName: "names"))
  var shared: [String] = []

  var sharedNames: [String] {
    var out: [String] = []
    for s in shared.flatMap({ $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }) where !s.isEmpty && !out.contains(s) { out.append(s) }
    return out
  }

  @Option(
    help: ArgumentHelp(
      "The formula law's compute rule: training FLOPs from N, D and its inputs, e.g. '6*(N + V*W)*D' (default 6*N*D); plan holds C fixed along it.",
      valueName: "formula"))
  var computeRule: String?

  @Option(help: "--law data-constrained: the column of unique tokens U (default unique_tokens).")
  var uniqueTokensColumn: String?
  @Option(help: "--law moe: the column of the number of experts E (default experts; 1 for a dense model).")
  var expertsColumn: String?
  @Option(help: "--law vocab: the column of the vocabulary size V (default vocab_size).")
  var vocabColumn: String?
  @Option(help: "--law vocab: the column of the embedding width W, the vocabulary parameters being V*W (default d_model).")
  var widthColumn: String?

  /// The named laws' input column flags, by input.
  static let columnFlags: [(input: String, flag: String)] = [
    ("U", "--unique-tokens-column"), ("E", "--experts-column"), ("V", "--vocab-column"), ("W", "--width-column"),
  ]

  /// Input → column from the named laws' column flags.
  var namedColumns: [String: String] {
    var out: [String: String] = [:]
    if let c = uniqueTokensColumn { out["U"] = c }
    if let c = expertsColumn { out["E"] = c }
    if let c = vocabColumn { out["V"] = c }
    if let c = widthColumn { out["W"] = c }
    return out
  }

  /// The flags that mean nothing without --formula.
  static let dependentFlags = ["--input", "--bound", "--start", "--log-scale", "--residual", "--compute-rule"]

  func validate() throws {
    if formula == nil {
      try GivenFlags.refuse(Self.dependentFlags, when: true, "without --formula (they describe a formula law's inputs and parameters)")
    }
    _ = try law()
  }

  /// The spec of `--formula` and its flags (nil without --formula).
  func spec() throws -> FormulaSpec? {
    guard let text = formula else { return nil }
    var inputs: [String: String] = [:]
    for item in input {
      let (name, column) = try Self.pair(item, flag: "--input", example: "U=unique_tokens")
      guard Self.isName(name) else { throw ValidationError("--input '\(item)': '\(name)' is not a name (a letter, then letters, digits or _).") }
      guard inputs[name] == nil else { throw ValidationError("--input \(name) is given twice.") }
      inputs[name] = column
    }
    var bounds: [String: ClosedRange<Double>] = [:]
    for item in bound {
      let (name, range) = try Self.pair(item, flag: "--bound", example: "alpha=0.01:3")
      let ends = range.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard ends.count == 2, let lo = Self.number(ends[0]), let hi = Self.number(ends[1]) else {
        throw ValidationError("--bound '\(item)': expected name=lo:hi with numbers (inf and -inf allowed), e.g. alpha=0.01:3.")
      }
      guard lo < hi else { throw ValidationError("--bound '\(item)': lo must be less than hi.") }
      guard bounds[name] == nil else { throw ValidationError("--bound \(name) is given twice.") }
      bounds[name] = lo...hi
    }
    var starts: [String: Double] = [:]
    for item in start {
      let (name, value) = try Self.pair(item, flag: "--start", example: "m=1.5")
      guard let v = Double(value), v.isFinite else { throw ValidationError("--start '\(item)': '\(value)' is not a finite number.") }
      guard starts[name] == nil else { throw ValidationError("--start \(name) is given twice.") }
      starts[name] = v
    }
    let logs = Set(logScale.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty })
    return FormulaSpec(text, inputs: inputs, bounds: bounds, starts: starts, logScale: logs, residual: residual ?? .log, compute: computeRule)
  }

  /// The formula law (nil without --formula); a formula or compute rule that does not parse
  /// names the column.
  func law() throws -> FormulaLaw? {
    guard let spec = try spec() else { return nil }
    var plain = spec
    plain.compute = nil
    let law = try Self.usage(flag: "--formula", text: spec.text) { try FormulaLaw(plain) }
    guard let rule = spec.compute else { return law }
    try Self.usage(flag: "--compute-rule", text: rule) { try ComputeRule(rule).check(against: law.inputNames) }
    return try Self.usage(flag: "--compute-rule", text: rule) { try FormulaLaw(spec) }
  }

  /// `make()`, with a ``FormulaError`` as the flag's usage error (a caret under the column).
  @discardableResult
  static func usage<T>(flag: String, text: String, _ make: () throws -> T) throws -> T {
    do {
      return try make()
    } catch let e as FormulaError {
      if let c = e.column {
        throw ValidationError("\(flag): \(e.message) at column \(c):\n  \(text)\n  \(String(repeating: " ", count: c - 1))^")
      }
      throw ValidationError("\(flag): \(e.message).")
    }
  }

  static func pair(_ item: String, flag: String, example: String) throws -> (String, String) {
    let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw ValidationError("\(flag) '\(item)': expected name=value, e.g. \(example).")
    }
    return (parts[0], parts[1])
  }

  static func isName(_ s: String) -> Bool { FormulaName.isName(s) }

  static func number(_ s: String) -> Double? {
    switch s.lowercased() {
    case "inf", "+inf", "infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    default:
      guard let v = Double(s), v.isFinite else { return nil }
      return v
    }
  }
}
