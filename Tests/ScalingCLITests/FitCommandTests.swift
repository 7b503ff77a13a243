import Foundation
import XCTest

final class FitCommandTests: XCTestCase {
  /// Writes `text` to a file in a temp dir and returns its path.
  func file(_ name: String, _ text: String) throws -> String {
    let path = try temporaryDirectory(self) + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func testJSONOutputShape() throws {
    let r = try CLI.run(["fit", fixture("small.csv"), "--format", "json", "--search", "hoffmann"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let fit = (json["fits"] as! [[String: Any]])[0]
    XCTAssertTrue(fit["group"] is NSNull)
    XCTAssertEqual(fit["law"] as? String, "chinchilla")
    XCTAssertEqual(fit["points"] as? Int, 6)
    XCTAssertNotNil(fit["objective"] as? Double)
    XCTAssertNotNil(fit["converged"] as? Bool)
    XCTAssertEqual((fit["parameters"] as! [String: Double]).keys.sorted(), ["A", "B", "E", "alpha", "beta"])
    XCTAssertNotNil(fit["stderr"])
    XCTAssertNotNil(fit["termination"] as? String)
  }

  func testKaplanCFitsAFileWithOnlyFlopsAndLoss() throws {
    let rows = (0..<10).map { k -> String in
      let c = 1e17 * pow(10, Double(k) / 2)
      return "\(c),\(pow(2.3e8 * 8.64e19 / c, 0.05))"
    }
    let path = try file("kc.csv", "flops,loss\n" + rows.joined(separator: "\n") + "\n")
    let r = try CLI.run(["fit", path, "--law", "kaplan-c", "--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let fit = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["fits"] as! [[String: Any]]
    let p = fit[0]["parameters"] as! [String: Double]
    XCTAssertEqual(p["alpha_C"]!, 0.05, accuracy: 1e-9)
    XCTAssertEqual(p["Cc"]! / (2.3e8 * 8.64e19), 1, accuracy: 1e-7)
  }

  /// Runs × checkpoints of a Chinchilla law (3 sizes × 3 lengths, 4 checkpoints each).
  func checkpointFile() throws -> String {
    var rows = ["run,params,step,tokens,loss"]
    for n in [1e7, 3e7, 1e8] {
      for steps in [1000.0, 2000, 4000] {
        for k in 1...4 {
          let step = steps * Double(k) / 4, d = step * 1e5
          let loss = 1.8 + 480 / pow(n, 0.35) + 2000 / pow(d, 0.37) + (k < 4 ? 0.05 * Double(4 - k) : 0)
          rows.append("N\(Int(n))-S\(Int(steps)),\(n),\(Int(step)),\(d),\(loss)")
        }
      }
    }
    return try file("curves.csv", rows.joined(separator: "\n") + "\n")
  }

  func testFinalLossLawsUseTheLastCheckpointOfEachRunByDefault() throws {
    let path = try checkpointFile()
    let r = try CLI.run(["fit", path])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("    points       = 9 (of 36 rows read)\n"), r.stdout)
    XCTAssertTrue(
      r.stdout.contains(
        "    filter       = last checkpoint of each run (the default for a final-loss law; --checkpoints all keeps every checkpoint): removed 27\n"),
      r.stdout)
    XCTAssertFalse(r.stdout.contains("mid-schedule"), r.stdout)
    let all = try CLI.run(["fit", path, "--checkpoints", "all"])
    XCTAssertEqual(all.status, 0, all.stderr)
    XCTAssertTrue(all.stdout.contains("    points       = 36 (of 36 rows read)\n"), all.stdout)
    XCTAssertTrue(all.stdout.contains("9 of 9 runs contribute 27 mid-schedule checkpoints to a final-loss law"), all.stdout)
    // A law over steps keeps every checkpoint.
    let ns = try CLI.run(["fit", path, "--law", "kaplan-ns", "--format", "json"])
    XCTAssertEqual(ns.status, 0, ns.stderr)
    XCTAssertTrue(ns.stdout.contains("\"points\": 36"), ns.stdout)
    let clash = try CLI.run(["fit", path, "--final-only", "--checkpoints", "all"])
    XCTAssertEqual(clash.status, 2)
    XCTAssertTrue(clash.stderr.contains("--final-only contradicts --checkpoints all."), clash.stderr)
  }

  func testHelpStatesTheSquaredObjectiveAsHalfTheSum() throws {
    let r = try CLI.run(["fit", "--help"])
    XCTAssertTrue(r.stdout.contains("half the sum of squared log residuals (sum r^2/2)"), r.stdout)
  }

  /// A subcommand is parsed directly (`ScalingTool.parseDirectly`, for speed); help and errors
  /// still come from the root, with the whole `scaling fit` stack in their usage lines.
  func testDirectParseKeepsTheRootsHelpAndErrors() throws {
    let help = try CLI.run(["fit", "--help"])
    XCTAssertEqual(help.status, 0)
    XCTAssertTrue(help.stdout.contains("USAGE: scaling fit [<options>] [<files> ...]"), help.stdout)
    let bad = try CLI.run(["fit", "-o", "x.json"])
    XCTAssertEqual(bad.status, 2)
    XCTAssertEqual(bad.stderr, """
      Error: Unknown option '-o'
      Usage: scaling fit [<options>] [<files> ...]
        See 'scaling fit --help' for more information.

      """)
    let version = try CLI.run(["--version"])
    XCTAssertEqual(version.stdout, "0.1.0\n")
  }

  func testSameInputSameBytes() throws {
    let a = try CLI.run(["fit", fixture("small.csv"), "--format", "json"])
    let b = try CLI.run(["fit", fixture("small.csv"), "--format", "json"])
    // Two successful fits, not two failures' empty outputs.
    XCTAssertEqual(a.status, 0, a.stderr)
    XCTAssertEqual(b.status, 0, b.stderr)
    XCTAssertTrue(a.stdout.hasPrefix("{\n  \"fits\": ["), a.stdout)
    XCTAssertEqual(a.stdout, b.stdout)
  }

  func testBatchGivesOneRowPerFileAndGroup() throws {
    let g = try file("g.csv", "set,N,D,loss\n" + (0..<12).map { i -> String in
      let n = 1e8 * pow(3, Double(i % 4)), d = 1e9 * pow(4, Double(i / 4))
      let l = 1.8 + 480 / pow(n, 0.35) + 2000 / pow(d, 0.37)
      return "\(i % 2 == 0 ? "even" : "odd"),\(n),\(d),\(l)"
    }.joined(separator: "\n") + "\n")
    let r = try CLI.run(["fit", fixture("small.csv"), g, "--group-column", "set", "--format", "csv"])
    XCTAssertEqual(r.status, 1, "small.csv has no 'set' column")
    XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr)
    let r2 = try CLI.run(["fit", g, g, "--group-column", "set", "--format", "csv"])
    XCTAssertEqual(r2.status, 0, r2.stderr)
    let lines = r2.stdout.split(separator: "\n")
    XCTAssertEqual(lines.count, 5)
    XCTAssertEqual(lines[1].split(separator: ",")[1], "even")
    XCTAssertEqual(lines[2].split(separator: ",")[1], "odd")
  }

  func testOutputIsWrittenAtomicallyAndNotOnError() throws {
    let dir = try temporaryDirectory(self)
    let out = dir + "/fit.json"
    let ok = try CLI.run(["fit", fixture("small.csv"), "--format", "json", "--output", out])
    XCTAssertEqual(ok.status, 0, ok.stderr)
    XCTAssertEqual(ok.stdout, "")
    XCTAssertTrue(FileManager.default.fileExists(atPath: out))
    let out2 = dir + "/bad.json"
    let bad = dir + "/bad.csv"
    try "N,D,loss\n1,2,abc\n".write(toFile: bad, atomically: true, encoding: .utf8)
    let r = try CLI.run(["fit", bad, "--output", out2])
    XCTAssertEqual(r.status, 1)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out2))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["bad.csv", "fit.json"])
  }

