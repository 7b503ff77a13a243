import Foundation
import XCTest
@testable import ScalingLaws

/// Content snapshots of the four report figures that had none (issue 25): the checkpoint curves
/// and the schedule comparison of a chinchilla-lr fit, and the downstream ladder's metric against
/// the task loss and against compute. Data: noise-free synthetic curves and the synthetic ladder
/// of `LadderTests`, so the scripts change only when the figure code does.
final class FigureSnapshotTests: XCTestCase {
  func testScheduleFigures() throws {
    let truth = [1.2, 40.0, 300.0, 0.3, 0.35, 0.4]
    let d = try CurveLawTests.generate(sizes: [1e6, 3e6, 1e7, 3e7]) { n, _, x, s2 in
      truth[0] + truth[1] / pow(n[0], truth[4]) + truth[2] / pow(x, truth[5]) - truth[3] * s2
    }
    var o = FitOptions()
    o.law = .chinchillaLR
    let fit = try LawFitter(options: o).fit(d)
    XCTAssertTrue(fit.converged)
    let curves = try XCTUnwrap(ReportFigures.scheduleCurves(fit))
    assertSnapshot(curves.rendered(), named: "schedule-curves.gp")
    let comparison = try XCTUnwrap(ReportFigures.scheduleComparison(fit))
    assertSnapshot(comparison.rendered(), named: "schedule-comparison.gp")
  }

  func testDownstreamFigures() throws {
    let (loss, metric) = LadderTests.data()
    let r = try LadderTests.ladder(bootstrap: 20).run(lossData: loss, metricData: metric)
    assertSnapshot(ReportFigures.metricVsTaskLoss(r).rendered(), named: "metric-vs-task-loss.gp")
    assertSnapshot(ReportFigures.metricVsCompute(r).rendered(), named: "metric-vs-compute.gp")
  }
}
