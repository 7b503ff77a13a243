import Foundation
import XCTest
@testable import ScalingLaws

/// Planning from a chinchilla-lr fit: the law at the end of a run with a given schedule is a
/// Chinchilla law (E' = E − C·S2 at its long-run limit, B' = B·κ^−β), checked against the curve
/// law evaluated with the run's exact areas.
final class ScheduleEndTests: XCTestCase {
  let names = ["E", "A", "B", "C", "alpha", "beta"]
  func set(_ v: [Double]) -> ParameterSet {
    ParameterSet(zip(names, v).map { .init(name: $0, value: $1, standardError: nil, bounds: nil, isFixed: false, isExponent: false) })
  }

  func testEndOfACosineRunIsAChinchillaLaw() throws {
    // Warm-up 1% then a cosine to 10%: κ = 0.01·½ + 0.99·0.55 = 0.5495 (the warm-up rises from 0).
    let tps = 1_048_576.0, peak = 3e-4
    let theta = [1.7, 400.0, 2.0e4, 1.0, 0.34, 0.3]
    let constantsCheck: (Int, Double) throws -> Void = { steps, tolerance in
      let spec = try LearningRateSchedule(kind: .cosine, totalSteps: steps, warmupSteps: steps / 100, peakLR: peak)
      let run = RunSchedule(run: "r", spec: spec, through: steps, tokensPerStep: tps)
      let end = ScheduleEnd(run, annealingDecay: 0.999)
      XCTAssertEqual(end.meanRelativeRate, 0.5495, accuracy: 1e-3)
      XCTAssertEqual(end.annealing, 0.9 * peak / 0.001, accuracy: 1e-7)
      let c = try XCTUnwrap(ChinchillaConstants(curveLaw: theta, of: self.set(theta), at: end, name: "t"))
      XCTAssertEqual(c.E, 1.7 - 0.27, accuracy: 1e-7)
      // The curve law with the run's exact areas at its last step.
      let a = run.areas(at: [steps], annealingDecay: 0.999)
      for n in [1e8, 1e9, 1e10] {
        let exact = theta[0] + theta[1] / pow(n, theta[4]) + theta[2] / pow(a.tokenArea[0], theta[5]) - theta[3] * a.annealing[0]
        let planned = c.loss(params: n, tokens: Double(steps + 1) * tps)
        XCTAssertEqual(planned / exact - 1, 0, accuracy: tolerance, "steps \(steps), N \(n)")
      }
    }
    // S2 falls short of its limit by the cosine's last drops, ~4.9e6/T² of it (1.2% at 20,000
    // steps, 0.3% of C·S2 = 0.27 nats against a loss near 2.5: 1.3e-3; 1.3e-5 at 200,000 steps).
    try constantsCheck(20_000, 2e-3)
    try constantsCheck(200_000, 3e-5)
  }

  /// A plan's S2 more than 10% beyond the fitted checkpoints' largest is flagged, with the ratio.
  func testAnnealingExtrapolationIsFlagged() {
    var end = ScheduleEnd(run: "r", meanRelativeRate: 0.55, annealing: 1.8, peakLR: 2e-3, finalLR: 2e-4, observedAnnealingMax: 0.6)
    XCTAssertEqual(
      end.annealingWarning(c: 0.1),
      "the plan's annealing area S2 = 1.8 (a long run's limit) is 3.0x the largest in the fitted data (0.6): the annealing bonus C*S2 = 0.18 is an extrapolation of the law (the fitted runs were too short for the rate's drops to build up)")
    end.observedAnnealingMax = 1.7
    XCTAssertNil(end.annealingWarning(c: 0.1))
  }

  /// An annealing bonus that reaches the floor leaves no Chinchilla law to plan with.
  func testAnnealingBonusAboveTheFloorIsRefused() throws {
    let spec = try LearningRateSchedule(kind: .cosine, totalSteps: 10_000, warmupSteps: 100, peakLR: 1e-3)
    let end = ScheduleEnd(RunSchedule(run: "r", spec: spec, through: 10_000, tokensPerStep: 1e6), annealingDecay: 0.999)
    let theta = [0.5, 400.0, 2.0e4, 1.0, 0.34, 0.3]  // C·S2 = 1 × 0.9 > E = 0.5
    XCTAssertNil(ChinchillaConstants(curveLaw: theta, of: set(theta), at: end, name: "t"))
  }
}