  func testDataErrorsExitOneWithOneLine() throws {
    let bad = try file("bad.csv", "N,D,loss\n1,2,abc\n")
    let r = try CLI.run(["fit", bad])
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(r.stderr, "error: \(bad):2:5: column 'loss': 'abc' is not a number\n")
    XCTAssertEqual(r.stdout, "")
    let missing = try CLI.run(["fit", "/nonexistent/x.csv"])
    XCTAssertEqual(missing.status, 1)
    XCTAssertEqual(missing.stderr, "error: /nonexistent/x.csv: no such file\n")
    let dir = try temporaryDirectory(self)
    let d = try CLI.run(["fit", dir])
    XCTAssertEqual(d.stderr, "error: \(dir): is a directory, not a CSV file\n")
  }

  func testUsageErrorsExitTwo() throws {
    let r = try CLI.run(["fit", fixture("small.csv"), "--huber-delta=-1"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.hasPrefix("Error: --huber-delta must be a positive number (got -1.0).\n"), r.stderr)
    let law = try CLI.run(["fit", fixture("small.csv"), "--law", "kaplan"])
    XCTAssertEqual(law.status, 2)
    XCTAssertTrue(law.stderr.contains("The value 'kaplan' is invalid for '--law <law>'"), law.stderr)
    let none = try CLI.run(["fit"])
    XCTAssertEqual(none.status, 2)
    XCTAssertTrue(none.stderr.hasPrefix("Error: Give at least one CSV file."), none.stderr)
  }

  func testUnwritableOutput() throws {
    let r = try CLI.run(["fit", fixture("small.csv"), "--output", "/nonexistent-dir/fit.txt"])
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(r.stderr, "error: /nonexistent-dir/fit.txt: cannot write (directory /nonexistent-dir does not exist)\n")
  }
}

extension FitCommandTests {
  /// The same seed gives byte-identical output on one core and on all of them.
  func testBootstrapIsIdenticalAcrossCoreCounts() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset") else {
      throw XCTSkip("taskset is not available")
    }
    let args = ["fit", fixture("small.csv"), "--bootstrap", "60", "--seed", "9", "--format", "json"]
    let all = try CLI.run(args)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
    p.arguments = ["-c", "0", CLI.executable.path] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let one = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(all.status, 0)
    XCTAssertTrue(all.stdout.contains("\"bootstrap_samples\""))
    XCTAssertEqual(one, all.stdout)
  }
}
