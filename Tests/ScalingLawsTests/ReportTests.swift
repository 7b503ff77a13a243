import Fitting
import Foundation
import XCTest
@testable import ScalingLaws

#if canImport(FoundationXML)
  import FoundationXML
#endif

final class ReportTests: XCTestCase {
  /// A small, fully deterministic analysis: noise-free Chinchilla data with runs, a bootstrap
  /// and a holdout.
  func fixtureFit() throws -> (LawFit, Dataset) {
    var d = Synthetic.chinchilla(sizes: 4, checkpoints: 6, noise: 0.01, seed: 21)
    d.file = "tiny.csv"
    d.run = (0..<d.count).map { "run\($0 / 6)" }
    d.lines = (0..<d.count).map { $0 + 2 }
    var b = BootstrapOptions(resamples: 20, seed: 3)
    b.unit = .run
    let analysis = FitAnalysis(fitOptions: FitOptions(), bootstrap: b, holdout: .paramsAbove(5e9))
    return (try analysis.run(d), d)
  }

  func testScriptBuilderSnapshots() throws {
    let (fit, all) = try fixtureFit()
    assertSnapshot(ReportFigures.lossVsCompute(fit).rendered(), named: "loss-vs-compute.gp")
    assertSnapshot(ReportFigures.checkpointCurves(fit, all: all).rendered(), named: "checkpoint-curves.gp")
    assertSnapshot(ReportFigures.optimalAllocation(fit)!.rendered(), named: "optimal-allocation.gp")
    assertSnapshot(ReportFigures.residuals(fit).rendered(), named: "residuals.gp")
    assertSnapshot(ReportFigures.predictedVsObserved(fit).rendered(), named: "predicted-vs-observed.gp")
    assertSnapshot(ReportFigures.bootstrapExponents(fit)!.rendered(), named: "bootstrap-exponents.gp")
    let plan = Planner(law: .chinchilla(.epoch, samples: [])).allocation(flops: 1e21)
    assertSnapshot(ReportFigures.tokensPerParameter([plan], lawName: "chinchilla-epoch").rendered(), named: "tokens-per-param.gp")
  }

  func testReportMarkdownSnapshot() throws {
    let (fit, all) = try fixtureFit()
    let report = Report(fits: [fit], unfiltered: [all], budgets: [3e20], command: "scaling report tiny.csv --out x")
    assertSnapshot(report.markdown, named: "report.md")
    XCTAssertEqual(report.figures.map { $0.name }, [
      "loss-vs-compute", "checkpoint-curves", "optimal-allocation", "residuals", "predicted-vs-observed",
      "bootstrap-exponents", "tokens-per-param",
    ])
    for f in report.figures { XCTAssertTrue(report.markdown.contains("![") && report.markdown.contains("(\(f.name).png)"), f.name) }
  }

  func testScriptsAreSelfContained() throws {
    let (fit, _) = try fixtureFit()
    let s = ReportFigures.residuals(fit).rendered()
    XCTAssertTrue(s.contains("$res0 << EOD\n"))
    XCTAssertTrue(s.contains("set terminal pngcairo size 1200,800"))
    XCTAssertTrue(s.contains("set output 'residuals.png'"))
    XCTAssertTrue(s.contains("set output 'residuals.svg'"))
    XCTAssertFalse(s.contains("'/"), "no absolute paths: the script renders where it lies")
  }

  /// Renders with the real gnuplot when it is installed.
  func testRenderingWithGnuplot() throws {
    guard Gnuplot().executable() != nil else {
      throw XCTSkip("gnuplot is not installed (Debian: gnuplot-nox); skipping the rendering test")
    }
    let (fit, all) = try fixtureFit()
    let report = Report(fits: [fit], unfiltered: [all], budgets: [], command: "test")
    let dir = NSTemporaryDirectory() + "scaling-report-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try ReportWriter().write(report, to: dir, render: true)
    for f in report.figures {
      let png = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(f.name).png"))
      XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], f.name)
      // IHDR: width and height, big-endian, at bytes 16..<24.
      let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
      let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
      XCTAssertGreaterThanOrEqual(width, 1000, f.name)
      XCTAssertGreaterThanOrEqual(height, 700, f.name)
      let svg = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(f.name).svg"))
      let parser = XMLParser(data: svg)
      XCTAssertTrue(parser.parse(), "\(f.name).svg is not well-formed XML: \(String(describing: parser.parserError))")
    }
  }

  func testGnuplotFailureQuotesItsMessage() throws {
    guard Gnuplot().executable() != nil else { throw XCTSkip("gnuplot is not installed (Debian: gnuplot-nox)") }
    let dir = NSTemporaryDirectory() + "scaling-badgp-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "plot $nothing using 1:2\n".write(toFile: dir + "/bad.gp", atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try Gnuplot().render(scriptAt: dir + "/bad.gp")) { error in
      let text = "\(error)"
      XCTAssertTrue(text.hasPrefix("gnuplot failed on \(dir)/bad.gp (exit 1): "), text)
      XCTAssertTrue(text.contains("nothing"), text)
    }
  }

  func testMissingGnuplot() {
    var g = Gnuplot()
    g.searchPath = "/nonexistent"
    XCTAssertNil(g.executable())
    XCTAssertThrowsError(try g.render(scriptAt: "/tmp/x.gp")) {
      XCTAssertEqual(
        "\($0)",
        "gnuplot is not installed: the .gp scripts were written but not rendered (install the Debian package gnuplot-nox, or pass scripts_only)")
    }
  }
}

extension ReportTests {
  func testIsoflopProfilesSnapshot() throws {
    let truth = ChinchillaConstants.epoch
    var N = [Double](), D = [Double](), L = [Double](), budget = [Double]()
    for C in [1e18, 1e19, 1e20] {
      let n0 = truth.optimalParams(flops: C)
      for k in -3...3 {
        let n = n0 * pow(10, Double(k) / 3)
        N.append(n)
        D.append(C / (6 * n))
        L.append(truth.loss(params: n, tokens: C / (6 * n)))
        budget.append(C)
      }
    }
    var d = Dataset(file: "iso.csv", params: N, tokens: D, flops: zip(N, D).map { 6 * $0 * $1 }, loss: L)
    d.budget = budget
    let r = try ApproachFitter(options: ApproachOptions(approach: .isoflop)).run(d)
    assertSnapshot(ReportFigures.isoflopProfiles(r).rendered(), named: "isoflop-profiles.gp")
  }
}
