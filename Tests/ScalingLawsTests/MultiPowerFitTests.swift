import Foundation
import XCTest
@testable import ScalingLaws

/// The multi-power law as a fitted law: its quadrature against the exact sum, the authors'
/// published parameters through the fitting path, and the held-out-schedule check of
/// `datasets/lr-schedules/README.md`.
final class MultiPowerFitTests: XCTestCase {
  static let published: [String: [Double]] = [
    "25m": [3.04045406, 0.52468604, 0.50786857, 363.78751622, 2.06560812, 0.58279013, 0.64142257],
    "100m": [2.6514477, 0.60115152, 0.45295811, 437.9464276, 2.13245612, 0.59785199, 0.65523644],
  ]

  func load(_ model: String, runs: [String] = [], warmupTransient: Double? = nil) throws -> Dataset {
    var o = LoadOptions()
    o.schedule = ScheduleOptions()
    o.includeRuns = runs
    o.warmupTransient = warmupTransient
    return try DatasetLoader(options: o, required: [.step, .loss]).load(path: datasetsFolder() + "/lr-schedules/mpl_\(model).csv")[0]
  }

  /// The nodes' sum against the exact O(t) sum per checkpoint, with the published parameters, at
  /// every checkpoint of all nine schedules of both models.
  func testQuadratureMatchesTheExactSum() throws {
    for model in ["25m", "100m"] {
      let d = try load(model)
      let law = MultiPowerFitLaw()
      let p = Self.published[model]!
      let exactLaw = MultiPowerLaw(p)
      let fast = PointPredictor(law: law, dataset: d)(p)
      let curve = d.curve!
      var worst = 0.0
      for (r, s) in curve.schedules.enumerated() {
        let idx = (0..<d.count).filter { curve.runIndex[$0] == r }
        let exact = exactLaw.losses(rates: s.rates, at: idx.map { curve.step[$0] })
        for (k, i) in idx.enumerated() { worst = max(worst, abs(fast[i] / exact[k] - 1)) }
      }
      XCTAssertLessThan(worst, 1e-5, model)
      print("quadrature \(model): max relative deviation \(worst), nodes \(LogData(d, law: .multiPower).multiPowerNodes!.drop.count) for \(d.count) checkpoints")
    }
  }
}

extension MultiPowerFitTests {
  /// The mean over the eight other schedules of each schedule's mean |relative error|, of a fit to
  /// `fitted` (`cosine_24000`) alone.
  func heldOutScheduleError(_ model: String, _ fit: LawFit, fitted: String = "cosine_24000") throws -> Double {
    let all = try load(model)
    let predicted = PointPredictor(law: MultiPowerFitLaw(), dataset: all)(fit.parameters)
    var perRun: [String: [Double]] = [:]
    for i in 0..<all.count where all.run![i] != fitted {
      perRun[all.run![i], default: []].append(abs(predicted[i] / all.loss[i] - 1))
    }
    XCTAssertEqual(perRun.count, 8)
    return perRun.values.map { $0.reduce(0, +) / Double($0.count) }.reduce(0, +) / 8
  }

  /// issue 23: with its default settings (the checkpoints before 1.5x the warm-up dropped, the
  /// end-of-warm-up transient, and the published-fit priors on beta, gamma, log10 C and log10 B,
  /// `PriorSet.multiPower`) the law fitted to `cosine_24000` alone predicts the other eight
  /// schedules with 0.19% (100M) and 0.27% (25M): the 0.30%. The power-law exponent
  /// comes out near the authors' (fitted on several schedules): 0.459 / 0.531 against 0.453 /
  /// 0.508; with every checkpoint it is 0.43 / 0.60 and the 25M error 0.43%.
  func testDefaultSettingsOnOneCosineCurve() throws {
    for model in ["100m", "25m"] {
      var o = FitOptions()
      o.law = .multiPower
      let data = try load(model, runs: ["cosine_24000"], warmupTransient: LoadOptions.defaultWarmupTransient)
      XCTAssertEqual(data.filters.last?.removed, 9, model)  // steps 2160 ... 3184 (< 3240)
      XCTAssertEqual(data.step?.min(), 3312, model)
      let fit = try LawFitter(options: o).fit(data)
      XCTAssertTrue(fit.converged, model)
      XCTAssertEqual(fit.priors, PriorSet.multiPower.priors)
      XCTAssertGreaterThan(fit.priorTerm, 0)
      let mean = try heldOutScheduleError(model, fit)
      XCTAssertLessThan(mean, 0.0030, model)
      let alpha = fit.parameters[fit.parameterNames.firstIndex(of: "alpha")!]
      XCTAssertEqual(alpha, Self.published[model]![2], accuracy: 0.025, model)
      print("multi-power \(model) cosine_24000 alone, default settings -> other eight schedules: mean |error| \(mean), alpha \(alpha)")
    }
  }

