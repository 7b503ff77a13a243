import Foundation
import LinearAlgebra
import XCTest
@testable import ScalingLaws

/// What the data and the resamples say beyond the fit: stalled runs, an irreducible loss the
/// resamples drive to zero, and plans that leave the fitted tokens-per-parameter range.
final class TrustFlagsTests: XCTestCase {
  /// Runs ending more than 2% above a smaller model's run of the same length are stalled; runs of another
  /// length, or ending below every smaller model, are not.
  func testStalledRuns() {
    // (run, N, last step, final loss): r4 ends 2.6% above r2 (the lowest smaller run of 1000
    // steps); r3 ends 1.6% above it (within the 2% margin); r8 has no smaller run of 2000 steps
    // ending lower; r1 is the smallest.
    let rows: [(String, Double, Double, Double)] = [
      ("r1", 1e6, 1000, 2.0), ("r2", 2e6, 1000, 1.9), ("r3", 3e6, 1000, 1.93), ("r4", 4e6, 1000, 1.95),
      ("s1", 1e6, 2000, 1.8), ("r8", 8e6, 2000, 1.7),
      // Two runs of one size compare with the smaller size only, not with each other.
      ("t1", 1e6, 3000, 2.0), ("t2a", 2e6, 3000, 1.9), ("t2b", 2e6, 3000, 2.5),
    ]
    var params: [Double] = [], steps: [Double] = [], loss: [Double] = [], runs: [String] = []
    for (run, n, last, final) in rows {
      for step in [last / 2, last] {
        params.append(n)
        steps.append(step)
        loss.append(step == last ? final : final + 1)
        runs.append(run)
      }
    }
    let d = Dataset(
      file: "s.csv", params: params, tokens: steps.map { $0 * 1000 }, flops: steps.map { 6e9 * $0 }, loss: loss,
      step: steps, run: runs)
    let stalled = d.stalledRuns
    XCTAssertEqual(stalled.map { $0.run }, ["r4", "t2b"])
    XCTAssertEqual(stalled.last?.smallerRun, "t1")
    XCTAssertEqual(stalled.first?.smallerRun, "r2")
    XCTAssertEqual(
      stalled.first?.description,
      "run r4 (N = 4M) ends at loss 1.95, 2.6% above run r2 (N = 2M) at 1.9 after the same 1000 steps: a stalled or unstable run, which no law falling with N fits; check it, or leave it out (exclude_run r4)")
  }

  /// Noise alone never makes a run "stalled": 60 sizes x 4 lengths of Chinchilla curves with 1%
  /// multiplicative noise (the plain 2% rule named 11 of these 240 runs; issue 22 saw 84 on a
  /// large file), while a run lifted 8% throughout (as a run stuck on a plateau) is still named.
  func testNoiseAloneIsNotAStall() {
    var rng = SplitMix64(seed: 3)
    var params: [Double] = [], steps: [Double] = [], loss: [Double] = [], runs: [String] = []
    for i in 0..<60 {
      let n = 1e7 * pow(10, Double(i) / 20)
      for T in [1000.0, 2000, 4000, 8000] {
        for k in 1...20 {
          let s = T * Double(k) / 20, d = s * 1e6
          var l = (1.8 + 400 / pow(n, 0.34) + 2000 / pow(d, 0.37)) * exp(0.01 * rng.normal())
          if i == 40 && T == 4000 { l *= 1.08 }
          params.append(n)
          steps.append(s)
          loss.append(l)
          runs.append("r\(i)-\(Int(T))")
        }
      }
    }
    let d = Dataset(
      file: "noisy.csv", params: params, tokens: steps.map { $0 * 1e6 }, flops: zip(params, steps).map { 6e6 * $0 * $1 },
      loss: loss, step: steps, run: runs)
    XCTAssertEqual(d.stalledRuns.map { $0.run }, ["r40-4000"])
  }

  /// With schedules known, only runs of the same schedule shape compare: a larger model's cosine
  /// run may end above a smaller model's WSD run of the same length without having stalled.
  func testStalledRunsCompareOnlyTheSameSchedule() throws {
    let cosine = try LearningRateSchedule(kind: .cosine, totalSteps: 1000, warmupSteps: 10, peakLR: 1e-3)
    let wsd = try LearningRateSchedule(kind: .wsdLinear, totalSteps: 1000, warmupSteps: 10, peakLR: 1e-3, decayStart: 800)
    func data(smallSchedule: LearningRateSchedule) -> Dataset {
      var d = Dataset(
        file: "c.csv", params: [1e6, 1e6, 4e6, 4e6], tokens: [5e8, 1e9, 5e8, 1e9], flops: [1, 1, 1, 1],
        loss: [3, 2.0, 3, 2.1], step: [500, 1000, 500, 1000], run: ["small", "small", "big", "big"])
      let schedules = [smallSchedule, cosine].enumerated().map { k, spec in
        RunSchedule(run: ["small", "big"][k], spec: spec, through: 1000, tokensPerStep: 1e6)
      }
      d.curve = CurveFeatures(
        schedules: schedules, runIndex: [0, 0, 1, 1], step: [500, 1000, 500, 1000], lr: [0, 0, 0, 0], area: [0, 0, 0, 0],
        tokenArea: [0, 0, 0, 0], annealing: [0, 0, 0, 0], annealingDecay: 0.999)
      return d
    }
    XCTAssertEqual(data(smallSchedule: cosine).stalledRuns.map { $0.run }, ["big"])
    XCTAssertEqual(data(smallSchedule: wsd).stalledRuns.map { $0.run }, [])
  }

