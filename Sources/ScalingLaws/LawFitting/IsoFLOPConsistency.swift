import Foundation

/// Issue 23, item 4: a Chinchilla fit of IsoFLOP data checked against the data's own optima. On
/// real IsoFLOP grids the law can be misspecified (R² 0.81 on one) and then allocate far from the
/// per-budget optima it was fitted to (N* off by 73%): the allocation to trust is the IsoFLOP
/// approach's. The data are IsoFLOP data when they have a budget column, or when they are laid
/// out as a grid of budgets: three to ``maxBudgets`` distinct FLOP budgets (within 1%) each
/// sampled at three or more model sizes, holding at least half of the points. Learning curves
/// (the 1,232-point synthetic Pythia: 12% of its points share a budget with two other sizes) and
/// scattered runs (100,000 random (N, D): 1,669 such budgets) are not, and skip the check after
/// one O(points) pass; the check itself is an IsoFLOP fit, O(points) per evaluation of its
/// shared shape.
enum IsoFLOPConsistency {
  /// The most budgets an IsoFLOP design has (Hoffmann et al. used 9; published grids 5 to 30).
  static let maxBudgets = 100

  /// The budget of each point (FLOPs rounded to 1%) when the points form an IsoFLOP grid, else nil.
  static func gridBudgets(_ d: Dataset) -> [Double]? {
    let keys = d.flops.map { $0 > 0 ? (log($0) / log(1.01)).rounded() : .nan }
    var sizes: [Double: Set<Double>] = [:]
    var counts: [Double: Int] = [:]
    for (k, n) in zip(keys, d.params) where k.isFinite {
      sizes[k, default: []].insert(n)
      counts[k, default: 0] += 1
    }
    let budgets = sizes.filter { $0.value.count >= 3 }
    guard budgets.count >= 3, budgets.count <= maxBudgets else { return nil }
    let covered = budgets.keys.reduce(0) { $0 + counts[$1]! }
    guard 2 * covered >= d.count else { return nil }
    return keys.map { exp($0 * log(1.01)) }
  }

  /// The warning for `fit` (nil when the data are not IsoFLOP data or the fit agrees with them:
  /// every vertex inside its sampled sizes within 20% of the law's N*(C), and R² of log L ≥ 0.95).
  static func warning(_ fit: LawFit, _ dataset: Dataset) -> String? {
    guard fit.kind == .chinchilla, let constants = ChinchillaConstants(fitted: fit.parameterSet) else { return nil }
    var d = dataset
    if d.budget == nil {
      // Budgets: FLOPs rounded to 1% (6ND of an IsoFLOP grid, exactly or nearly).
      guard let budgets = gridBudgets(d) else { return nil }
      d.budget = budgets
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
