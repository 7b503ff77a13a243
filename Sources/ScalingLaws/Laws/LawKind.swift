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

  /// A law of a run's final loss (the end of its schedule): fitted by default to the last
  /// checkpoint of each run. kaplan-ns models whole curves over steps.
  public var isFinalLossLaw: Bool { self != .kaplanNS }

  /// Builds the law; `irreducible` adds E to the single-variable Kaplan laws.
  public func makeLaw(irreducible: Bool) -> any ScalingLaw {
    switch self {
    case .chinchilla: return ChinchillaLaw()
    case .kaplanN: return KaplanPowerLaw(variable: .params, irreducible: irreducible)
    case .kaplanD: return KaplanPowerLaw(variable: .tokens, irreducible: irreducible)
    case .kaplanC: return KaplanPowerLaw(variable: .flops, irreducible: irreducible)
    case .kaplanND: return KaplanJointLaw()
    case .kaplanNS: return KaplanStepsLaw()
    }
  }
}
