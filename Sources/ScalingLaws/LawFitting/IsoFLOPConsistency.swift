import Foundation

/// Issue 23, item 4: a Chinchilla fit of IsoFLOP data checked against the data's own optima. On
/// real IsoFLOP grids the law can be misspecified (R² 0.81 on one) and then allocate far from the
/// per-budget optima it was fitted to (N* off by 73%): the allocation to trust is the IsoFLOP
/// approach's. The data are IsoFLOP data when they have a budget column, or three or more
/// distinct FLOP budgets (within 1%) each sampled at three or more model sizes.
enum IsoFLOPConsistency {
  /// The warning for `fit` (nil when the data are not IsoFLOP data or the fit agrees with them:
  /// every vertex inside its sampled sizes within 20% of the law's N*(C), and R² of log L ≥ 0.95).
  static func warning(_ fit: LawFit, _ dataset: Dataset) -> String? {
    guard fit.kind == .chinchilla, let constants = ChinchillaConstants(fitted: fit.parameterSet) else { return nil }
    var d = dataset
    if d.budget == nil {
      // Budgets: FLOPs rounded to 1% (6ND of an IsoFLOP grid, exactly or nearly).
      let keys = d.flops.map { $0 > 0 ? (log($0) / log(1.01)).rounded() : .nan }
      let groups = keys.groupedIndices().filter { g in Set(g.map { d.params[$0] }).count >= 3 }
      guard groups.count >= 3 else { return nil }
      d.budget = keys.map { exp($0 * log(1.01)) }
    }
    var options = ApproachOptions(approach: .isoflop)
    options.isoflopTolerance = 0.01
    guard let iso = try? ApproachFitter(options: options).run(d) else { return nil }
    let inside = iso.budgets.filter { $0.used && $0.vertexInRange }
    guard inside.count >= 2 else { return nil }
    let worst = inside.map { b in (b.flops, constants.optimalParams(flops: b.flops) / b.params - 1) }.max { abs($0.1) < abs($1.1) }!
    guard abs(worst.1) > 0.2 || fit.r2Log < 0.95 else { return nil }
    return "the chinchilla fit disagrees with the IsoFLOP optima inside the data (its N* is \(String(format: "%+.0f", 100 * worst.1))% off the vertex at \(String(format: "%.3g", worst.0)) FLOPs; R^2 of log L \(String(format: "%.3f", fit.r2Log))): the law does not describe these curves well enough to allocate with; use the IsoFLOP approach (scaling fit --approach isoflop, then plan --law ISO.json)"
  }
}
