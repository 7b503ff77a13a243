import Foundation
import XCTest
@testable import ScalingLaws

/// The two-step ladder on data made by a known chain: a Chinchilla task loss of (N, D) and an
/// accuracy that is an exact sigmoid of that loss. Fitted on the small models, the chain must
/// give back the large models' accuracies; the report shows the section and both figures.
final class LadderTests: XCTestCase {
  static let truth = (a: 0.7, b: 0.25, k: -4.0, x0: 2.6)

  /// 6 sizes × 8 token counts; every row is its own run (final-loss data).
  static func data() -> (loss: Dataset, metric: Dataset) {
    var loss = Synthetic.chinchilla(E: 1.7, A: 400, B: 1500, alpha: 0.34, beta: 0.28, sizes: 6, checkpoints: 8)
    loss.sources = [.loss: "task_loss", .params: "params", .tokens: "tokens"]
    loss.run = (0..<loss.count).map { "r\($0)" }
    var metric = loss
    metric.x = loss.loss
    metric.loss = loss.loss.map { Self.truth.a / (1 + exp(-Self.truth.k * ($0 - Self.truth.x0))) + Self.truth.b }
    metric.sources = [.x: "task_loss", .y: "acc", .params: "params", .tokens: "tokens"]
    return (loss, metric)
  }

  static func ladder(bootstrap: Int = 0) -> Ladder {
    var o1 = FitOptions()
    o1.law = .chinchilla
    var o2 = FitOptions()
    o2.law = .sigmoid
    o2.loss = .squared
    let b = bootstrap > 0 ? BootstrapOptions(resamples: bootstrap, seed: 11) : nil
    // The plain chain (no anchor, no method choice): the synthetic truth is not anchored at (0, 1).
    var plain = LadderOptions()
    plain.anchors = []
    plain.method = .twoStep
    return Ladder(
      step1: FitAnalysis(fitOptions: o1, bootstrap: b, holdout: .paramsAbove(1e9)),
      step2: FitAnalysis(fitOptions: o2, bootstrap: b, holdout: .paramsAbove(1e9)), options: plain)
  }

  func testChainRecoversTheHeldOutMetric() throws {
    let (loss, metric) = Self.data()
    let r = try Self.ladder().run(lossData: loss, metricData: metric)
    XCTAssertTrue(r.heldOut)
    let heldOut = (0..<loss.count).filter { loss.params[$0] > 1e9 }.count
    XCTAssertEqual(r.rows.count, heldOut)
    XCTAssertGreaterThan(heldOut, 0)
    for row in r.rows {
      let y = try XCTUnwrap(row.observedY)
      XCTAssertEqual(row.predictedX, row.observedX, accuracy: 1e-6 * row.observedX)
      XCTAssertEqual(row.step2Alone, y, accuracy: 1e-6)
      XCTAssertEqual(row.chained, y, accuracy: 1e-5)
    }
    XCTAssertEqual(r.step2.parameters[0], Self.truth.a, accuracy: 1e-6)
    XCTAssertEqual(r.step2.parameters[3], Self.truth.x0, accuracy: 1e-6)
  }

  /// With noise, the paired bootstrap gives intervals around the chained prediction, and the
  /// report gains the downstream section and its two figures.
  func testIntervalsAndReport() throws {
    var (loss, metric) = Self.data()
    var rng = SplitMix64(seed: 4)
    for i in 0..<loss.count { loss.loss[i] *= exp(0.01 * rng.normal()) }
    metric.x = loss.loss
    for i in 0..<metric.count { metric.loss[i] += 0.005 * rng.normal() }
    let r = try Self.ladder(bootstrap: 50).run(lossData: loss, metricData: metric)
    // The intervals are of the predicted mean: compare with the noise-free chain. They widen as
    // the extrapolation in D grows.
    let clean = Self.data().metric
    var covered = 0
    for row in r.rows {
      let iv = try XCTUnwrap(row.interval)
      XCTAssertLessThanOrEqual(iv.0, row.chained)
      XCTAssertGreaterThanOrEqual(iv.1, row.chained)
      let truth = clean.loss[row.line - 2]
      if iv.0 <= truth && truth <= iv.1 { covered += 1 }
    }
    XCTAssertGreaterThanOrEqual(covered, r.rows.count * 3 / 4, "\(covered) of \(r.rows.count)")
    let byD = r.rows.filter { $0.params == r.rows.map { $0.params }.max() }.sorted { $0.tokens < $1.tokens }
    let width = { (row: Ladder.Row) in row.interval!.1 - row.interval!.0 }
    XCTAssertGreaterThan(width(byD.last!), 10 * width(byD.first!))
    let fit = try FitAnalysis(fitOptions: FitOptions()).run(loss)
    let report = Report(fits: [fit], unfiltered: [], budgets: [], command: "test", ladders: [r])
    XCTAssertTrue(report.markdown.contains("## Downstream: acc from N and D through task_loss (model ladder)"), report.markdown)
    let names = report.figures.map { $0.name }
    XCTAssertTrue(names.contains("metric-vs-task-loss") && names.contains("metric-vs-compute"), "\(names)")
    let script = report.figures.first { $0.name == "metric-vs-compute" }!.rendered()
    XCTAssertTrue(script.contains("with filledcurves"), script)
    XCTAssertTrue(report.fitJSON.contains("\"law\": \"sigmoid\""))
  }
}
