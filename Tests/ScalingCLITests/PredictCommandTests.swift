import Foundation
import XCTest

final class PredictCommandTests: XCTestCase {
  /// A Chinchilla-law file with runs × checkpoints and 1% noise; its fit (JSON) beside it.
  func fitted() throws -> (csv: String, fit: String, json: [String: Any]) {
    let dir = try temporaryDirectory(self)
    var rows = ["run,params,step,tokens,loss"]
    var k = 0
    for n in [1e7, 3e7, 1e8, 3e8] {
      for steps in [1000.0, 4000] {
        for j in 1...4 {
          let step = steps * Double(j) / 4, d = step * 2e5
          k += 1
          let noise = 1 + 0.01 * sin(Double(k) * 1.7)
          rows.append("N\(Int(n))-S\(Int(steps)),\(n),\(Int(step)),\(d),\((1.8 + 480 / pow(n, 0.35) + 2000 / pow(d, 0.37)) * noise)")
        }
      }
    }
    let csv = dir + "/runs.csv"
    try (rows.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
    let fit = dir + "/fit.json"
    let r = try CLI.run(["fit", csv, "--checkpoints", "all", "--bootstrap", "50", "--format", "json", "--output", fit])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fit))) as! [String: Any]
    return (csv, fit, (json["fits"] as! [[String: Any]])[0])
  }

  func testPredictingTheFittedRowsReproducesTheFitsRMSE() throws {
    let (csv, fit, json) = try fitted()
    let r = try CLI.run(["predict", "--fit", fit, csv, "--format", "csv"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let lines = r.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines[0], "file,line,run,step,params,tokens,flops,observed,predicted,lower,upper,rel_error,lr")
    XCTAssertEqual(lines.count, 33)
    var ss = 0.0
    for l in lines.dropFirst() {
      let f = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      let observed = Double(f[7])!, predicted = Double(f[8])!, lower = Double(f[9])!, upper = Double(f[10])!
      ss += pow(log(predicted / observed), 2)
      XCTAssertLessThanOrEqual(lower, upper)
      XCTAssertEqual(Double(f[11])!, (predicted - observed) / observed, accuracy: 1e-12)
    }
    XCTAssertEqual((ss / 32).squareRoot(), json["rmse_log"] as! Double, accuracy: 1e-9)
    XCTAssertEqual(lines[1].split(separator: ",")[1], "2", "line numbers count the header as line 1")
  }

  func testQueryMatchesTheLawComputedFromTheFitFile() throws {
    let (_, fit, json) = try fitted()
    let p = json["parameters"] as! [String: Double]
    let expected = p["E"]! + p["A"]! / pow(7e9, p["alpha"]!) + p["B"]! / pow(1.4e12, p["beta"]!)
    let r = try CLI.run(["predict", "--fit", fit, "--params", "7B", "--tokens", "1.4T", "--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let out = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let row = ((out["predictions"] as! [[String: Any]])[0]["rows"] as! [[String: Any]])[0]
    XCTAssertEqual(row["predicted"] as! Double, expected, accuracy: 1e-12 * expected)
    XCTAssertLessThan(row["lower"] as! Double, row["upper"] as! Double)
  }

  func testBadUseIsAClearUsageError() throws {
    let (csv, fit, _) = try fitted()
    let both = try CLI.run(["predict", "--fit", fit, csv, "--params", "7B"])
    XCTAssertEqual(both.status, 2)
    XCTAssertTrue(both.stderr.contains("Give CSV files or a query (--params, --tokens, --flops, --steps; --total-steps and the schedule for a curve law; --x for a sigmoid fit), not both."), both.stderr)
    let missing = try CLI.run(["predict", "--fit", fit + ".nope", "--params", "7B", "--tokens", "1T"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.contains("cannot read the fit file"), missing.stderr)
    let noTokens = try CLI.run(["predict", "--fit", fit, "--params", "7B"])
    XCTAssertEqual(noTokens.status, 2)
    XCTAssertTrue(noTokens.stderr.contains("The chinchilla law needs --tokens for a query."), noTokens.stderr)
  }
}

/// Issue 34, item 4: `predict --group G` predicts group G's rows, and every block, JSON object and
/// CSV row names its group; a fit of two files is picked by its file.
final class PredictGroupTests: XCTestCase {
  func groupsFile(_ dir: String) throws -> String {
    var rows = ["group,N,D,loss"]
    for (g, e) in [("g01", 1.8), ("g02", 1.9), ("g03", 2.0)] {
      for n in [1e8, 3e8, 1e9, 3e9] {
        for d in [2e9, 6e9, 2e10, 6e10] {
          rows.append("\(g),\(n),\(d),\(e + 400 / pow(n, 0.34) + 410 / pow(d, 0.28))")
        }
      }
    }
    let path = dir + "/groups.csv"
    try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func testAGroupsFitPredictsThatGroupsRowsAndNamesIt() throws {
    let dir = try temporaryDirectory(self)
    let csv = try groupsFile(dir), fits = dir + "/all.jsonl"
    XCTAssertEqual(try CLI.run(["fit", csv, "--group-column", "group", "--format", "jsonl", "--output", fits]).status, 0)
    let text = try CLI.run(["predict", "--fit", fits, csv, "--group", "g03"])
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertEqual(text.stdout.components(separatedBy: "[[Predict]]").count, 2, "one block: \(text.stdout)")
    XCTAssertTrue(text.stdout.hasPrefix("[[Predict]] \(csv), group g03, with chinchilla from \(fits) (group g03)\n"), text.stdout)
    let csvOut = try CLI.run(["predict", "--fit", fits, csv, "--group", "g03", "--format", "csv"])
    let lines = csvOut.stdout.split(separator: "\n")
    XCTAssertEqual(lines[0], "file,line,run,step,params,tokens,flops,observed,predicted,lower,upper,rel_error,lr,group")
    XCTAssertEqual(lines.count, 17)
    XCTAssertTrue(lines.dropFirst().allSatisfy { $0.hasSuffix(",g03") })
    let json = try CLI.run(["predict", "--fit", fits, csv, "--group", "g03", "--format", "json"])
    let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    let predictions = doc["predictions"] as! [[String: Any]]
    XCTAssertEqual(predictions.map { $0["group"] as? String }, ["g03"])
    // The fit of g03 predicts g03's rows to the noise-free law (a fit of another group would not).
    let overall = predictions[0]["overall"] as! [String: Any]
    XCTAssertLessThan(overall["mean_abs_rel_error"] as! Double, 1e-4)
    let missing = try CLI.run(["predict", "--fit", fits, fixture("small.csv"), "--group", "g03"])
    XCTAssertEqual(missing.status, 0, "data without groups: every row, as before")
    let none = try CLI.run(["predict", "--fit", fits, csv, "--group", "g09"])
    XCTAssertEqual(none.status, 2)
    XCTAssertEqual(none.stderr, "error: \(fits): no fit for group 'g09' (groups: g01, g02, g03)\n")
  }

  func testAFitOfTwoFilesIsPickedByItsFile() throws {
    let dir = try temporaryDirectory(self)
    let a = dir + "/a.csv", b = dir + "/b.csv", fit = dir + "/two.json"
    try FileManager.default.copyItem(atPath: fixture("small.csv"), toPath: a)
    try FileManager.default.copyItem(atPath: fixture("small.csv"), toPath: b)
    XCTAssertEqual(try CLI.run(["fit", a, b, "--format", "json", "--output", fit]).status, 0)
    let none = try CLI.run(["predict", "--fit", fit, a])
    XCTAssertEqual(none.status, 2)
    XCTAssertEqual(none.stderr, "error: \(fit): 2 fits; pick one with --group (fits: \(a), \(b))\n")
    let picked = try CLI.run(["predict", "--fit", fit, a, "--group", b])
    XCTAssertEqual(picked.status, 0, picked.stderr)
    let plan = try CLI.run(["plan", "--law", fit, "--group", a, "--flops", "1e20"])
    XCTAssertEqual(plan.status, 0, plan.stderr)
  }
}
