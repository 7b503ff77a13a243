import Foundation

/// Kaplan et al. 2020 Table 6, the compute-efficient frontier, with C_min in PF-days
/// (1 PF-day = 8.64e19 FLOPs) and N non-embedding (SCALING_REFERENCE.md §3.1):
/// N_opt = 1.3e9 C^0.73, D_opt = 2e10 C^0.27, L(C_min) = (3.1e8 / C_min)^0.050.
///
/// One loss for one (N, D) however the question is asked: every answer's loss is Kaplan's joint
/// L(N, D) (Table 2 fit, ``loss(params:tokens:)``) at the answer's N and D, so that the budget,
/// the model size, the data and the fixed run agree; the frontier's own L(C_min) (eq. 1.3, a
/// separate fit: 1.868 at 1e23 FLOPs where L(N, D) gives 1.725) is reported beside it.
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
  /// Kaplan et al. 2020 eq. 1.5 with the Table 2 joint fit: L(N, D) = ((N_c/N)^(α_N/α_D) + D_c/D)^α_D,
  /// α_N 0.076, α_D 0.103, N_c 6.4e13, D_c 1.8e13.
  public func loss(params N: Double, tokens D: Double) -> Double {
    pow(pow(6.4e13 / N, 0.076 / 0.103) + 1.8e13 / D, 0.103)
  }
  /// L(N, D) along the frontier: at N_opt(C) and D_opt(C).
  public func frontierLoss(flops C: Double) -> Double {
    loss(params: optimalParams(flops: C), tokens: optimalTokens(flops: C))
  }
  /// The budget whose frontier model reaches `L` under L(N, D) (it falls with C: N and D both
  /// grow), by bisection in log C; nil when L is at or below 0.
  public func flops(forFrontierLoss L: Double) -> Double? {
    guard L > 0, L.isFinite else { return nil }
    var lo = log(1.0), hi = log(1e60)
    guard frontierLoss(flops: exp(hi)) < L else { return nil }
    if frontierLoss(flops: exp(lo)) <= L { return exp(lo) }
    for _ in 0..<200 {
      let mid = (lo + hi) / 2
      if frontierLoss(flops: exp(mid)) > L { lo = mid } else { hi = mid }
      if hi - lo < 1e-13 { break }
    }
    return exp((lo + hi) / 2)
  }
  /// Inverse of N_opt(C).
  public func flops(forParams N: Double) -> Double { pow(N / 1.3e9, 1 / 0.73) * Self.pfDay }
  /// Inverse of D_opt(C).
  public func flops(forTokens D: Double) -> Double { pow(D / 2e10, 1 / 0.27) * Self.pfDay }
}
