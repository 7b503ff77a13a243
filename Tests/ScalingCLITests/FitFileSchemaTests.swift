import Foundation
import XCTest

/// The fit file's schema version: every record written carries `schema_version` first; a file
/// written before versions (a committed one, `Fixtures/fit-unversioned.json`, written by the
/// build before them) still reads and predicts the same numbers; a newer version is refused.
final class FitFileSchemaTests: XCTestCase {
  func testRecordsCarryTheSchemaVersionFirst() throws {
    let fit = try CLI.run(["fit", fixture("small.csv"), "--format", "json"])
    XCTAssertEqual(fit.status, 0, fit.stderr)
    XCTAssertTrue(fit.stdout.hasPrefix("{\n  \"fits\": [\n    {\n      \"schema_version\": 1,\n      \"file\": "), fit.stdout)
    let line = try CLI.run(["fit", fixture("small.csv"), "--format", "jsonl"])
    XCTAssertTrue(line.stdout.hasPrefix("{\"schema_version\": 1, \"file\": "), line.stdout)
  }

  func testAFileWrittenBeforeVersionsPredictsTheSameNumbers() throws {
    let dir = try temporaryDirectory(self)
    let new = dir + "/fit.json"
    // The committed file was `fit small.csv --bootstrap 20 --format json`: the same fit now.
    XCTAssertEqual(try CLI.run(["fit", fixture("small.csv"), "--bootstrap", "20", "--format", "json", "--output", new]).status, 0)
    let old = fixture("fit-unversioned.json")
    XCTAssertFalse(try String(contentsOfFile: old, encoding: .utf8).contains("schema_version"))
    let query = ["--params", "1e9", "--tokens", "2e10", "--format", "csv"]
    let a = try CLI.run(["predict", "--fit", old] + query)
    let b = try CLI.run(["predict", "--fit", new] + query)
    XCTAssertEqual(a.status, 0, a.stderr)
    XCTAssertEqual(a.stdout, b.stdout)
    XCTAssertEqual(
      a.stdout,
      "file,line,run,step,params,tokens,flops,observed,predicted,lower,upper,rel_error,lr\nquery,0,,,1000000000.0,20000000000.0,1.2e+20,,2.5870271388500528,2.4715257191028006,2.594721168068289,,\n")
    let planA = try CLI.run(["plan", "--law", old, "--flops", "1e21", "--format", "json"])
    let planB = try CLI.run(["plan", "--law", new, "--flops", "1e21", "--format", "json"])
    XCTAssertEqual(planA.status, 0, planA.stderr)
    // The same plan (the two files name their CSV by different paths, which the law's source quotes).
    let pa = try JSONSerialization.jsonObject(with: Data(planA.stdout.utf8)) as! [String: Any]
    let pb = try JSONSerialization.jsonObject(with: Data(planB.stdout.utf8)) as! [String: Any]
    for key in ["params", "tokens", "loss"] { XCTAssertEqual(pa[key] as? Double, pb[key] as? Double, key) }
    XCTAssertEqual(pa["intervals"] as? [String: [Double]], pb["intervals"] as? [String: [Double]])
  }

  func testANewerSchemaIsRefusedByName() throws {
    let dir = try temporaryDirectory(self)
    let path = dir + "/future.json"
    let text = try String(contentsOfFile: fixture("fit-unversioned.json"), encoding: .utf8)
      .replacingOccurrences(of: "\n    {\n      \"file\"", with: "\n    {\n      \"schema_version\": 2,\n      \"file\"")
    XCTAssertTrue(text.contains("\"schema_version\": 2"))
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let r = try CLI.run(["predict", "--fit", path, "--params", "1e9", "--tokens", "2e10"])
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(r.stderr, "error: \(path): fit 1 has schema_version 2; this scaling reads fit files up to schema_version 1 (a newer scaling wrote it)\n")
    let plan = try CLI.run(["plan", "--law", path, "--flops", "1e21"])
    XCTAssertEqual(plan.status, 2)
    XCTAssertTrue(plan.stderr.contains("fit 1 has schema_version 2"), plan.stderr)
  }
}
