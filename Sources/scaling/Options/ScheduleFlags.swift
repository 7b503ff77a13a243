import ArgumentParser
import ScalingLaws

/// The learning-rate schedule of every run, for the learning-rate-aware laws (chinchilla-lr,
/// lr-annealing, multi-power). Per-row columns (schedule, schedule_args, total_steps,
/// warmup_steps, peak_lr) override these run by run.
struct ScheduleFlags: ParsableArguments {
  @Option(help: "Schedule of every run: constant, cosine, linear, wsd-exp, wsd-linear or two-stage (else a schedule column, or an lr column interpolated).")
  var schedule: String?
  @Option(help: "Schedule length in optimiser steps (else a total_steps column).")
  var totalSteps: Int?
  @Option(help: "Warm-up steps (linear from 0; else a warmup_steps column).")
  var warmupSteps: Int?
  @Option(help: "Warm-up as a fraction of the total steps (mini-Pythia and Pythia: 0.01).")
  var warmupFraction: RealArgument?
  @Option(help: "Peak learning rate (else a peak_lr column, or the largest value of an lr column).")
  var peakLr: RealArgument?
  @Option(help: "Final rate as a fraction of the peak for cosine, linear and WSD decays (default 0.1).")
  var finalLrFraction: RealArgument?
  @Option(help: "WSD: the step where the decay starts.")
  var decayStart: Int?
  @Option(help: "Two-stage: the step where the second stage starts.")
  var stageStart: Int?
  @Option(help: "Two-stage: the learning rate of the second stage.")
  var stageLr: RealArgument?
  @Option(help: "lambda of the annealing momentum in S2 (Tissue et al. 2024: 0.999).")
  var annealingDecay: RealArgument?

  @Option(help: "Column holding the learning rate at each checkpoint.")
  var lrColumn: String?
  @Option(help: "Column holding each run's peak learning rate.")
  var peakLrColumn: String?
  @Option(help: "Column holding each run's schedule length in steps.")
  var totalStepsColumn: String?
  @Option(help: "Column holding each run's warm-up steps.")
  var warmupStepsColumn: String?
  @Option(help: "Column holding each run's schedule kind.")
  var scheduleColumn: String?
  @Option(help: "Column holding each run's schedule arguments as k=v;k=v (decay_start, stage_start, stage_lr, final_lr_fraction).")
  var scheduleArgsColumn: String?

  var isEmpty: Bool { !options.hasSpec && columns.isEmpty && annealingDecay == nil }

  func validate() throws {
    if let s = schedule {
      do { _ = try LearningRateSchedule.kind(named: s) } catch { throw ValidationError("--schedule: \(error).") }
    }
    if let t = totalSteps, t < 1 { throw ValidationError("--total-steps must be at least 1.") }
    if let t = totalSteps, t > DatasetLoader.maxScheduleSteps {
      throw ValidationError("--total-steps must be at most \(DatasetLoader.maxScheduleSteps) (a schedule is expanded step by step).")
    }
    if let w = warmupSteps, w < 0 { throw ValidationError("--warmup-steps must be non-negative.") }
    if let w = warmupSteps, let t = totalSteps, w >= t { throw ValidationError("--warmup-steps must be below --total-steps.") }
    if warmupSteps != nil && warmupFraction != nil { throw ValidationError("give --warmup-steps or --warmup-fraction, not both.") }
    if let f = warmupFraction, !(f.value >= 0 && f.value < 1) { throw ValidationError("--warmup-fraction must be in [0, 1).") }
    if let p = peakLr, !(p.value > 0 && p.value.isFinite) { throw ValidationError("--peak-lr must be positive.") }
    if let f = finalLrFraction, !(f.value > 0 && f.value <= 1) { throw ValidationError("--final-lr-fraction must be in (0, 1].") }
    if let s = stageLr, !(s.value > 0 && s.value.isFinite) { throw ValidationError("--stage-lr must be positive.") }
    if let l = annealingDecay, !(l.value >= 0 && l.value < 1) { throw ValidationError("--annealing-decay must be in [0, 1).") }
    if let d = decayStart, d < 0 { throw ValidationError("--decay-start must be non-negative.") }
    if let d = stageStart, d < 0 { throw ValidationError("--stage-start must be non-negative.") }
    if schedule?.lowercased() == "two-stage" && scheduleArgsColumn == nil && (stageStart == nil || stageLr == nil) {
      throw ValidationError("--schedule two-stage needs --stage-start and --stage-lr.")
    }
    if let s = schedule?.lowercased(), s.hasPrefix("wsd"), scheduleArgsColumn == nil, decayStart == nil {
      throw ValidationError("--schedule \(s) needs --decay-start.")
    }
  }

  var options: ScheduleOptions {
    var o = ScheduleOptions()
    o.kind = schedule.flatMap { try? LearningRateSchedule.kind(named: $0) }
    o.totalSteps = totalSteps
    o.warmupSteps = warmupSteps
    o.warmupFraction = warmupFraction?.value
    o.peakLR = peakLr?.value
    o.finalLRFraction = finalLrFraction?.value
    o.decayStart = decayStart
    o.stageStart = stageStart
    o.stageLR = stageLr?.value
    if let l = annealingDecay { o.annealingDecay = l.value }
    return o
  }

  var columns: [(Quantity, String)] {
    let pairs: [(Quantity, String?)] = [
      (.lr, lrColumn), (.peakLR, peakLrColumn), (.totalSteps, totalStepsColumn),
      (.warmupSteps, warmupStepsColumn), (.schedule, scheduleColumn), (.scheduleArgs, scheduleArgsColumn),
    ]
    return pairs.compactMap { q, n in n.map { (q, $0) } }
  }
}
