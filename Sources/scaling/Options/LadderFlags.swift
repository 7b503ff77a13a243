import ArgumentParser
import Foundation
import ScalingLaws

/// The ladder's own settings (`scaling ladder`): step 2's sigmoid constraints and the ladder's
/// data transforms, anchors, chance level and method, read into ``LadderOptions``.
struct LadderFlags: ParsableArguments {
  @Option(help: ArgumentHelp("Step 2: hold a sigmoid parameter at a value, e.g. b=0.25; repeatable.", valueName: "name=value"))
  var sigmoidFix: [String] = []
  @Option(help: ArgumentHelp("Step 2: keep b and a + b inside lo,hi, or none. Default: 0,1 when every metric value is in [0, 1].", valueName: "lo,hi|none"))
  var sigmoidYRange: String?

  @Option(help: ArgumentHelp("Step 1 on each run's final checkpoint, its task loss the mean of the run's last K evaluations (only finals are then predicted).", valueName: "K"))
  var step1AverageLast: Int?
  @Option(help: ArgumentHelp("Step 2 without each run's first fraction F of its steps, F in [0, 1).", valueName: "F"))
  var step2SkipFraction: RealArgument?
  @Option(help: ArgumentHelp("Step 2 on a centred moving average of K checkpoints of each run.", valueName: "K"))
  var step2Smooth: Int?
  @Option(help: ArgumentHelp("An ideal point (task loss, metric) added to step 2's data with the weight of one run and to every resample; repeatable. Default: 0,1 when the metric is in [0, 1] and the task loss is at least 0.", valueName: "x,y"))
  var anchor: [String] = []
  @Flag(help: "No anchor point in step 2 (not even the default 0,1).")
  var noAnchor = false
  @Option(help: ArgumentHelp("Fix step 2's lower level at the task's chance level Y in [0, 1), or 'auto' for the table of known tasks (see the README).", valueName: "Y|auto"))
  var chance: String?
  @Flag(help: "One step: the metric from log10 of the compute C = 6ND directly, instead of through the task loss (as --method direct).")
  var direct = false
  @Option(help: "two-step (through the task loss), direct (from log10 C), or auto (default): two steps, and for a task the predictability check calls unpredictable the direct law when it predicts the largest fitted size better when both are refitted without it.")
  var method: LadderOptions.Method?

  func validate() throws {
    _ = try sigmoidOptions(search: .fast)
    _ = try ladderOptions()
    if chance != nil && sigmoidFix.contains(where: { $0.hasPrefix("b=") }) {
      throw ValidationError("--chance fixes the sigmoid's lower level b; --sigmoid-fix b=... does too: give one of them.")
    }
  }

  var chanceAuto: Bool { chance == "auto" }

  /// The ladder options from the flags (`--chance auto` is resolved per task by the pipeline).
  func ladderOptions() throws -> LadderOptions {
    var o = LadderOptions()
    if let k = step1AverageLast {
      guard k >= 1 else { throw ValidationError("--step1-average-last must be at least 1 (got \(k)).") }
      o.step1AverageLast = k
    }
    if let f = step2SkipFraction?.value {
      guard f >= 0, f < 1 else { throw ValidationError("--step2-skip-fraction must be in [0, 1) (got \(f)).") }
      o.step2SkipFraction = f
    }
    if let k = step2Smooth {
      guard k >= 1 else { throw ValidationError("--step2-smooth must be at least 1 (got \(k)).") }
      o.step2Smooth = k
    }
    if noAnchor && !anchor.isEmpty { throw ValidationError("--no-anchor and --anchor: give one of them.") }
    if noAnchor { o.anchors = [] }
    for a in anchor {
      let parts = a.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      // Double() as well, so that inf and nan reach the finiteness check with its own message.
      func number(_ t: String) -> Double? { RealArgument(argument: t)?.value ?? Double(t) }
      guard parts.count == 2, let x = number(parts[0]), let y = number(parts[1]) else {
        throw ValidationError("--anchor '\(a)' must be two numbers x,y (a task loss and a metric), e.g. 0,1.")
      }
      guard x.isFinite, y.isFinite else { throw ValidationError("--anchor '\(a)': both values must be finite.") }
      o.anchors = (o.anchors ?? []) + [LadderOptions.Anchor(x: x, y: y)]
    }
    if let c = chance, c != "auto" {
      guard let v = RealArgument(argument: c)?.value, v >= 0, v < 1 else {
        throw ValidationError("--chance must be a number in [0, 1) or 'auto' (got '\(c)').")
      }
      o.chance = v
    }
    if direct, let m = method, m != .direct {
      throw ValidationError("--direct is --method direct; --method \(m.rawValue) says otherwise: give one of them.")
    }
    o.method = direct ? .direct : method ?? o.method
    if o.method == .direct {
      if !(o.anchors ?? []).isEmpty { throw ValidationError("--anchor places points in (task loss, metric); --direct has no task loss.") }
      if o.step1AverageLast != nil { throw ValidationError("--step1-average-last is for step 1; --direct has one step.") }
    }
    return o
  }

  /// Step 2's fit options: the sigmoid, least squares, with --sigmoid-fix and --sigmoid-y-range.
  func sigmoidOptions(search: SearchStrategy) throws -> FitOptions {
    var o = FitOptions()
    o.law = .sigmoid
    o.loss = .squared
    o.search = search
    o.fixed = try AnalysisOptions.parseFix(sigmoidFix, flag: "--sigmoid-fix")
    o.yRange = try AnalysisOptions.parseYRange(sigmoidYRange, flag: "--sigmoid-y-range")
    let names = SigmoidLaw(yRange: nil).parameterNames
    if let bad = o.fixed.keys.sorted().first(where: { !names.contains($0) }) {
      throw ValidationError("--sigmoid-fix \(bad): the sigmoid has no parameter '\(bad)' (its parameters: \(names.joined(separator: ", "))).")
    }
    return o
  }
}

extension LadderOptions.Method: ExpressibleByArgument {}
