import Foundation
import XCTest
@testable import ScalingLaws

/// Each run's learning-rate schedule from a spec (flags or per-row columns) or an lr column, the
/// areas the curve laws use, and the bad inputs of issue 9 §5.
final class ScheduleLoadingTests: XCTestCase {
  let curve: Set<Quantity> = [.step, .loss]

  func load(_ text: String, _ schedule: ScheduleOptions = ScheduleOptions(), tweak: (inout LoadOptions) -> Void = { _ in })
    throws -> Dataset
  {
    var o = LoadOptions()
    o.schedule = schedule
    tweak(&o)
    let doc = try CSVDocument(bytes: Array(text.utf8), name: "s.csv")
    return try DatasetLoader(options: o, required: curve).load(doc)[0]
  }

  func error(_ text: String, _ schedule: ScheduleOptions = ScheduleOptions(), tweak: (inout LoadOptions) -> Void = { _ in }) -> String {
    do {
      _ = try load(text, schedule, tweak: tweak)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  /// Constant rate 0.5 from step 0 (no warm-up) with 10 tokens per step (tokens / step): S1(t) = 0.5 (t + 1),
  /// S1_tok = 10 (t + 1), S2 = 0.
  func testConstantSpecAreasAreExact() throws {
    var s = ScheduleOptions()
    s.kind = .constant
    s.totalSteps = 100
    s.peakLR = 0.5
    let d = try load("run,step,tokens,loss\na,9,90,3\na,99,990,2\n", s)
    let c = try XCTUnwrap(d.curve)
    XCTAssertEqual(c.area, [5, 50])
    XCTAssertEqual(c.tokenArea, [100, 1000])
    XCTAssertEqual(c.annealing, [0, 0])
    XCTAssertTrue(d.derivations.contains { $0.hasPrefix("learning rate: the exact schedule of 1 run from its spec") })
  }

  /// The end-of-warm-up transient (`warmupTransient`): each run loses its checkpoints before
  /// 1.5x its own warm-up (W = the first step at the peak rate + 1), a run inside it entirely
  /// keeps all of them, a run without warm-up loses nothing, and `minStep` replaces the rule.
  func testWarmupTransientIsDroppedPerRun() throws {
    // Constant schedules of 100 steps. Run a: W = 10, checkpoints 9, 14, 15, 30: drops 9 and 14
    // (< 15). Run b: W = 20, checkpoints 5, 25, 29: every one inside 30, the run keeps them all.
    // Run c: no warm-up, loses nothing. Run d: W = 20, checkpoints 19, 25, 40: drops 19 and 25.
    var csv = "run,schedule,total_steps,warmup_steps,peak_lr,step,loss\n"
    for (run, w, steps) in [("a", 10, [9, 14, 15, 30]), ("b", 20, [5, 25, 29]), ("c", 0, [1, 40]), ("d", 20, [19, 25, 40])] {
      for t in steps { csv += "\(run),constant,100,\(w),0.01,\(t),\(3 - 0.01 * Double(t))\n" }
    }
    let d = try load(csv) { $0.warmupTransient = 1.5 }
    XCTAssertEqual(
      zip(d.run!, d.step!).map { "\($0)\(Int($1))" }, ["a15", "a30", "b5", "b25", "b29", "c1", "c40", "d40"])
    XCTAssertEqual(
      d.filters.last,
      FilterReport(
        filter: "checkpoints before 1.5× their run's warm-up (W = 10–20 steps), the end-of-warm-up transient (the default of a learning-rate-aware law; min_step sets the first step instead)",
        removed: 4))
    let explicit = try load(csv) {
      $0.warmupTransient = 1.5
      $0.minStep = 2
    }
    XCTAssertEqual(explicit.count, 11)
    XCTAssertEqual(explicit.filters.map { $0.filter }, ["min_step 2"])
    XCTAssertEqual(try load(csv).count, 12)
    // A bad value in a row the rule drops is not an error, as for any filter.
    let bad = csv.replacingOccurrences(of: "a,constant,100,10,0.01,9,2.91", with: "a,constant,100,10,0.01,9,0")
    XCTAssertEqual(try load(bad) { $0.warmupTransient = 1.5 }.count, 8)
    XCTAssertEqual(error(bad), "s.csv:2:26: column 'loss': 0 is not positive")
  }

  /// W is robust to a logged rate's last-digit noise, and a rate that climbs for over a quarter of
  /// the schedule is not a warm-up (the transient rule leaves the run alone).
  func testWarmupLength() {
    func w(_ rates: [Double]) -> Int? { RunSchedule(run: "r", rates: rates, peakLR: 1, tokensPerStep: nil, spec: nil).warmupLength }
    let ramp = (0..<10).map { Double($0) / 9 }
    XCTAssertEqual(w(ramp + [Double](repeating: 1, count: 90)), 10)
    XCTAssertEqual(w(ramp + [1, 1, 1 + 5e-5, 1] + [Double](repeating: 1, count: 86)), 10)  // noise
    XCTAssertEqual(w(ramp + [Double](repeating: 1, count: 30)), 10)  // 4 x 10 <= 40
    XCTAssertNil(w(ramp + [Double](repeating: 1, count: 29)))  // 4 x 10 > 39
    XCTAssertNil(w((0..<100).map { Double($0) }))  // rising throughout
    XCTAssertNil(w([Double](repeating: 1, count: 50)))  // no warm-up
  }

  /// A linear decay 1 → 0.1 over 10 steps with λ = 0: m_i is the single-step drop, so S2(t) is
  /// the total drop η_0 − η_t; with λ = 0.5 the recursion is summed by hand.
  func testAnnealingAreaFollowsTheMomentumRecursion() throws {
    var s = ScheduleOptions()
    s.kind = .linear
    s.totalSteps = 10
    s.peakLR = 1
    s.annealingDecay = 0
    let d = try load("step,loss\n5,2\n9,1.5\n", s)
    let c = try XCTUnwrap(d.curve)
    // η_i = 1 − 0.9·i/10.
    XCTAssertEqual(c.annealing[0], 0.9 * 5 / 10, accuracy: 1e-15)
    XCTAssertEqual(c.annealing[1], 0.9 * 9 / 10, accuracy: 1e-15)
    s.annealingDecay = 0.5
    let h = try XCTUnwrap(try load("step,loss\n3,2\n", s).curve)
    // Drops of 0.09 at steps 1..3: m = 0.09, 0.135, 0.1575; S2 = 0.3825.
    XCTAssertEqual(h.annealing[0], 0.09 + 0.135 + 0.1575, accuracy: 1e-15)
  }

  /// An lr column at checkpoints: linear between them, a rise from 0 before the first.
  func testLRColumnIsInterpolated() throws {
    let d = try load("step,lr,loss\n4,1,3\n8,0.5,2\n")
    let sched = try XCTUnwrap(d.curve).schedules[0]
    XCTAssertEqual(sched.rates, [0, 0.25, 0.5, 0.75, 1, 0.875, 0.75, 0.625, 0.5])
    XCTAssertEqual(sched.peakLR, 1)
    XCTAssertEqual(d.curve!.area, [2.5, 2.5 + 0.875 + 0.75 + 0.625 + 0.5])
    // Two logged rates: the history is a guess, and the loader says so (once, not also as sparse).
    XCTAssertTrue(d.warnings.contains { $0.hasPrefix("the learning-rate history of 1 run rests on fewer than 3 checkpoints of the column 'lr' (run '") }, "\(d.warnings)")
    XCTAssertFalse(d.warnings.contains { $0.hasPrefix("checkpoints are sparse") })
    // Three, with a gap of 92% of the run: sparse.
    let e = try load("step,lr,loss\n4,1,3\n8,0.5,2\n100,0.4,1.9\n")
    XCTAssertTrue(e.warnings.contains { $0.hasPrefix("checkpoints are sparse for a learning rate interpolated between them") }, "\(e.warnings)")
    XCTAssertFalse(e.warnings.contains { $0.hasPrefix("the learning-rate history") })
  }

  /// mini-Pythia's layout: the lr column is the peak (mapped explicitly), steps_total per row,
  /// cosine with 1% warm-up, tokens per step from tokens/step.
  func testPerRowSpecColumnsAndAnExplicitPeakColumn() throws {
    var s = ScheduleOptions()
    s.kind = .cosine
    s.warmupFraction = 0.01
    let text = "run,lr,steps_total,step,tokens,val_loss\nr,0.002,1200,600,9830400,1.5\nr,0.002,1200,1200,19660800,1.2\n"
    let d = try load(text, s) { $0.columns[.peakLR] = "lr" }
    let sched = try XCTUnwrap(d.curve).schedules[0]
    XCTAssertEqual(sched.spec, try LearningRateSchedule(kind: .cosine, totalSteps: 1200, warmupSteps: 12, peakLR: 0.002))
    XCTAssertEqual(sched.tokensPerStep, 16384)
    XCTAssertEqual(d.sources[.peakLR], "lr")
    XCTAssertNil(d.sources[.lr])
    // S1_tok at the end: Σ η/η_peak · 16384 over steps 0…1200 (step 1200 keeps the last rate).
    let expected = (0...1200).reduce(0.0) { $0 + sched.spec!.lr(at: $1) / 0.002 } * 16384
    XCTAssertEqual(d.curve!.tokenArea[1], expected, accuracy: 1e-9 * expected)
  }

  func testSpecAndLRColumnDisagreeingWarns() throws {
    var s = ScheduleOptions()
    s.kind = .constant
    s.totalSteps = 100
    let d = try load("step,lr,loss\n10,1,3\n50,0.5,2\n", s)
    XCTAssertEqual(
      d.warnings.last,
      "the column 'lr' differs from the schedule spec by more than 1% at 1 of 2 checkpoints (worst: run '(whole file)' step 50, line 3: lr 0.5, spec 1); the spec is used")
  }

  func testBadInputsAreClearErrors() {
    XCTAssertEqual(error("step,lr,loss\n1,-0.1,3\n"), "s.csv:2:3: column 'lr': -0.1 is not non-negative")
    XCTAssertEqual(error("step,lr,loss\n1,nan,3\n"), "s.csv:2:3: column 'lr': NaN is not allowed")
    XCTAssertEqual(error("run,step,lr,loss\na,1,0,3\na,2,0,2\n"), "s.csv:2: column 'lr': every learning rate of run 'a' is 0")
    XCTAssertEqual(
      error("run,step,lr,loss\na,5,1,3\na,4,1,2\n"),
      "s.csv:3: step 4 of run 'a' does not come after step 5 (line 2): a run's checkpoints must be in increasing step order")
    var s = ScheduleOptions()
    s.kind = .cosine
    s.totalSteps = 100
    s.peakLR = 1
    XCTAssertEqual(
      error("step,loss\n50,3\n150,2\n", s),
      "s.csv:3: step 150 of run '(whole file)' is past the end of its schedule (100 total steps, from total_steps)")
    s.kind = .twoStage
    XCTAssertEqual(
      error("step,loss\n50,3\n", s),
      "s.csv:2: schedule two-stage: a two-stage schedule needs its stage start and stage rate: stage_start and stage_lr, or stage_start=...;stage_lr=... in a schedule_args column")
    XCTAssertEqual(
      error("step,lr,loss\n1e12,0.1,3\n"),
      "s.csv:2: column 'step': step 1000000000000 is beyond the 100000000 steps a learning-rate schedule is expanded to")
    XCTAssertEqual(
      error("step,loss\n50,3\n"),
      "s.csv:2: no learning-rate schedule for run '(whole file)': give schedule (with total_steps, peak_lr, warmup_steps) or a schedule column, or an lr column with the rate at each checkpoint (looked for 'lr', 'learning_rate'; name it with lr_column)")
    XCTAssertEqual(
      error("run,step,total_steps,schedule,peak_lr,loss\na,5,100,cosine,1,3\na,6,200,cosine,1,2\n"),
      "s.csv:3: column 'total_steps': 200 differs from 100 on line 2 of the same run 'a' (a run has one schedule)")
    XCTAssertEqual(
      error("step,total_steps,schedule,peak_lr,loss\n5,100,cosinus,1,3\n"),
      "s.csv:2: column 'schedule': unknown schedule 'cosinus' (known: constant, cosine, linear, wsd-exp, wsd-linear, two-stage)")
  }

  /// A final-loss law never reads the schedule columns (an unparsable lr column is no error).
  func testScheduleColumnsAreIgnoredWithoutASchedule() throws {
    let doc = try CSVDocument(bytes: Array("N,D,lr,loss\n1e6,1e9,fast,3\n".utf8), name: "s.csv")
    let d = try DatasetLoader(options: LoadOptions(), required: [.params, .tokens, .loss]).load(doc)[0]
    XCTAssertNil(d.curve)
    XCTAssertEqual(d.loss, [3])
  }
}
