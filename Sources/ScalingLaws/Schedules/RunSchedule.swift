import Foundation

/// One run's learning rate at every optimiser step, η_0 … η_last, and what the curve laws need
/// from it.
public struct RunSchedule: Sendable {
  public var run: String
  /// η_i for i = 0 … last (the larger of the schedule's last step and the run's last checkpoint).
  public var rates: [Double]
  /// η_peak: the peak-LR column or flag, else the largest rate of the schedule.
  public var peakLR: Double
  /// Tokens per optimiser step (from the data or --tokens-per-step); nil when unknown.
  public var tokensPerStep: Double?
  /// The exact schedule when it came from a spec; nil when interpolated from an lr column.
  public var spec: LearningRateSchedule?
  /// The first step at which the schedule reaches its largest rate (the end of warm-up).
  public var warmupEnd: Int

  public init(run: String, rates: [Double], peakLR: Double, tokensPerStep: Double?, spec: LearningRateSchedule?) {
    self.run = run
    self.rates = rates
    self.peakLR = peakLR
    self.tokensPerStep = tokensPerStep
    self.spec = spec
    let top = rates.max() ?? 0
    warmupEnd = rates.firstIndex(of: top) ?? 0
  }

  /// The warm-up's length in steps, W: the first step at which the rate is within 1e-4 (relative)
  /// of its largest, + 1 (a logged rate's last-digit noise in a stable phase does not move it).
  /// Nil without a warm-up (the rate starts at its peak) and when W would exceed a quarter of
  /// the schedule: a rate that climbs that long is not a warm-up (a rising or restarted
  /// schedule), and the end-of-warm-up transient rule leaves such a run alone.
  public var warmupLength: Int? {
    let top = rates.max() ?? 0
    guard top > 0, let first = rates.firstIndex(where: { $0 >= top * (1 - 1e-4) }), first > 0 else { return nil }
    return 4 * (first + 1) <= rates.count ? first + 1 : nil
  }

  /// The rates of an exact schedule through step `last`.
  public init(run: String, spec: LearningRateSchedule, through last: Int, tokensPerStep: Double?) {
    self.init(
      run: run, rates: spec.rates(count: max(last, spec.totalSteps - 1) + 1), peakLR: spec.peakLR,
      tokensPerStep: tokensPerStep, spec: spec)
  }

  /// Rates interpolated from the learning rate at checkpoints (steps strictly increasing): linear
  /// between checkpoints, constant after the last, and before the first a linear rise from 0 at
  /// step 0 that reaches the first checkpoint's rate at `warmupSteps` (or at the first checkpoint).
  public static func interpolated(
    run: String, steps: [Int], lrs: [Double], peakLR: Double?, warmupSteps: Int?, through last: Int,
    tokensPerStep: Double?
  ) -> RunSchedule {
    var eta = [Double](repeating: 0, count: last + 1)
    let s0 = steps[0]
    let rise = min(max(warmupSteps ?? s0, 0), s0)
    for i in 0...min(s0, last) {
      eta[i] = rise > 0 && i < rise ? lrs[0] * Double(i) / Double(rise) : lrs[0]
    }
    for j in 1..<max(steps.count, 1) where j < steps.count {
      let a = steps[j - 1], b = steps[j]
      for i in (a + 1)...b where i <= last {
        eta[i] = lrs[j - 1] + (lrs[j] - lrs[j - 1]) * Double(i - a) / Double(b - a)
      }
    }
    if let sl = steps.last, sl < last { for i in (sl + 1)...last { eta[i] = lrs[lrs.count - 1] } }
    return RunSchedule(
      run: run, rates: eta, peakLR: peakLR ?? (eta.max() ?? 0), tokensPerStep: tokensPerStep, spec: nil)
  }

  /// The areas under the schedule at `steps` (each ≤ the last rate index):
  /// - `area` S1(t) = Σ_{τ=0..t} η_τ;
  /// - `tokenArea` Σ_{τ=0..t} (η_τ/η_peak)·tokens per step (D for a constant schedule; NaN when
  ///   tokens per step are unknown);
  /// - `annealing` S2(t) = Σ_{i≤t} m_i, m_i = λ·m_{i−1} + (η_{i−1} − η_i) after warm-up (Tissue
  ///   et al. 2024), on the absolute rate η.
  public func areas(at steps: [Int], annealingDecay lambda: Double) -> (area: [Double], tokenArea: [Double], annealing: [Double]) {
    let last = steps.max() ?? 0
    var s1 = [Double](repeating: 0, count: last + 1)
    var s2 = [Double](repeating: 0, count: last + 1)
    var acc = 0.0, m = 0.0, accM = 0.0
    for i in 0...last {
      acc += rates[i]
      s1[i] = acc
      if i > warmupEnd {
        m = lambda * m + (rates[i - 1] - rates[i])
        accM += m
      }
      s2[i] = accM
    }
    let scale = tokensPerStep.map { $0 / peakLR } ?? .nan
    return (steps.map { s1[$0] }, steps.map { s1[$0] * scale }, steps.map { s2[$0] })
  }
}

/// Per-checkpoint inputs of the learning-rate-aware laws, built by the loader from each run's
/// schedule (`Dataset.curve`).
public struct CurveFeatures: Sendable {
  /// The schedules of the runs, indexed by `runIndex`.
  public var schedules: [RunSchedule]
  public var runIndex: [Int]
  /// The optimiser step of each checkpoint (an index into its run's rates).
  public var step: [Int]
  /// η at the checkpoint.
  public var lr: [Double]
  /// S1 = Σ_{τ≤t} η_τ.
  public var area: [Double]
  /// Σ_{τ≤t} (η_τ/η_peak)·tokens per step.
  public var tokenArea: [Double]
  /// S2, the annealing area.
  public var annealing: [Double]
  public var annealingDecay: Double
  /// The flag-level schedule options the schedules were built with (recorded in fit files).
  public var options: ScheduleOptions = ScheduleOptions()

  public func subset(_ indices: [Int]) -> CurveFeatures {
    var c = self
    c.runIndex = runIndex.picking(indices)
    c.step = step.picking(indices)
    for column in [\CurveFeatures.lr, \.area, \.tokenArea, \.annealing] {
      c[keyPath: column] = self[keyPath: column].picking(indices)
    }
    return c
  }
}
