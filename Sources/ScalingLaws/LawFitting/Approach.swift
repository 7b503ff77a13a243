/// Hoffmann et al. 2022's Approaches 1 and 2 (`scaling fit --approach`): estimate the
/// compute-optimal model size at each budget from the data directly, then fit
/// N_opt ∝ C^a and D_opt ∝ C^b by least squares in log space (LAPACK).
public enum Approach: String, Sendable, CaseIterable, Codable {
  /// Fit a parametric law (the default: `--law`).
  case parametric
  /// Approach 1: at log-spaced budgets, the lowest loss any run reaches (curves interpolated
  /// in log FLOPs).
  case envelope
  /// Approach 2: group final points by FLOP budget, fit a parabola of loss in ln N per budget,
  /// take its vertex.
  case isoflop
}