  /// The same priors on every checkpoint (the transient kept): 0.18% (100M) but 0.43% (25M),
  /// whose cosine run starts 0.4% below its sibling runs just after warm-up (a seed offset that
  /// has gone by twice the warm-up) and pulls alpha to 0.60.
  func testPriorsWithTheTransientKept() throws {
    for (model, bound) in [("100m", 0.0020), ("25m", 0.0045)] {
      var o = FitOptions()
      o.law = .multiPower
      let fit = try LawFitter(options: o).fit(try load(model, runs: ["cosine_24000"]))
      XCTAssertTrue(fit.converged, model)
      let mean = try heldOutScheduleError(model, fit)
      XCTAssertLessThan(mean, bound, model)
      if model == "25m" {
        XCTAssertGreaterThan(mean, 0.0035)
        XCTAssertFalse(fit.parameterSet["beta"]!.isAtBound)
      }
    }
  }

  /// One constant-rate run cannot determine the decay term (B trades with L0); the default prior
  /// on log10 B (the published fits' B, ± a factor 2) makes its predictions of the eight decaying
  /// schedules 0.43% (25M) and 0.14% (100M) instead of 2.6% and 3.1% without it.
  func testConstantRunAlonePredictsTheDecays() throws {
    for (model, bound) in [("100m", 0.0020), ("25m", 0.0050)] {
      let data = try load(model, runs: ["constant_24000"], warmupTransient: LoadOptions.defaultWarmupTransient)
      var o = FitOptions()
      o.law = .multiPower
      let fit = try LawFitter(options: o).fit(data)
      XCTAssertTrue(fit.converged, model)
      let mean = try heldOutScheduleError(model, fit, fitted: "constant_24000")
      XCTAssertLessThan(mean, bound, model)
      o.priors = PriorSet.multiPower.priors.filter { $0.parameter != "B" }
      let withoutB = try heldOutScheduleError(model, try LawFitter(options: o).fit(data), fitted: "constant_24000")
      XCTAssertGreaterThan(withoutB, 0.02, model)
      print("multi-power \(model) constant_24000 alone -> the eight others: \(mean) (without the B prior \(withoutB))")
    }
  }

  /// Why 1.5x the warm-up (`LoadOptions.defaultWarmupTransient`): in both models
  /// `constant_24000` and `constant_72000` follow the same schedule for 24,000 steps with
  /// different seeds. Their losses differ by 0.49-0.53% (mean |relative difference|) in the first
  /// quarter warm-up after it ends (steps 2160-2700), by 0.18-0.21% between 1.5x and 2x the
  /// warm-up and by 0.05% from 1.5x on (the checkpoints' own scatter).
  func testSeedSpreadAfterWarmUp() throws {
    for model in ["25m", "100m"] {
      let d = try load(model, runs: ["constant_24000", "constant_72000"])
      var loss: [String: [Double: Double]] = [:]
      for i in 0..<d.count { loss[d.run![i], default: [:]][d.step![i]] = d.loss[i] }
      let a = loss["constant_24000"]!, b = loss["constant_72000"]!
      func spread(_ range: Range<Double>) -> Double {
        let steps = a.keys.filter { range.contains($0) && b[$0] != nil }
        XCTAssertGreaterThan(steps.count, 3)
        return steps.map { abs(b[$0]! / a[$0]! - 1) }.reduce(0, +) / Double(steps.count)
      }
      let early = spread(2160..<2700), after = spread(3240..<24000)
      XCTAssertGreaterThan(early, 0.004, model)
      XCTAssertLessThan(after, 0.001, model)
      print("seed spread \(model): \(early) in [W, 1.25W), \(after) from 1.5W")
    }
  }

