/// The laws `scaling fit --law` knows.
public enum LawKind: String, Sendable, CaseIterable, Codable {
  /// L = E + A/N^α + B/D^β (Hoffmann et al. 2022, eq. 2).
  case chinchilla
  /// L = (N_c/N)^α_N (Kaplan et al. 2020, eq. 1.1), optionally + E.
  case kaplanN = "kaplan-n"
  /// L = (D_c/D)^α_D (Kaplan eq. 1.2), optionally + E.
  case kaplanD = "kaplan-d"
  /// L = (C_c/C)^α_C (Kaplan eq. 1.3), optionally + E.
  case kaplanC = "kaplan-c"
  /// L = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D (Kaplan eq. 1.5).
  case kaplanND = "kaplan-nd"
  /// L = (N_c/N)^α_N + (S_c/S)^α_S over optimiser steps (Kaplan eq. 1.6).
  case kaplanNS = "kaplan-ns"
  /// L(N, t) = E + A/N^α + B/S1_tok(t)^β − C·S2(t): Chinchilla over whole curves, with the
  /// learning-rate schedule as input.
  case chinchillaLR = "chinchilla-lr"
  /// L(t) = L0 + A·S1^−α − C·S2 (Tissue et al. 2024), one model size.
  case lrAnnealing = "lr-annealing"
  /// The multi-power law (Luo et al. 2025), one model size.
  case multiPower = "multi-power"
  /// y = a / (1 + exp(−k·(x − x0))) + b: a task metric (accuracy) against a task loss, the
  /// second step of the model ladder (Bhagia et al. 2024). Least squares on y.
  case sigmoid
  /// A law the user writes (`scaling fit --formula`): see ``FormulaLaw``. Built from its
  /// ``FormulaSpec``, not from the kind.
  case formula

  /// A law of a metric y against a predictor x, fitted on the linear scale (residual ŷ − y),
  /// not a loss law in logs.
  public var isMetricLaw: Bool { self == .sigmoid }

  /// A law of a run's final loss (the end of its schedule): fitted by default to the last
  /// checkpoint of each run. kaplan-ns and the learning-rate-aware laws model whole curves.
  public var isFinalLossLaw: Bool { !modelsSchedule && self != .kaplanNS && !isMetricLaw && self != .formula }

  /// The kinds `--law` offers (a formula law comes from `--formula`).
  public static var named: [LawKind] { allCases.filter { $0 != .formula } }

  /// Laws with the learning-rate schedule as an input (the loader builds each run's schedule).
  public var modelsSchedule: Bool { self == .chinchillaLR || self == .lrAnnealing || self == .multiPower }

  /// The tie that gives the law one exponent for N and D (`--tie beta=alpha`: reducible loss a
  /// power of compute at the optimum), as (dependent, source); nil for laws without both.
  public var sharedExponentTie: (dependent: String, source: String)? {
    self == .chinchilla || self == .chinchillaLR ? ("beta", "alpha") : nil
  }

  /// Laws of one model size's curves.
  public var isSingleSize: Bool { self == .lrAnnealing || self == .multiPower }

  /// Builds the law; `irreducible` adds E to the single-variable Kaplan laws.
  public func makeLaw(irreducible: Bool) -> any ScalingLaw {
    switch self {
    case .chinchilla: return ChinchillaLaw()
    case .kaplanN: return KaplanPowerLaw(variable: .params, irreducible: irreducible)
    case .kaplanD: return KaplanPowerLaw(variable: .tokens, irreducible: irreducible)
    case .kaplanC: return KaplanPowerLaw(variable: .flops, irreducible: irreducible)
    case .kaplanND: return KaplanJointLaw()
    case .kaplanNS: return KaplanStepsLaw()
    case .chinchillaLR: return ChinchillaLRLaw()
    case .lrAnnealing: return LRAnnealingLaw()
    case .multiPower: return MultiPowerFitLaw()
    case .sigmoid: return SigmoidLaw(yRange: nil)
    case .formula: preconditionFailure("a formula law is built from its FormulaSpec (FormulaLaw(spec))")
    }
  }
}
