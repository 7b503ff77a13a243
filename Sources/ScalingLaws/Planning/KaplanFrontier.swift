import Foundation

/// Kaplan et al. 2020 Table 6, the compute-efficient frontier, with C_min in PF-days
/// (1 PF-day = 8.64e19 FLOPs) and N non-embedding (SCALING_REFERENCE.md §3.1):
/// N_opt = 1.3e9 C^0.73, D_opt = 2e10 C^0.27, L(C_min) = (3.1e8 / C_min)^0.050.
public struct KaplanFrontier: Sendable {
  public static let pfDay = 8.64e19
  public let name = "kaplan"
  public let source =
    "Kaplan et al. 2020, Scaling Laws for Neural Language Models (arXiv 2001.08361), Table 6 and eq. 1.3; C in PF-days, N non-embedding"

  public init() {}

  public func optimalParams(flops C: Double) -> Double { 1.3e9 * pow(C / Self.pfDay, 0.73) }
  public func optimalTokens(flops C: Double) -> Double { 2e10 * pow(C / Self.pfDay, 0.27) }
  public func optimalLoss(flops C: Double) -> Double { pow(3.1e8 / (C / Self.pfDay), 0.050) }
  public func flops(forLoss L: Double) -> Double { 3.1e8 / pow(L, 1 / 0.050) * Self.pfDay }
  /// Inverse of N_opt(C).
  public func flops(forParams N: Double) -> Double { pow(N / 1.3e9, 1 / 0.73) * Self.pfDay }
  /// Inverse of D_opt(C).
  public func flops(forTokens D: Double) -> Double { pow(D / 2e10, 1 / 0.27) * Self.pfDay }
}