  /// issue 9: the law fitted to `cosine_24000` alone, without priors, predicts the other eight
  /// schedules. The measured mean |relative error| is 0.29% (100M) and 0.41% (25M); one schedule
  /// barely identifies (C, β) (the fits sit at a bound of β, and say so), so the bounds are 0.35%
  /// and 0.45%.
  func testCosineAloneFitPredictsTheOtherSchedules() throws {
    for (model, bound) in [("100m", 0.0035), ("25m", 0.0045)] {
      let train = try load(model, runs: ["cosine_24000"])
      var o = FitOptions()
      o.law = .multiPower
      o.priors = []
      let fit = try LawFitter(options: o).fit(train)
      XCTAssertTrue(fit.converged, model)
      let mean = try heldOutScheduleError(model, fit)
      XCTAssertLessThan(mean, bound, model)
      XCTAssertTrue(fit.warnings.contains { $0.hasPrefix("beta = ") && $0.contains("bound") }, "\(model): \(fit.warnings)")
      // beta sits on its bound (the polish snaps it there rather than walking the logistic map
      // towards it: 100M 1,089 -> 759 evaluations at the same objective, 6.4404876e-6).
      let beta = fit.parameters[fit.parameterNames.firstIndex(of: "beta")!]
      XCTAssertTrue(abs(beta - MultiPowerFitLaw.betaMin) < 1e-9 || abs(beta - MultiPowerFitLaw.betaMax) < 1e-9, "\(model): beta \(beta)")
      if model == "100m" {
        XCTAssertEqual(fit.objective, 6.4404876e-6, accuracy: 1e-13)
        XCTAssertLessThan(fit.evaluations, 900)
      }
      print("multi-power \(model) cosine_24000 alone -> other eight schedules: mean |error| \(mean)")
    }
  }

  /// Data generated by the published 25M law (exact sum) on three schedules: the fit recovers
  /// the predictions to 1e-5 and the parameters that matter (L0, A, alpha) closely.
  func testRecoversAGeneratingLaw() throws {
    let p = Self.published["25m"]!
    let exact = MultiPowerLaw(p)
    var rows = "run,schedule,schedule_args,total_steps,warmup_steps,peak_lr,step,loss\n"
    for (run, kind, args) in [("cos", "cosine", ""), ("wsd", "wsd-linear", "decay_start=16000"), ("two", "two-stage", "stage_start=8000;stage_lr=3e-5")] {
      let spec = try LearningRateSchedule.parse(kind: kind, arguments: args, totalSteps: 20000, warmupSteps: 500, peakLR: 3e-4)
      let steps = Array(stride(from: 600, through: 19999, by: 400))
      for (s, l) in zip(steps, exact.losses(rates: spec.rates(count: 20000), at: steps)) {
        rows += "\(run),\(kind),\(args),20000,500,3e-4,\(s),\(l)\n"
      }
    }
    var lo = LoadOptions()
    lo.schedule = ScheduleOptions()
    let d = try DatasetLoader(options: lo, required: [.step, .loss]).load(CSVDocument(bytes: Array(rows.utf8), name: "g.csv"))[0]
    var o = FitOptions()
    o.law = .multiPower
    let fit = try LawFitter(options: o).fit(d)
    XCTAssertTrue(fit.converged)
    XCTAssertLessThan(fit.rmseLog, 1e-5)
    XCTAssertEqual(fit.parameters[0], p[0], accuracy: 0.02 * p[0])
    XCTAssertEqual(fit.parameters[2], p[2], accuracy: 0.05 * p[2])
  }
}
