import Foundation

extension Dataset {
  /// The points of one hypothetical run for a curve-law prediction (`scaling predict --params N
  /// --schedule ... --total-steps T`): `steps` of `schedule`, with tokens = step × tokens per step
  /// (NaN when unknown) and no observed loss.
  public static func scheduleQuery(
    params: Double, schedule: LearningRateSchedule, tokensPerStep: Double?, steps: [Int], options: ScheduleOptions
  ) -> Dataset {
    let run = RunSchedule(run: "query", spec: schedule, through: steps.max() ?? 0, tokensPerStep: tokensPerStep)
    let a = run.areas(at: steps, annealingDecay: options.annealingDecay)
    var d = Dataset(
      file: "query", params: steps.map { _ in params }, tokens: steps.map { Double($0) * (tokensPerStep ?? .nan) },
      flops: steps.map { Double($0) * (tokensPerStep ?? .nan) * 6 * params }, loss: steps.map { _ in .nan },
      step: steps.map(Double.init), run: steps.map { _ in "query" }, lines: steps.map { _ in 0 })
    d.curve = CurveFeatures(
      schedules: [run], runIndex: steps.map { _ in 0 }, step: steps, lr: steps.map { run.rates[$0] }, area: a.area,
      tokenArea: a.tokenArea, annealing: a.annealing, annealingDecay: options.annealingDecay, options: options)
    return d
  }

  /// 100 evenly spaced steps after warm-up and the last step of a schedule.
  public static func queryCurveSteps(_ s: LearningRateSchedule) -> [Int] {
    let first = max(1, s.warmupSteps)
    let last = s.totalSteps
    var out: [Int] = []
    for k in 0...100 {
      let v = first + Int((Double(last - first) * Double(k) / 100).rounded())
      if out.last != v { out.append(v) }
    }
    return out
  }
}