  /// Held-out runs trained at a peak rate outside the fitted runs' range are named, with both
  /// ranges; within 1% of the range, or for a law that takes the absolute rate, they are not.
  func testHeldOutPeakRateOutsideTheFittedRange() throws {
    func data(peaks: [Double]) throws -> Dataset {
      let runs = ["a", "b", "c"]
      var d = Dataset(
        file: "p.csv", params: [1e6, 1e6, 2e6, 2e6, 8e6, 8e6], tokens: [5e8, 1e9, 5e8, 1e9, 5e8, 1e9], flops: [1, 1, 1, 1, 1, 1],
        loss: [3, 2.5, 2.9, 2.4, 2.8, 2.3], step: [500, 1000, 500, 1000, 500, 1000], run: ["a", "a", "b", "b", "c", "c"])
      let schedules = try peaks.enumerated().map { k, peak in
        RunSchedule(
          run: runs[k], spec: try LearningRateSchedule(kind: .cosine, totalSteps: 1000, warmupSteps: 10, peakLR: peak),
          through: 1000, tokensPerStep: 1e6)
      }
      d.curve = CurveFeatures(
        schedules: schedules, runIndex: [0, 0, 1, 1, 2, 2], step: [500, 1000, 500, 1000, 500, 1000], lr: [0, 0, 0, 0, 0, 0],
        area: [0, 0, 0, 0, 0, 0], tokenArea: [0, 0, 0, 0, 0, 0], annealing: [0, 0, 0, 0, 0, 0], annealingDecay: 0.999)
      return d
    }
    let outside = try XCTUnwrap(PeakRateExtrapolation.find(try data(peaks: [3e-3, 2e-3, 1.5e-3]), heldOut: [4, 5], law: .chinchillaLR))
    XCTAssertEqual(outside.runs, ["c"])
    XCTAssertEqual(outside.heldOut, 1.5e-3...1.5e-3)
    XCTAssertEqual(outside.fitted, 2e-3...3e-3)
    XCTAssertEqual(
      outside.description,
      "held out: peak learning rate 0.0015 (run c), outside the fitted runs' 0.002 ... 0.003: chinchilla-lr takes each schedule relative to its own peak, assuming each run's peak suited its model, so the check's error may include the effect of that change")
    XCTAssertEqual(
      PeakRateExtrapolation.find(try data(peaks: [3e-3, 2e-3, 1.5e-3]), heldOut: [4, 5], law: .chinchilla)?.lawSees,
      "chinchilla sees no learning rate")
    XCTAssertNil(PeakRateExtrapolation.find(try data(peaks: [3e-3, 2e-3, 1.99e-3]), heldOut: [4, 5], law: .chinchillaLR))
    XCTAssertNil(PeakRateExtrapolation.find(try data(peaks: [3e-3, 2e-3, 2.5e-3]), heldOut: [4, 5], law: .chinchillaLR))
    XCTAssertNil(PeakRateExtrapolation.find(try data(peaks: [3e-3, 2e-3, 1.5e-3]), heldOut: [4, 5], law: .multiPower))
  }

  /// E below 1e-3 of the lowest loss in at least 2.5% of the resamples (95% intervals): the
  /// interval reaches 0 and the fit says so; fewer, and it does not.
  func testBootstrapWarnsWhenEReachesZero() {
    func result(zeros: Int) -> BootstrapResult {
      let samples = (0..<100).map { i in [i < zeros ? 1e-9 : 1.5, 400, 2000, 0.34, 0.28] }
      return BootstrapResult(
        resamples: 100, seed: 1, unit: .point, search: .global, confidence: 0.95, failed: 0,
        parameterNames: ["E", "A", "B", "alpha", "beta"], samples: samples, intervals: [], standardErrors: [],
        covariance: Matrix(rows: 5, columns: 5), derived: [])
    }
    XCTAssertEqual(
      LawFitter.bootstrapWarnings(result(zeros: 3), lossMin: 2.0),
      ["E is driven to ~0 in 3 of 100 bootstrap resamples (3%): the data do not determine the loss floor, and E's interval reaches 0"])
    XCTAssertEqual(LawFitter.bootstrapWarnings(result(zeros: 2), lossMin: 2.0), [])
  }

  /// A plan whose D/N lies outside the fitted data's range is flagged with the range and the
  /// exponents; one inside it is not.
  func testPlanOutsideTheFittedTokensPerParameter() {
    var c = ChinchillaConstants.epoch
    c.observedTokensPerParam = 18...50
    let planner = Planner(law: .chinchilla(c, samples: []))
    // Epoch's constants (alpha < beta) put 21.6 tokens per parameter at 1e21 FLOPs and 15.2 at 1e27.
    let inside = planner.annotated(planner.allocation(flops: 1e21))
    XCTAssertFalse(inside.notes.contains { $0.description.contains("tokens per parameter is outside") }, "\(inside.notes)")
    let outside = planner.annotated(planner.allocation(flops: 1e27))
    let ratio = outside.tokens / outside.params
    XCTAssertEqual(ratio, 15.24, accuracy: 0.01)
    XCTAssertTrue(
      outside.notes.map(\.description).contains(
        "WARNING: D/N = \(String(format: "%.3g", ratio)) tokens per parameter is outside the fitted data's range (18 to 50): the split between N and D extrapolates the fitted exponents (alpha = 0.348, beta = 0.366)"),
      "\(outside.notes)")
    // Typed: a warning of this answer, not a note or a warning of the fit.
    XCTAssertEqual(outside.notes.filter { $0.kind == .warning }.map(\.text).first { $0.hasPrefix("D/N = ") }?.isEmpty, false)
    XCTAssertEqual(outside.budgetWarnings.count, outside.notes.filter { $0.kind == .warning }.count)
  }
}
