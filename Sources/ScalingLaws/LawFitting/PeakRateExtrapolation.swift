import Foundation

/// Held-out runs trained at a peak learning rate outside the range of the fitted runs: an
/// extrapolation in the peak rate that no law here models across sizes (`chinchilla-lr` takes
/// each schedule relative to its own peak, i.e. assumes every run's peak suited its model; the
/// final-only laws see no schedule at all). On mini-Pythia the two held-out sizes were trained at
/// 1.5e-3, the fitted ones at 2e-3 and 3e-3 (`datasets/minipythia.README.md`): the held-out
/// error may include that change, which the check should name rather than hide.
public struct PeakRateExtrapolation: Sendable, Equatable {
  /// The held-out runs whose peak lies outside the fitted range.
  public var runs: [String]
  public var heldOut: ClosedRange<Double>
  public var fitted: ClosedRange<Double>
  /// The law checked (its way of seeing the rate goes into the message).
  public var law: LawKind

  /// A peak counts as outside when it is more than 1% beyond the fitted range (a rate written
  /// with fewer digits is not an extrapolation).
  static let tolerance = 0.01

  /// The check of `law` on `dataset` with the points `heldOut` held out; nil when the data carry
  /// no schedules, the law takes the absolute rate (`multi-power`, `lr-annealing`: one size,
  /// absolute η) or every held-out peak is inside the fitted range.
  public static func find(_ dataset: Dataset, heldOut: [Int], law: LawKind) -> PeakRateExtrapolation? {
    guard !heldOut.isEmpty else { return nil }
    let held = Set(heldOut)
    guard let fitted = dataset.peakRateRange((0..<dataset.count).filter { !held.contains($0) }) else { return nil }
    return find(dataset, rows: heldOut, fitted: fitted, law: law)
  }

  /// The rows `rows` of `dataset` whose run's peak lies outside `fitted` (a fit's recorded range).
  public static func find(_ dataset: Dataset, rows: [Int], fitted: ClosedRange<Double>, law: LawKind) -> PeakRateExtrapolation? {
    guard let c = dataset.curve, !law.isSingleSize, !law.isMetricLaw else { return nil }
    var runs: [String] = [], peaks: [Double] = [], seen = Set<Int>()
    for i in rows {
      let p = c.schedules[c.runIndex[i]].peakLR
      guard p < fitted.lowerBound * (1 - tolerance) || p > fitted.upperBound * (1 + tolerance) else { continue }
      peaks.append(p)
      if seen.insert(c.runIndex[i]).inserted { runs.append(c.schedules[c.runIndex[i]].run) }
    }
    guard let plo = peaks.min(), let phi = peaks.max() else { return nil }
    return PeakRateExtrapolation(runs: runs, heldOut: plo...phi, fitted: fitted, law: law)
  }

  static func range(_ r: ClosedRange<Double>) -> String {
    r.lowerBound == r.upperBound
      ? String(format: "%.4g", r.lowerBound)
      : "\(String(format: "%.4g", r.lowerBound)) ... \(String(format: "%.4g", r.upperBound))"
  }

  /// How the law sees the rate.
  public var lawSees: String {
    law.modelsSchedule
      ? "\(law.rawValue) takes each schedule relative to its own peak, assuming each run's peak suited its model"
      : "\(law.rawValue) sees no learning rate"
  }

  /// One line for the fit's warnings.
  public var description: String {
    "held out: \(summary), so the check's error may include the effect of that change"
  }

  /// The runs, their peak and the fitted range, and how the law sees the rate.
  public var summary: String {
    let named = runs.count <= 4 ? runs.joined(separator: ", ") : runs.prefix(3).joined(separator: ", ") + " and \(runs.count - 3) more"
    return "peak learning rate \(Self.range(heldOut)) (run\(runs.count == 1 ? "" : "s") \(named)), outside the fitted runs' \(Self.range(fitted)): \(lawSees)"
  }
}

