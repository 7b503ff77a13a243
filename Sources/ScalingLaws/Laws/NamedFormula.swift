import Foundation

/// A published law written as a formula and fitted by the formula engine (`--law NAME`): its
/// text, its inputs with their default columns, the ranges and starts its search needs, its
/// source, and its published constants where the paper (or the authors' code) gives them.
public struct NamedFormula: Sendable {
  public let name: String
  public let source: String
  public let text: String
  /// Input name → default column, and the column flag's setting name that overrides it.
  public let inputs: [(name: String, column: String, option: String)]
  public let bounds: [String: ClosedRange<Double>]
  public let starts: [String: Double]
  /// Published constants (a named set), by parameter, with where they come from.
  public let published: [String: Double]
  public let publishedSource: String?

  /// The spec with the inputs read from `columns` (input name → column; default columns otherwise).
  public func spec(columns: [String: String] = [:]) -> FormulaSpec {
    var inputs: [String: String] = [:]
    for i in self.inputs { inputs[i.name] = columns[i.name] ?? i.column }
    return FormulaSpec(text, inputs: inputs, bounds: bounds, starts: starts)
  }

  public func law(columns: [String: String] = [:]) -> FormulaLaw {
    // The texts are fixed and tested: a failure here is a programming error.
    do { return try FormulaLaw(spec(columns: columns)) } catch { preconditionFailure("named law \(name): \(error)") }
  }

  /// The published constants in the law's parameter order (nil without them).
  public var publishedValues: [Double]? {
    let names = law().parameterNames
    guard !published.isEmpty, names.allSatisfy({ published[$0] != nil }) else { return nil }
    return names.map { published[$0]! }
  }

  /// Muennighoff et al. 2023 (arXiv 2305.16264; the datablations README and notebook): repeated
  /// tokens and parameters beyond the data's optimum are worth less, with "half-lives" R_D* and
  /// R_N*. The same law as the planner's `DataConstrainedLaw` with published constants (tested).
  public static let dataConstrained = NamedFormula(
    name: "data-constrained",
    source: "Muennighoff et al. 2023, Scaling Data-Constrained Language Models (arXiv 2305.16264), eq. 5 with the datablations README's U_N = min(N, N_opt(U_D))",
    text: "E + A/NP^alpha + B/DP^beta; DP = UD + UD*RD*(1 - exp(-max(D/UD - 1, 0)/RD)); NP = UN + UN*RN*(1 - exp(-max(N/UN - 1, 0)/RN)); UN = min(N, G*(UD*G)^(beta/alpha)); G = (alpha*A/(beta*B))^(1/(alpha + beta)); UD = min(U, D)",
    inputs: [("U", "unique_tokens", "unique_tokens_column")],
    bounds: ["RD": 0.1...1000, "RN": 0.1...1000],
    starts: ["RD": 15, "RN": 5],
    published: [
      "E": exp(0.6254804), "A": exp(6.255414), "B": exp(7.3049974), "alpha": 0.3526596, "beta": 0.3526596,
      "RD": 15.387756, "RN": 5.309743,
    ],
    publishedSource: "Muennighoff et al. 2023: C4 base fit (a = 6.255414, b = 7.3049974, e = 0.6254804, alpha = beta = 0.3526596) and R_D* = 15.387756, R_N* = 5.309743 from the authors' code")

  public static let all: [NamedFormula] = [dataConstrained]

  public static func named(_ name: String) -> NamedFormula? { all.first { $0.name == name } }
}
