import Foundation

/// What a user gives for a formula law: the text, which names are inputs and from which columns,
/// and per parameter a range, a start or a log scale; and whether residuals are taken in logs.
public struct FormulaSpec: Sendable, Equatable {
  /// The formula, e.g. "E + A/N^alpha + B/D^beta" (an "L =" in front is allowed).
  public var text: String
  /// Inputs beyond the built-in N, D, C and S: name → CSV column (`--input U=unique_tokens`).
  public var inputs: [String: String]
  /// Ranges (`--bound alpha=0.01:3`); a parameter without one is kept at 0 or above.
  public var bounds: [String: ClosedRange<Double>]
  /// Starting values (`--start m=1.5`): the search holds the parameter at its start in the grid
  /// and lets the polish move it.
  public var starts: [String: Double]
  /// Parameters optimised as the logarithm of their distance to their lower bound even where the
  /// default would take them as they are (exponents).
  public var logScale: Set<String>
  /// Residuals log L̂ − log L (default) or L̂ − L (`linear`: a loss that can be 0 or negative).
  public var residual: Residual
  /// The compute rule's text (`--compute-rule`; nil: ``ComputeRule/standardText``, 6*N*D).
  public var compute: String?

  public enum Residual: String, Sendable, Equatable, CaseIterable {
    case log, linear
  }

  public init(
    _ text: String, inputs: [String: String] = [:], bounds: [String: ClosedRange<Double>] = [:], starts: [String: Double] = [:],
    logScale: Set<String> = [], residual: Residual = .log, compute: String? = nil
  ) {
    self.text = text
    self.inputs = inputs
    self.bounds = bounds
    self.starts = starts
    self.logScale = logScale
    self.residual = residual
    self.compute = compute
  }

  /// The built-in inputs a formula may use without declaring them, and the column role each reads.
  public static let builtinInputs: [(name: String, quantity: Quantity)] = [("N", .params), ("D", .tokens), ("C", .flops), ("S", .step)]
}
