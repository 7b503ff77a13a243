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
  /// Residuals in logs (default) or linear (a loss that can be negative).
  public var residual: FormulaSpec.Residual = .log
  /// The compute rule (nil: 6*N*D).
  public var compute: String? = nil

  /// The spec with the inputs read from `columns` (input name → column; default columns otherwise).
  public func spec(columns: [String: String] = [:]) -> FormulaSpec {
    var inputs: [String: String] = [:]
    for i in self.inputs { inputs[i.name] = columns[i.name] ?? i.column }
    return FormulaSpec(text, inputs: inputs, bounds: bounds, starts: starts, residual: residual, compute: compute)
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

  /// Tao et al. 2024 (arXiv 2407.13623, NeurIPS 2024), approach 3: the unigram-normalised loss
  /// L_u (negative, fitted on the linear scale) of N non-vocabulary parameters, vocabulary size V
  /// and embedding width W (vocabulary parameters V·W) and D tokens, in the authors' units
  /// (parameters in millions, tokens in billions) with their constraint alpha1 = beta (one name,
  /// beta, here). Vocabulary parameters cost compute: C = 6(N + V·W)D.
  public static let vocab = NamedFormula(
    name: "vocab",
    source: "Tao et al. 2024, Scaling Laws with Vocabulary: Larger Models Deserve Larger Vocabularies (arXiv 2407.13623), approach 3: L_u = -E + A1/N_nv^alpha1 + A2/N_v^alpha2 + B/D^beta, alpha1 = beta",
    text: "A1/(N/1e6)^beta + A2/(V*W/1e6)^alpha2 + B/(D/1e9)^beta - E",
    inputs: [("V", "vocab_size", "vocab_column"), ("W", "d_model", "width_column")],
    bounds: [:],
    starts: [:],
    published: [
      "A1": 1.8313851559554126, "A2": 0.19584238398665638, "B": 2.1241123120064955, "E": 5.5327846803337435,
      "beta": 0.44660634152009615, "alpha2": 0.6707374679896795,
    ],
    publishedSource: "Tao et al. 2024: the approach-3 constants of the authors' code (sail-sg/scaling-with-vocab, optimal_Nv_predict.py): A1 = 1.8314, A2 = 0.19584, B = 2.1241, E = 5.5328, alpha1 = beta = 0.44661, alpha2 = 0.67074",
    residual: .linear,
    compute: "6*(N + V*W)*D")

  /// Ludziejewski et al. 2025 (arXiv 2502.05172, ICML 2025), the joint law of dense and
  /// mixture-of-experts models: L = a·E^delta·N^-(alpha + gamma ln E) + b·E^omega·D^-(beta +
  /// zeta ln E) + c with N the active parameters, E the number of experts (E = 1: dense,
  /// Chinchilla's form). Written with the exponents' signs taken out (alpha, beta > 0 for a loss
  /// that falls with N and D), and with E as given (the paper's Ê transformation, after Clark et
  /// al. 2022, is a formula away: --formula). No published constants: we could not check the
  /// paper's table against its text. C = 6·N·D with N active.
  public static let moe = NamedFormula(
    name: "moe",
    source: "Ludziejewski et al. 2025, Joint MoE Scaling Laws: Mixture of Experts Can Be Memory Efficient (arXiv 2502.05172): L(N_act, D, E) = a E^delta N_act^-(alpha + gamma ln E) + b E^omega D^-(beta + zeta ln E) + c",
    text: "a*E^delta/N^(alpha + gamma*log(E)) + b*E^omega/D^(beta + zeta*log(E)) + c",
    inputs: [("E", "experts", "experts_column")],
    bounds: ["delta": -1...1, "omega": -1...1, "gamma": -0.2...0.2, "zeta": -0.2...0.2],
    starts: [:],
    published: [:],
    publishedSource: nil)

  public static let all: [NamedFormula] = [dataConstrained, moe, vocab]

  public static func named(_ name: String) -> NamedFormula? { all.first { $0.name == name } }
}
