import Foundation
import XCTest

final class PlanCommandTests: XCTestCase {
  func json(_ args: [String]) throws -> [String: Any] {
    let r = try CLI.run(["plan"] + args + ["--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
  }

  func testFlopsQueryJSONKeys() throws {
    let j = try json(["--flops", "1e23", "--gpu", "h100-sxm", "--gpus", "1024", "--usd-per-gpu-hour", "2"])
    for k in ["law", "flops", "params", "tokens", "tokens_per_param", "loss", "gpu_hours", "days", "cost_usd"] {
      XCTAssertNotNil(j[k], k)
    }
    XCTAssertEqual(j["law"] as? String, "chinchilla-epoch")
    XCTAssertEqual((j["tokens_per_param"] as! Double), 19.2, accuracy: 0.05)
    // SCALING_REFERENCE.md §4: 1e23 FLOPs on H100 SXM (989.4 TFLOP/s dense) at MFU 0.4 is
    // 70.2k GPU-hours (1e23 / (989.4e12 × 0.4 × 3600) = 70,188.44, by hand).
    XCTAssertEqual((j["gpu_hours"] as! Double), 70_188.44, accuracy: 0.01)
  }

  func testGPUHoursAndUSDBudgetsConvertToFLOPs() throws {
    let h = try json(["--gpu-hours", "50000", "--gpu", "h100-sxm"])
    XCTAssertEqual(h["flops"] as! Double, 50_000 * 3600 * 989.4e12 * 0.4, accuracy: 1e10)
    let u = try json(["--usd", "1e6", "--usd-per-gpu-hour", "2", "--gpu", "a100", "--mfu", "0.5"])
    XCTAssertEqual(u["flops"] as! Double, 5e5 * 3600 * 312e12 * 0.5, accuracy: 1e10)
    XCTAssertEqual(u["cost_usd"] as! Double, 1e6, accuracy: 1e-3)
  }

  func testSweepJSON() throws {
    let j = try json(["--sweep", "1e18:1e25:8"])
    let plans = j["plans"] as! [[String: Any]]
    XCTAssertEqual(plans.count, 8)
    // Whole decades come out exact, not 9.999999999999986e+17.
    XCTAssertEqual(plans.map { $0["flops"] as! Double }, [1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25])
  }

  func testPlansFromAFitRepeatItsWarningsAndFlagBudgetsBeyondTheData() throws {
    let dir = try temporaryDirectory(self)
    let fit = dir + "/fit.json"
    var rows = ["N,D,loss"]
    for n in [1e7, 2e7, 4e7, 8e7] {
      for d in [1e9, 3e9, 1e10] { rows.append("\(n),\(d),\(1.8 + 480 / pow(n, 0.35) + 2000 / pow(d, 0.37))") }
    }
    let csv = dir + "/d.csv"
    try (rows.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
    let f = try CLI.run(["fit", csv, "--format", "json", "--output", fit])
    XCTAssertEqual(f.status, 0, f.stderr)
    let j = try json(["--law", fit, "--flops", "1e23"])
    let notes = j["notes"] as! [String]
    // The data reach 6 x 8e7 x 1e10 = 4.8e18 FLOPs: 1e23 is 4.3 decades beyond.
    XCTAssertTrue(notes.contains("WARNING: 1e+23 FLOPs is 4.3 decades of compute beyond the fitted data (largest 4.8e+18 FLOPs)"), "\(notes)")
    XCTAssertTrue(notes.contains { $0.hasPrefix("WARNING: the predicted loss") && $0.contains("below the lowest loss observed") }, "\(notes)")
    let near = try json(["--law", fit, "--flops", "1e18"])
    XCTAssertFalse((near["notes"] as! [String]).contains { $0.contains("decades") })
  }

  func testSweepAsCSVTable() throws {
    let r = try CLI.run(["plan", "--sweep", "1e18:1e25:8", "--gpu", "h100-sxm", "--format", "csv"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let lines = r.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.count, 9)
    XCTAssertEqual(
      lines[0], "law,query,flops,params,tokens,tokens_per_param,loss,gpu,gpus,mfu,gpu_hours,days,cost_usd,notes")
    XCTAssertTrue(lines[1].hasPrefix("chinchilla-epoch,flops,1e+18,"), lines[1])
    XCTAssertTrue(lines[8].hasPrefix("chinchilla-epoch,flops,1e+25,"), lines[8])
    // Epoch's constants at 1e23 FLOPs (SCALING_REFERENCE.md §4): N = 2.94e10, D = 5.66e11.
    let row = lines[6].split(separator: ",").map(String.init)
    XCTAssertEqual(Double(row[2]), 1e23)
    XCTAssertEqual(Double(row[3])! / 1e10, 2.94, accuracy: 0.005)
    XCTAssertEqual(Double(row[4])! / 1e11, 5.66, accuracy: 0.005)
  }

  func testLawFromFitFile() throws {
    let dir = try temporaryDirectory(self)
    let fit = dir + "/fit.json"
    let r = try CLI.run(["fit", fixture("small.csv"), "--format", "json", "--output", fit])
    XCTAssertEqual(r.status, 0, r.stderr)
    let j = try json(["--law", fit, "--flops", "1e21"])
    XCTAssertEqual(j["law"] as? String, "fit:\(fit)")
    let kaplan = dir + "/kaplan.json"
    _ = try CLI.run(["fit", fixture("small.csv"), "--law", "kaplan-n", "--format", "json", "--output", kaplan])
    let bad = try CLI.run(["plan", "--law", kaplan, "--flops", "1e21"])
    XCTAssertEqual(bad.status, 2)
    XCTAssertEqual(bad.stderr, "error: \(kaplan): holds no chinchilla fit (fit with --law chinchilla, or a formula law of N and D with --formula)\n")
    let notJSON = try CLI.run(["plan", "--law", fixture("small.csv"), "--flops", "1e21"])
    XCTAssertEqual(notJSON.status, 2)
    XCTAssertEqual(notJSON.stderr, "error: \(fixture("small.csv")): not a `scaling fit --format json` file (no \"fits\" array)\n")
  }

  func testErrorsExitTwo() throws {
    func check(_ args: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
      let r = try CLI.run(["plan"] + args)
      XCTAssertEqual(r.status, 2, file: file, line: line)
      XCTAssertTrue(r.stderr.contains(message), r.stderr, file: file, line: line)
    }
    try check(["--flops=-1e23"], "--flops must be a positive finite number (got -1e+23).")
    try check(["--flops", "1e400"], "The value '1e400' is invalid for '--flops <flops>'")
    try check(["--flops", "1e23", "--gpu", "h100-sxm", "--mfu", "1.5"], "--mfu must be in (0, 1] (got 1.5).")
    try check(["--flops", "1e23", "--gpu", "v100"], "Unknown GPU 'v100'. Known: a100, h100-sxm, h100-pcie, h200, b200 (or give --peak-tflops).")
    try check(["--target-loss", "1.5"], "error: --target-loss 1.5 is at or below the law's irreducible loss E = 1.8172 (chinchilla-epoch): no amount of compute reaches it")
    try check(["--flops", "1e23", "--law", "gpt"], "Unknown law 'gpt': not a named law (")
    try check(["--flops", "1e23", "--law", "missing.json"], "error: --law missing.json: no such file (a fit file from `scaling fit --format json`, or a named law: ")
    try check([], "Give exactly one of --flops")
  }

  func testListLaws() throws {
    let r = try CLI.run(["plan", "--list-laws"])
    XCTAssertEqual(r.status, 0)
    for name in ["chinchilla-epoch", "chinchilla-hoffmann", "chinchilla-hoffmann-unrounded", "kaplan", "muennighoff-c4"] {
      XCTAssertTrue(r.stdout.contains(name + "\n"), name)
    }
    XCTAssertTrue(r.stdout.contains("E = 1.8172, A = 482.01, B = 2085.43, alpha = 0.3478, beta = 0.3658"))
  }

  func testFlopsCommand() throws {
    let r = try CLI.run(["flops", "--layers", "32", "--d-model", "4096", "--heads", "32", "--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(j["params_non_embedding"] as! Double, 12 * 32 * 4096 * 4096)
    let bad = try CLI.run(["flops", "--layers", "2", "--d-model", "100", "--heads", "3"])
    XCTAssertEqual(bad.status, 2)
    XCTAssertTrue(bad.stderr.contains("--d-model (100) must be divisible by --heads (3)."), bad.stderr)
  }
}
