import Foundation

/// The end of a run with a given learning-rate schedule, as the Chinchilla form needs it to plan
/// from a `chinchilla-lr` fit. At the end of a run of D tokens,
///
///     L(N, D) = E + A/N^α + B/S1_tok^β − C·S2,   S1_tok = κ·D,
///
/// where κ is the schedule's mean rate relative to its peak (0.5495 for warm-up 1% and a cosine to
/// 10%) and S2 the annealing area on the absolute rate. S2 = Σ_k δ_k (1 − λ^(T−k+1))/(1 − λ) sums
/// the rate drops δ_k after warm-up, each weighted by how long its momentum had to build up, so
/// for a run much longer than 1/(1 − λ) steps (1,000 at λ = 0.999) it is its long-run limit
/// (η_peak − η_end)/(1 − λ) (a cosine's last drops leave S2 short of it by ~4.9e6/T² of it
/// after T steps: 1.2% at 20,000 steps, 0.01% at 200,000). The law is then a Chinchilla law with E' = E − C·S2 and
/// B' = B·κ^(−β), and the closed forms of Hoffmann et al. plan with it.
public struct ScheduleEnd: Sendable, Equatable {
  /// The run whose schedule is assumed.
  public var run: String
  /// κ = mean η/η_peak over the run's schedule.
  public var meanRelativeRate: Double
  /// S2 at the end of a long run with this schedule: (η_peak − η_end)/(1 − λ).
  public var annealing: Double
  public var peakLR: Double
  public var finalLR: Double
  /// The largest S2 of the fitted checkpoints (nil when unknown): how far the plan extrapolates
  /// the annealing term.
  public var observedAnnealingMax: Double? = nil

  public init(run: String, meanRelativeRate: Double, annealing: Double, peakLR: Double, finalLR: Double, observedAnnealingMax: Double?) {
    self.observedAnnealingMax = observedAnnealingMax
    self.run = run
    self.meanRelativeRate = meanRelativeRate
    self.annealing = annealing
    self.peakLR = peakLR
    self.finalLR = finalLR
  }

  /// The end of `schedule`'s run, with annealing decay λ.
  public init(_ schedule: RunSchedule, annealingDecay lambda: Double) {
    run = schedule.run
    let rates = schedule.rates
    peakLR = schedule.peakLR
    finalLR = rates.last ?? 0
    meanRelativeRate = rates.reduce(0, +) / Double(max(rates.count, 1)) / schedule.peakLR
    // Drops after warm-up: from the schedule's largest rate down to its last.
    annealing = max(0, (rates.max() ?? 0) - finalLR) / (1 - lambda)
  }

  /// The schedule a plan from `curve` assumes: the longest run of the largest model (the
  /// closest to what a plan extrapolates to; its peak rate is that model's).
  public static func planning(_ d: Dataset) -> ScheduleEnd? {
    guard let c = d.curve else { return nil }
    var best: (n: Double, length: Int, index: Int)? = nil
    for i in 0..<d.count {
      let k = c.runIndex[i], n = d.params[i], length = c.schedules[k].rates.count
      if best == nil || n > best!.n || (n == best!.n && length > best!.length) { best = (n, length, k) }
    }
    guard let b = best else { return nil }
    var end = ScheduleEnd(c.schedules[b.index], annealingDecay: c.annealingDecay)
    end.observedAnnealingMax = c.annealing.max()
    return end
  }

  /// A warning when the plan's S2 lies beyond the fitted data's (the annealing bonus C·S2 is
  /// then an extrapolation of the law): nil within 10% of the data.
  public func annealingWarning(c: Double) -> String? {
    guard let m = observedAnnealingMax, m > 0, annealing > 1.1 * m else { return nil }
    return "the plan's annealing area S2 = \(fmt(annealing)) (a long run's limit) is \(String(format: "%.1f", annealing / m))x the largest in the fitted data (\(fmt(m))): the annealing bonus C*S2 = \(fmt(c * annealing)) is an extrapolation of the law (the fitted runs were too short for the rate's drops to build up)"
  }
}

extension ChinchillaConstants {
  /// The chinchilla-lr parameters a conversion reads, in the order `init?(curveLaw:at:name:)` takes them.
  public static let curveLawNames = ["E", "A", "B", "C", "alpha", "beta"]

  /// The Chinchilla law at the end of a run with `end`'s schedule, from a chinchilla-lr fit's
  /// parameters laid out as `set` (nil when one is missing, or when the annealing bonus C·S2
  /// reaches the floor E).
  public init?(curveLaw values: [Double], of set: ParameterSet, at end: ScheduleEnd, name: String, source: String = "") {
    guard let p = set.values(Self.curveLawNames, in: values) else { return nil }
    self.init(curveLaw: p, at: end, name: name, source: source)
  }

  /// The same from the parameters in `curveLawNames` order.
  public init?(curveLaw p: [Double], at end: ScheduleEnd, name: String, source: String = "") {
    let (e, a, b, c, alpha, beta) = (p[0], p[1], p[2], p[3], p[4], p[5])
    let floor = e - c * end.annealing
    guard floor > 0, end.meanRelativeRate > 0 else { return nil }
    self.init(name: name, source: source, E: floor, A: a, B: b * pow(end.meanRelativeRate, -beta), alpha: alpha, beta: beta)
  }
}
