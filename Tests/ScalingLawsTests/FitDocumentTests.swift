import Foundation
import XCTest
@testable import ScalingLaws

/// The one typed reader of fit files: what `fit` writes, `predict` and `plan` read back.
final class FitDocumentTests: XCTestCase {
  func write(_ text: String) throws -> String {
    let path = NSTemporaryDirectory() + "fitdoc-\(UUID().uuidString).json"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
  }

  /// A sigmoid fit of synthetic accuracy data with b fixed at 0.25 and a bootstrap.
  func sigmoidFit(resamples: Int) throws -> LawFit {
    var d = SigmoidLawTests.synthetic(noise: 0.005)
    d.sources = [.x: "log_ppl", .y: "acc"]
    var o = FitOptions()
    o.law = .sigmoid
    o.loss = .squared
    o.fixed = ["b": 0.25]
    return try FitAnalysis(fitOptions: o, bootstrap: BootstrapOptions(resamples: resamples, seed: 1)).run(d)
  }

  /// A sigmoid fit with a fixed b and bootstrap samples, written by `LawFit.jsonDocument` and read
  /// back: law, parameters, fixed values, y-range, samples and columns survive.
  func testRoundTrip() throws {
    let fit = try sigmoidFit(resamples: 20)
    let path = try write(LawFit.jsonDocument([fit]))
    let record = try XCTUnwrap(FitDocument(path: path).fits.first)
    XCTAssertEqual(record.law, "sigmoid")
    XCTAssertEqual(record.fixed, ["b": 0.25])
    XCTAssertEqual(record.yRange, [0, 1])
    XCTAssertEqual(record.values(["a", "b", "k", "x0"]), fit.parameters)
    XCTAssertEqual(record.samples(["a", "b", "k", "x0"]).count, fit.bootstrap!.samples.count)
    let f = try FitFile(path: path, group: nil)
    XCTAssertEqual(f.kind, .sigmoid)
    XCTAssertEqual(f.parameters, fit.parameters)
    XCTAssertEqual(f.columns[.x], "log_ppl")
    XCTAssertEqual(f.columns[.y], "acc")
  }

  /// One type written and read: the record decoded from what `fit` wrote renders the same bytes
  /// (every key of the file is a typed field; none is lost or reshaped), for a curve-law fit with a
  /// schedule block, a holdout and a bootstrap, and for a metric fit with a fixed parameter.
  func testDecodedRecordRewritesTheSameBytes() throws {
    let curves = try CurveLawTests.generate(sizes: [1e6, 3e6, 1e7, 3e7]) { n, _, x, s2 in
      1.2 + 40 / pow(n[0], 0.35) + 300 / pow(x, 0.4) - 0.3 * s2
    }
    var o = FitOptions()
    o.law = .chinchillaLR
    let analysis = FitAnalysis(
      fitOptions: o, bootstrap: BootstrapOptions(resamples: 8, seed: 3), holdout: .paramsAbove(2e7))
    let curveFit = try analysis.run(curves)
    XCTAssertNotNil(curveFit.holdout)
    XCTAssertNotNil(curveFit.dataset.curve)

    let metricFit = try sigmoidFit(resamples: 8)

    for fit in [curveFit, metricFit] {
      let written = LawFit.jsonDocument([fit])
      var record = try XCTUnwrap(FitDocument(path: try write(written)).fits.first)
      record.parameterNames = fit.parameterNames  // the key order (a JSON object's order is not data)
      XCTAssertEqual(FitDocument.Record(fit).parameterNames, fit.parameterNames)
      XCTAssertEqual(JSONValue.object([("fits", .array([record.json]))]).rendered() + "\n", written, fit.law)
    }
  }

  func testErrors() throws {
    let notFit = try write("{\"other\": 1}")
    XCTAssertThrowsError(try FitDocument(path: notFit)) {
      XCTAssertEqual("\($0)", "\(notFit): not a fit-result JSON file (no \"fits\" array)")
    }
    let noLaw = try write("{\"fits\": [{\"parameters\": {\"E\": 1}}]}")
    XCTAssertThrowsError(try FitDocument(path: noLaw)) {
      XCTAssertEqual("\($0)", "\(noLaw): a fit lacks 'law' (at fits[0])")
    }
    let badValue = try write("{\"fits\": [{\"law\": \"chinchilla\", \"parameters\": {\"E\": \"one\"}}]}")
    XCTAssertThrowsError(try FitDocument(path: badValue)) {
      XCTAssertEqual("\($0)", "\(badValue): unexpected value at fits[0].parameters.E")
    }
    let unknown = try write("{\"fits\": [{\"law\": \"gpt\", \"parameters\": {}}]}")
    XCTAssertThrowsError(try FitFile(path: unknown, group: nil)) {
      XCTAssertEqual("\($0)", "\(unknown): unknown law 'gpt'")
    }
    // JSON Lines (`fit --format jsonl`): blank lines and failed fits' lines skipped, errors name
    // the line (blank lines counted), the Approach reader sharing the same splitter.
    let failed = "{\"file\": \"x.csv\", \"group\": \"b\", \"error\": \"too few points\"}"
    let good = "{\"law\": \"chinchilla\", \"group\": \"a\", \"parameters\": {\"E\": 1}}"
    let lines = try write(good + "\n\n" + failed + "\n  \r\n" + good.replacingOccurrences(of: "\"a\"", with: "\"c\"") + "\n")
    XCTAssertEqual(try FitDocument(path: lines).fits.map { $0.group }, ["a", "c"])
    XCTAssertFalse(ApproachDocument.isApproachFile(try Data(contentsOf: URL(fileURLWithPath: lines))))
    let lacking = try write(good + "\n" + failed + "\n\n{\"group\": \"d\", \"parameters\": {}}\n")
    XCTAssertThrowsError(try FitDocument(path: lacking)) { XCTAssertEqual("\($0)", "\(lacking):4: a fit lacks 'law'") }
    let broken = try write(good + "\n{\"law\": \n")
    XCTAssertThrowsError(try FitDocument(path: broken)) { XCTAssertEqual("\($0)", "\(broken):2: not a JSON object") }
    let allFailed = try write(failed + "\n" + failed + "\n")
    XCTAssertThrowsError(try FitDocument(path: allFailed)) {
      XCTAssertEqual("\($0)", "\(allFailed): every line is a failed fit (2 lines with \"error\")")
    }
    let approach = try write("{\"approach\": \"isoflop\", \"a\": 0.5, \"b\": 0.5}\n" + failed + "\n")
    XCTAssertTrue(ApproachDocument.isApproachFile(try Data(contentsOf: URL(fileURLWithPath: approach))))
    let groups = try write("{\"fits\": [{\"law\": \"chinchilla\", \"group\": \"a\", \"parameters\": {}}, {\"law\": \"chinchilla\", \"group\": \"b\", \"parameters\": {}}]}")
    XCTAssertThrowsError(try FitFile(path: groups, group: nil)) {
      XCTAssertEqual("\($0)", "\(groups): 2 fits; pick one with group (groups: a, b)")
    }
  }
}
