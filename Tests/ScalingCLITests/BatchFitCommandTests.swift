import Foundation
import XCTest

/// `fit --format jsonl` and `--shard K/N` (issue 25): one line per fit in dataset order, a failed
/// fit's line and exit 1, shards that concatenate to the unsharded bytes, and the lines read back
/// by `predict` and `plan`.
final class BatchFitCommandTests: XCTestCase {
  /// `groups` Chinchilla families (E varies by group) on a 5 x 3 grid, seeded noise, and then a
  /// group "short" with a single point (its fit fails: fewer points than parameters).
  func batchFile(_ dir: String, groups: Int = 23) throws -> String {
    var rows = ["group,params,tokens,loss"]
    var state: UInt64 = 7
    func noise() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53) - 0.5
    }
    for g in 0..<groups {
      let E = 1.7 + 0.01 * Double(g)
      for n in [1e7, 3e7, 1e8, 3e8, 1e9] {
        for r in [5.0, 20, 80] {
          let loss = (E + 406.4 / pow(n, 0.34) + 410.7 / pow(n * r, 0.28)) * exp(0.004 * noise())
          rows.append("g\(g),\(n),\(n * r),\(loss)")
        }
      }
    }
    rows.append("short,1e7,1e8,3.0")
    let path = dir + "/batch.csv"
    try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func testLinesAreTheJSONDocumentsFitsInOrderAndAFailedFitIsALine() throws {
    let dir = try temporaryDirectory(self)
    let csv = try batchFile(dir)
    let lines = try CLI.run(["fit", csv, "--group-column", "group", "--format", "jsonl"])
    XCTAssertEqual(lines.status, 1)
    XCTAssertEqual(lines.stderr, "error: 1 of 24 fits failed; each one's line holds its \"error\"\n")
    let text = lines.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    XCTAssertEqual(text.count, 25)  // 24 lines and the final newline
    XCTAssertEqual(text.last, "")
    XCTAssertEqual(
      String(text[23]),
      #"{"file": "\#(csv)", "group": "short", "error": "\#(csv) (group short): 1 point after filters, fewer than the 5 parameters of the chinchilla law"}"#)
    // Every other line is the JSON document's fit of the same group (the document stops at the
    // failing group, so it is made from the file without it).
    let json = try CLI.run(["fit", csv, "--group-column", "group", "--format", "json"])
    XCTAssertEqual(json.status, 1, "the document form stops at the failing group")
    let good = dir + "/good.csv"
    let kept = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("short") }
    try (kept.joined(separator: "\n") + "\n").write(toFile: good, atomically: true, encoding: .utf8)
    let document = try CLI.run(["fit", good, "--group-column", "group", "--format", "json"])
    XCTAssertEqual(document.status, 0, document.stderr)
    let fits = (try JSONSerialization.jsonObject(with: Data(document.stdout.utf8)) as! [String: Any])["fits"] as! [[String: Any]]
    XCTAssertEqual(fits.count, 23)
    for (i, line) in text.prefix(23).enumerated() {
      var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      XCTAssertEqual(object["group"] as? String, "g\(i)")
      XCTAssertEqual(object["converged"] as? Bool, true)
      // The file's name and its row count (the file without the failing group has one row less).
      object["file"] = good
      var data = object["data"] as! [String: Any]
      data["rows_read"] = 345
      object["data"] = data
      XCTAssertEqual(NSDictionary(dictionary: object), NSDictionary(dictionary: fits[i]), "line \(i + 1)")
    }
  }

  func testShardsConcatenateToTheUnshardedBytes() throws {
    let dir = try temporaryDirectory(self)
    let csv = try batchFile(dir)
    let whole = try CLI.run(["fit", csv, "--group-column", "group", "--format", "jsonl"])
    XCTAssertFalse(whole.stdout.isEmpty)
    for n in [1, 4, 7, 30] {
      var joined = ""
      var statuses: [Int32] = []
      for k in 1...n {
        let part = try CLI.run(["fit", csv, "--group-column", "group", "--format", "jsonl", "--shard", "\(k)/\(n)"])
        joined += part.stdout
        statuses.append(part.status)
      }
      XCTAssertEqual(joined, whole.stdout, "\(n) shards")
      // Only the shard holding the failing group (the last one) exits 1.
      XCTAssertEqual(statuses.filter { $0 != 0 }.count, 1, "\(n) shards: \(statuses)")
      XCTAssertEqual(statuses.last, 1)
    }
  }

  func testAJSONLinesFileFeedsPredictAndPlanLikeTheDocument() throws {
    let dir = try temporaryDirectory(self)
    let csv = try batchFile(dir, groups: 4)
    let noShort = dir + "/four.csv"
    let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("short") }
    try (rows.joined(separator: "\n") + "\n").write(toFile: noShort, atomically: true, encoding: .utf8)
    let jsonl = dir + "/fits.jsonl", json = dir + "/fits.json"
    XCTAssertEqual(try CLI.run(["fit", noShort, "--group-column", "group", "--format", "jsonl", "--output", jsonl]).status, 0)
    XCTAssertEqual(try CLI.run(["fit", noShort, "--group-column", "group", "--format", "json", "--output", json]).status, 0)
    for file in [jsonl, json] {
      let p = try CLI.run(["predict", "--fit", file, "--group", "g2", "--params", "1e9", "--tokens", "2e10", "--format", "json"])
      XCTAssertEqual(p.status, 0, p.stderr)
    }
    let a = try CLI.run(["predict", "--fit", jsonl, "--group", "g2", "--params", "1e9", "--tokens", "2e10", "--format", "csv"])
    let b = try CLI.run(["predict", "--fit", json, "--group", "g2", "--params", "1e9", "--tokens", "2e10", "--format", "csv"])
    XCTAssertEqual(a.stdout, b.stdout)
    let planA = try CLI.run(["plan", "--law", jsonl, "--group", "g1", "--flops", "1e21", "--format", "json"])
    let planB = try CLI.run(["plan", "--law", json, "--group", "g1", "--flops", "1e21", "--format", "json"])
    XCTAssertEqual(planA.status, 0, planA.stderr)
    XCTAssertEqual(planA.stdout.replacingOccurrences(of: jsonl, with: "F"), planB.stdout.replacingOccurrences(of: json, with: "F"))
    // A batch with a failed fit still reads: its line is skipped, and naming it lists the groups.
    let withShort = dir + "/five.jsonl"
    XCTAssertEqual(try CLI.run(["fit", csv, "--group-column", "group", "--format", "jsonl", "--output", withShort]).status, 1)
    let missing = try CLI.run(["predict", "--fit", withShort, "--group", "short", "--params", "1e9", "--tokens", "2e10"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertEqual(missing.stderr, "error: \(withShort): no fit for group 'short' (groups: g0, g1, g2, g3)\n")
  }

  func testAnIsoFLOPBatchPlansFromItsLines() throws {
    let dir = try temporaryDirectory(self)
    var rows = ["budget,params,tokens,loss"]
    for C in [1e17, 3e17, 1e18, 3e18, 1e19] {
      for k in 0..<7 {
        let n = 2e7 * pow(C / 1e17, 0.5) * pow(10, -1.5 + 0.5 * Double(k))
        let d = C / (6 * n)
        rows.append("\(C),\(n),\(d),\(1.69 + 406.4 / pow(n, 0.34) + 410.7 / pow(d, 0.28))")
      }
    }
    let csv = dir + "/iso.csv"
    try (rows.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
    let jsonl = dir + "/iso.jsonl", json = dir + "/iso.json"
    let args = ["fit", csv, "--approach", "isoflop", "--budget-column", "budget"]
    XCTAssertEqual(try CLI.run(args + ["--format", "jsonl", "--output", jsonl]).status, 0)
    XCTAssertEqual(try CLI.run(args + ["--format", "json", "--output", json]).status, 0)
    XCTAssertEqual(try String(contentsOfFile: jsonl, encoding: .utf8).filter { $0 == "\n" }.count, 1)
    let a = try CLI.run(["plan", "--law", jsonl, "--flops", "1e21", "--format", "json"])
    let b = try CLI.run(["plan", "--law", json, "--flops", "1e21", "--format", "json"])
    XCTAssertEqual(a.status, 0, a.stderr)
    XCTAssertEqual(a.stdout.replacingOccurrences(of: jsonl, with: "F"), b.stdout.replacingOccurrences(of: json, with: "F"))
  }

  func testShardAndJSONLinesUsageErrorsWriteNothing() throws {
    let dir = try temporaryDirectory(self)
    let csv = try batchFile(dir, groups: 2)
    let out = dir + "/out.jsonl"
    let cases: [([String], String)] = [
      (["--shard", "1/2"], "--shard needs --format jsonl (JSON Lines shards concatenate into the whole batch's output)."),
      (["--format", "jsonl", "--shard", "0/3"], "K must be between 1 and N (shards are numbered 1 to N), got '0/3'"),
      (["--format", "jsonl", "--shard", "4/3"], "K must be between 1 and N (shards are numbered 1 to N), got '4/3'"),
      (["--format", "jsonl", "--shard", "1/0"], "N must be at least 1, got '1/0'"),
      (["--format", "jsonl", "--shard", "two"], "expected K/N (e.g. 3/8), got 'two'"),
      (["--format", "jsonl", "--bootstrap", "10", "--bootstrap-samples", dir + "/s.csv"],
       "--bootstrap-samples is not for --format jsonl: each line's \"bootstrap_samples\" holds its fit's resamples."),
    ]
    for (flags, message) in cases {
      let r = try CLI.run(["fit", csv, "--group-column", "group", "--output", out] + flags)
      XCTAssertEqual(r.status, 2, "\(flags)")
      XCTAssertTrue(r.stderr.contains(message), "\(flags): \(r.stderr)")
      XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(flags)")
      XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/s.csv"))
    }
    // More shards than groups: the empty shards write nothing and succeed.
    let empty = try CLI.run(["fit", csv, "--group-column", "group", "--format", "jsonl", "--shard", "1/9"])
    XCTAssertEqual(empty.status, 0, empty.stderr)
    XCTAssertEqual(empty.stdout, "")
  }
}
