import Foundation
import XCTest
@testable import ScalingLaws

/// The schedules of `datasets/lr-schedules/` (Luo et al. 2025's data), rebuilt from their
/// specs and checked against the `lr` column of every checkpoint; the multi-power law's golden
/// values from the folder's README.
final class LearningRateScheduleTests: XCTestCase {
  struct Row {
    var run: String, schedule: String, args: String, total: Int, warmup: Int, peak: Double, step: Int, lr: Double, loss: Double
  }

  func rows(_ file: String) throws -> [Row] {
    let text = try String(contentsOfFile: datasetsFolder() + "/lr-schedules/" + file, encoding: .utf8)
    // CRLF line ends: "\r\n" is one Character in Swift, so split on isNewline.
    return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      return Row(
        run: f[1], schedule: f[2], args: f[3], total: Int(f[4])!, warmup: Int(f[5])!, peak: Double(f[6])!,
        step: Int(f[7])!, lr: Double(f[8])!, loss: Double(f[9])!)
    }
  }

  func schedule(_ r: Row) throws -> LearningRateSchedule {
    try LearningRateSchedule.parse(kind: r.schedule, arguments: r.args, totalSteps: r.total, warmupSteps: r.warmup, peakLR: r.peak)
  }

  func testSchedulesReproduceTheLRColumnAtEveryCheckpoint() throws {
    for file in ["mpl_25m.csv", "mpl_100m.csv"] {
      let data = try rows(file)
      XCTAssertGreaterThan(data.count, 2000)
      for r in data {
        let s = try schedule(r)
        XCTAssertEqual(s.lr(at: r.step), r.lr, accuracy: 1e-12 * r.peak, "\(file) \(r.run) step \(r.step)")
      }
    }
  }

  func testWarmupAndShapes() throws {
    let s = try LearningRateSchedule(kind: .cosine, totalSteps: 100, warmupSteps: 11, peakLR: 1)
    XCTAssertEqual(s.lr(at: 0), 0)
    XCTAssertEqual(s.lr(at: 5), 0.5)
    XCTAssertEqual(s.lr(at: 10), 1)
    XCTAssertEqual(s.lr(at: 11), 1)
    XCTAssertEqual(s.lr(at: 99), 0.1 + 0.45 * (1 + cos(Double.pi * 88 / 89)), accuracy: 1e-15)
    let w = try LearningRateSchedule(kind: .wsdLinear, totalSteps: 100, warmupSteps: 0, peakLR: 2, decayStart: 80)
    XCTAssertEqual(w.lr(at: 79), 2)
    XCTAssertEqual(w.lr(at: 90), 2 + (0.2 - 2) * 0.5, accuracy: 1e-15)
  }

  func testBadSpecsAreClearErrors() {
    func message(_ f: () throws -> LearningRateSchedule) -> String {
      do { _ = try f(); return "no error" } catch { return "\(error)" }
    }
    XCTAssertEqual(
      message { try LearningRateSchedule.parse(kind: "two-stage", arguments: "stage_start=8000", totalSteps: 16000, warmupSteps: 0, peakLR: 1) },
      "a two-stage schedule needs its stage start and stage rate (stage_start, stage_lr)")
    XCTAssertEqual(
      message { try LearningRateSchedule.parse(kind: "wsd-exp", arguments: "", totalSteps: 100, warmupSteps: 0, peakLR: 1) },
      "a wsd-exp schedule needs its decay start (decay_start)")
    XCTAssertEqual(
      message { try LearningRateSchedule.parse(kind: "cosine", arguments: "", totalSteps: 100, warmupSteps: 0, peakLR: -1) },
      "the peak learning rate must be positive (got -1.0)")
    XCTAssertEqual(
      message { try LearningRateSchedule.parse(kind: "step", arguments: "", totalSteps: 100, warmupSteps: 0, peakLR: 1) },
      "unknown schedule 'step' (known: constant, cosine, linear, wsd-exp, wsd-linear, two-stage)")
    XCTAssertEqual(
      message { try LearningRateSchedule.parse(kind: "wsd-exp", arguments: "decay_start=200", totalSteps: 100, warmupSteps: 0, peakLR: 1) },
      "the decay start (200) must lie between the end of warm-up (0) and the total steps (100)")
  }

  static let published: [String: [Double]] = [
    "mpl_25m.csv": [3.04045406, 0.52468604, 0.50786857, 363.78751622, 2.06560812, 0.58279013, 0.64142257],
    "mpl_100m.csv": [2.6514477, 0.60115152, 0.45295811, 437.9464276, 2.13245612, 0.59785199, 0.65523644],
  ]

  func testMultiPowerLawGoldenValues() throws {
    let golden: [(String, String, [Double])] = [
      ("mpl_25m.csv", "cosine_24000", [3.502893, 3.415804, 3.315187]),
      ("mpl_25m.csv", "constant_72000", [3.509927, 3.435482, 3.260213]),
      ("mpl_25m.csv", "wsd_20000_24000", [3.509927, 3.435482, 3.266260]),
      ("mpl_25m.csv", "wsdld_20000_24000", [3.509927, 3.435482, 3.265385]),
      ("mpl_25m.csv", "wsdcon_3", [3.507232, 3.406099, 3.395284]),
      ("mpl_100m.csv", "cosine_24000", [3.203130, 3.106403, 2.990025]),
      ("mpl_100m.csv", "constant_72000", [3.212930, 3.132755, 2.932917]),
      ("mpl_100m.csv", "wsd_20000_24000", [3.212930, 3.132755, 2.935197]),
      ("mpl_100m.csv", "wsdld_20000_24000", [3.212930, 3.132755, 2.934122]),
      ("mpl_100m.csv", "wsdcon_3", [3.208983, 3.088423, 3.076932]),
    ]
    for (file, run, expected) in golden {
      let r = try XCTUnwrap(try rows(file).first { $0.run == run })
      let s = try schedule(r)
      let law = MultiPowerLaw(Self.published[file]!)
      let got = law.losses(rates: s.rates(count: r.total), at: [8000, 12000, r.total - 1])
      for (g, e) in zip(got, expected) {
        XCTAssertEqual(g, e, accuracy: 5e-7, "\(file) \(run)")
      }
    }
  }

  /// The authors' mean |relative error| over the six test schedules: 0.00110 (25M), 0.00142 (100M).
  func testMultiPowerLawMeanErrorOverTheSixTestSchedules() throws {
    let test = ["constant_72000", "cosine_72000", "wsd_20000_24000", "wsdld_20000_24000", "wsdcon_3", "wsdcon_18"]
    for (file, reported) in [("mpl_25m.csv", 0.00110), ("mpl_100m.csv", 0.00142)] {
      let data = try rows(file)
      let law = MultiPowerLaw(Self.published[file]!)
      var means: [Double] = []
      for run in test {
        let points = data.filter { $0.run == run }
        let s = try schedule(try XCTUnwrap(points.first, "\(file): no rows of \(run)"))
        let predicted = law.losses(rates: s.rates(count: points[0].total), at: points.map { $0.step })
        let errors = zip(points, predicted).map { abs($1 - $0.loss) / $0.loss }
        means.append(errors.reduce(0, +) / Double(errors.count))
      }
      XCTAssertEqual(means.reduce(0, +) / Double(means.count), reported, accuracy: 5e-6, file)
    }
  }
}
