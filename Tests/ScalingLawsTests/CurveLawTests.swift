import Foundation
import XCTest
@testable import ScalingLaws

/// chinchilla-lr and lr-annealing recover the laws that generated noise-free curves under several
/// schedules (the areas computed by the loader, the fit by the production search).
final class CurveLawTests: XCTestCase {
  /// Rows of cosine, WSD and constant runs with the areas recomputed here by direct summation.
  static func generate(sizes: [Double], law: ([Double], Double, Double, Double) -> Double) throws -> Dataset {
    var rows = "run,params,schedule,schedule_args,total_steps,warmup_steps,peak_lr,step,tokens,loss\n"
    for n in sizes {
      for (kind, args, total) in [("cosine", "", 1000), ("cosine", "", 3000), ("wsd-linear", "decay_start=2400", 3000), ("constant", "", 2000)] {
        let spec = try LearningRateSchedule.parse(kind: kind, arguments: args, totalSteps: total, warmupSteps: 20, peakLR: 1e-3)
        var s1 = 0.0, m = 0.0, s2 = 0.0
        let eta = spec.rates(count: total + 1)
        for t in 0...total {
          s1 += eta[t]
          if t > 19 {
            m = 0.999 * m + (eta[t - 1] - eta[t])
            s2 += m
          }
          guard t >= 100, t % 100 == 0 else { continue }
          let loss = law([n], s1, s1 / 1e-3 * 1000, s2)
          rows += "\(kind)\(total)-\(n),\(n),\(kind),\(args),\(total),20,1e-3,\(t),\(t * 1000),\(loss)\n"
        }
      }
    }
    var o = LoadOptions()
    o.schedule = ScheduleOptions()
    return try DatasetLoader(options: o, required: [.step, .loss]).load(CSVDocument(bytes: Array(rows.utf8), name: "g.csv"))[0]
  }

  func testChinchillaLRRecoversItsParameters() throws {
    // E, A, B, C, alpha, beta
    let truth = [1.2, 40.0, 300.0, 0.3, 0.35, 0.4]
    let d = try Self.generate(sizes: [1e6, 3e6, 1e7, 3e7]) { n, _, x, s2 in
      truth[0] + truth[1] / pow(n[0], truth[4]) + truth[2] / pow(x, truth[5]) - truth[3] * s2
    }
    XCTAssertGreaterThan(d.curve!.annealing.max()!, 0.5)
    var o = FitOptions()
    o.law = .chinchillaLR
    let fit = try LawFitter(options: o).fit(d)
    XCTAssertTrue(fit.converged)
    XCTAssertLessThan(fit.rmseLog, 1e-8)
    for (k, v) in truth.enumerated() { XCTAssertEqual(fit.parameters[k], v, accuracy: 1e-4 * v, fit.parameterNames[k]) }
  }

  func testLRAnnealingRecoversItsParameters() throws {
    // L0, A, C, alpha
    let truth = [2.0, 0.8, 0.25, 0.5]
    let d = try Self.generate(sizes: [1e6]) { _, s1, _, s2 in truth[0] + truth[1] * pow(s1, -truth[3]) - truth[2] * s2 }
    var o = FitOptions()
    o.law = .lrAnnealing
    let fit = try LawFitter(options: o).fit(d)
    XCTAssertTrue(fit.converged)
    for (k, v) in truth.enumerated() { XCTAssertEqual(fit.parameters[k], v, accuracy: 1e-4 * v, fit.parameterNames[k]) }
  }

  func testSingleSizeLawsRefuseSeveralSizes() throws {
    let d = try Self.generate(sizes: [1e6, 2e6]) { _, s1, _, _ in 2 + pow(s1, -0.5) }
    var o = FitOptions()
    o.law = .lrAnnealing
    XCTAssertThrowsError(try LawFitter(options: o).fit(d)) { e in
      XCTAssertEqual(
        "\(e)",
        "g.csv: lr-annealing is a law of one model size, and the data have 2 (1M, 2M); fit one size at a time (group_column, max_params) or use law chinchilla-lr across sizes")
    }
  }
}
