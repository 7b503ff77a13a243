import Foundation
import XCTest

/// Issue 34, items 5–8: parameters checked against the data they came from, nothing non-finite
/// printed, flags that do not apply refused by name, and messages that say what is wrong. Every
/// case asserts the exit status and the message, in a temporary folder.
final class ReliabilityRoundTwoTests: XCTestCase {
  func json(_ path: String) throws -> [String: Any] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
  }

  /// A fit file of small.csv with 20 resamples, and a copy with one parameter edited.
  func editedFit(_ dir: String, _ name: String, _ value: Double) throws -> (good: String, edited: String) {
    let good = dir + "/fit.json"
    if !FileManager.default.fileExists(atPath: good) {
      XCTAssertEqual(try CLI.run(["fit", fixture("small.csv"), "--bootstrap", "20", "--format", "json", "--output", good]).status, 0)
    }
    var doc = try json(good)
    var fits = try XCTUnwrap(doc["fits"] as? [[String: Any]])
    var parameters = try XCTUnwrap(fits[0]["parameters"] as? [String: Any])
    parameters[name] = value
    fits[0]["parameters"] = parameters
    doc["fits"] = fits
    let edited = dir + "/\(name).json"
    try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: edited))
    return (good, edited)
  }

  // MARK: item 5

  func testAFloorAboveTheDataIsRefused() throws {
    let dir = try temporaryDirectory(self)
    let (good, edited) = try editedFit(dir, "E", 1e20)
    XCTAssertEqual(try CLI.run(["plan", "--law", good, "--flops", "1e22"]).status, 0)
    let r = try CLI.run(["plan", "--law", edited, "--flops", "1e22"])
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(
      r.stderr,
      "error: \(edited): the chinchilla fit's E = 1e+20 is above the lowest loss the fit was fitted on (2.4): a loss floor cannot lie above the data it came from; refusing to plan with it\n")
    let p = try CLI.run(["predict", "--fit", edited, fixture("small.csv")])
    XCTAssertEqual(p.status, 2)
    XCTAssertTrue(p.stderr.hasSuffix("refusing to predict with it\n"), p.stderr)
  }

  func testAPointOutsideItsOwnResamplesIsRefused() throws {
    let dir = try temporaryDirectory(self)
    let (_, edited) = try editedFit(dir, "beta", 50)
    let r = try CLI.run(["plan", "--law", edited, "--flops", "1e22"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.hasPrefix("error: \(edited): the chinchilla fit's beta = 50 lies outside the range of its own 20 bootstrap resamples ["), r.stderr)
  }

  func testABrokenTieIsRefused() throws {
    let dir = try temporaryDirectory(self)
    let fit = dir + "/tied.json"
    XCTAssertEqual(try CLI.run(["fit", fixture("small.csv"), "--tie", "beta=alpha", "--format", "json", "--output", fit]).status, 0)
    var doc = try json(fit)
    var fits = try XCTUnwrap(doc["fits"] as? [[String: Any]])
    var parameters = try XCTUnwrap(fits[0]["parameters"] as? [String: Any])
    parameters["beta"] = 0.9
    fits[0]["parameters"] = parameters
    doc["fits"] = fits
    try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: fit))
    let r = try CLI.run(["plan", "--law", fit, "--flops", "1e22"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("the chinchilla fit's beta = 0.9, but the fit ties beta to alpha = "), r.stderr)
  }

  // MARK: item 6

  /// Degenerate data: a constant loss, losses near the largest double, a sigmoid queried off its
  /// data. Exit 0 implies every number printed is finite (n/a where undefined).
  func testNothingNonFiniteIsPrinted() throws {
    let dir = try temporaryDirectory(self)
    var constant = ["N,D,loss"], huge = ["N,D,loss"], sigmoid = ["x,y"]
    for n in [1e8, 3e8, 1e9, 3e9] {
      for d in [1e9, 1e10] {
        constant.append("\(n),\(d),2.5")
        huge.append("\(n),\(d),\((1.7 + 400 / pow(n, 0.34) + 410 / pow(d, 0.28)) * 1e250)")
      }
    }
    for i in 0..<20 {
      let x = 1 + Double(i) * 0.2
      sigmoid.append("\(x),\(0.25 + 0.5 / (1 + exp(3 * (x - 3))))")
    }
    for (name, rows) in [("constant", constant), ("huge", huge), ("sigmoid", sigmoid)] {
      try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/\(name).csv", atomically: true, encoding: .utf8)
    }
    let cases: [[String]] = [
      ["fit", dir + "/constant.csv", "--law", "kaplan-n", "--bootstrap", "10"],
      ["fit", dir + "/constant.csv", "--bootstrap", "10", "--format", "csv"],
      ["fit", dir + "/huge.csv", "--bootstrap", "10"],
      ["fit", dir + "/huge.csv", "--law", "kaplan-n", "--bootstrap", "10"],
      ["fit", dir + "/sigmoid.csv", "--law", "sigmoid", "--x-column", "x", "--y-column", "y", "--format", "json", "--output", dir + "/sig.json"],
      ["predict", "--fit", dir + "/sig.json", "--x", "0.5"],
      ["predict", "--fit", dir + "/sig.json", "--x", "0.5", "--format", "csv"],
      ["predict", "--fit", dir + "/sig.json", dir + "/sigmoid.csv"],
    ]
    let nonFinite = try NSRegularExpression(pattern: "(^|[^A-Za-z_])[-+]?(nan|inf|infinity)($|[^A-Za-z_])", options: [.caseInsensitive])
    for args in cases {
      let r = try CLI.run(args)
      guard r.status == 0 else { continue }
      let out = r.stdout as NSString
      let hit = nonFinite.firstMatch(in: r.stdout, range: NSRange(location: 0, length: out.length))
      XCTAssertNil(hit, "\(args.joined(separator: " ")) printed a non-finite number: \(hit.map { out.substring(with: $0.range) } ?? "")\n\(r.stdout)")
    }
  }

  // MARK: item 7

  func testFlagsThatDoNotApplyAreRefusedByName() throws {
    let small = fixture("small.csv")
    let cases: [([String], String)] = [
      (["fit", small, "--approach", "isoflop", "--fix", "E=1.7", "--holdout-above-params", "5e8"],
       "Error: --fix, --holdout-above-params do not apply to --approach isoflop (its fits are the IsoFLOP or envelope minima and power laws through them; drop them, or fit a law without --approach).\n"),
      (["fit", small, "--approach", "envelope", "--objective", "squared"], "Error: --objective does not apply to --approach envelope ("),
      (["fit", small, "--vertex", "parabola"], "Error: --vertex does not apply without --approach isoflop ("),
      (["plan", "--flops", "1e22", "--weight-bits", "8"], "Error: --weight-bits does not apply without --serving (they describe how the planned model is served).\n"),
      (["flops", "--bogus"], "error: Unknown option '--bogus' for `scaling flops`; see 'scaling flops --help'\n"),
      (["serve", "--layer", "32"], "error: Unknown option '--layer' for `scaling serve` (did you mean "),
      (["fit", small, "--law", "sigmoid", "--x-column", "loss", "--y-column", "loss"], "Error: --x-column and --y-column both name the column 'loss': one column cannot be two quantities.\n"),
    ]
    for (args, message) in cases {
      let r = try CLI.run(args)
      XCTAssertEqual(r.status, 2, args.joined(separator: " "))
      XCTAssertTrue(r.stderr.hasPrefix(message), "\(args.joined(separator: " ")): \(r.stderr)")
    }
    let ladder = try CLI.run([
      "ladder", datasetsFolder() + "/olmo-ladder/olmo_ladder_1b.csv", "--task-loss-column", "hellaswag_bpb", "--metric-column", "hellaswag_bpb",
    ])
    XCTAssertEqual(ladder.status, 2)
    XCTAssertTrue(ladder.stderr.hasPrefix("Error: --task-loss-column and --metric-column both name 'hellaswag_bpb': "), ladder.stderr)
  }

  func testAnExcludedRunTheFileLacksIsAWarning() throws {
    let r = try CLI.run(["fit", datasetsFolder() + "/minipythia.csv", "--exclude-run", "nope", "--min-step", "100"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("--exclude-run nope: no such run in \(datasetsFolder())/minipythia.csv (it has 21 runs); nothing was excluded for it"), r.stdout)
  }

  // MARK: item 8

  func testFitFileMessagesSayWhatIsWrong() throws {
    let dir = try temporaryDirectory(self)
    let good = dir + "/fit.json"
    XCTAssertEqual(try CLI.run(["fit", fixture("small.csv"), "--format", "json", "--output", good]).status, 0)
    let text = try String(contentsOfFile: good, encoding: .utf8)
    try String(text.prefix(300)).write(toFile: dir + "/truncated.json", atomically: true, encoding: .utf8)
    try text.replacingOccurrences(of: "\"schema_version\": 1", with: "\"schema_version\": 1.5").write(
      toFile: dir + "/v15.json", atomically: true, encoding: .utf8)
    let t = try CLI.run(["plan", "--law", dir + "/truncated.json", "--flops", "1e20"])
    XCTAssertEqual(t.status, 2)
    XCTAssertEqual(
      t.stderr,
      "error: \(dir)/truncated.json: not valid JSON (truncated or malformed: its brackets or quotes do not close); write it again with `scaling fit --format json`\n")
    let v = try CLI.run(["predict", "--fit", dir + "/v15.json", fixture("small.csv")])
    XCTAssertEqual(v.status, 2)
    XCTAssertEqual(v.stderr, "error: \(dir)/v15.json: fit 1: schema_version 1.5 is not a whole number (0, 1, ...); the file was edited or is not a fit file\n")
    let missing = try CLI.run(["plan", "--law", dir + "/missing.json", "--flops", "1e20"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.hasPrefix("error: --law \(dir)/missing.json: no such file"), missing.stderr)
  }

  func testAFileMixingRecordKindsIsOneLine() throws {
    let dir = try temporaryDirectory(self)
    var iso = ["N,D,loss"]
    for c in [1e18, 1e19, 1e20] {
      for k in [9.5, 10.0, 10.5, 11.0, 11.5] {
        let n = c / 6 / pow(10, k), d = c / 6 / n
        iso.append("\(n),\(d),\(1.7 + 400 / pow(n, 0.34) + 410 / pow(d, 0.28))")
      }
    }
    try (iso.joined(separator: "\n") + "\n").write(toFile: dir + "/iso.csv", atomically: true, encoding: .utf8)
    XCTAssertEqual(try CLI.run(["fit", dir + "/iso.csv", "--approach", "isoflop", "--format", "jsonl", "--output", dir + "/iso.jsonl"]).status, 0)
    XCTAssertEqual(try CLI.run(["fit", fixture("small.csv"), "--format", "jsonl", "--output", dir + "/law.jsonl"]).status, 0)
    let a = try String(contentsOfFile: dir + "/iso.jsonl", encoding: .utf8), b = try String(contentsOfFile: dir + "/law.jsonl", encoding: .utf8)
    try (a + b).write(toFile: dir + "/mixed.jsonl", atomically: true, encoding: .utf8)
    try (b + a).write(toFile: dir + "/mixed2.jsonl", atomically: true, encoding: .utf8)
    let r = try CLI.run(["plan", "--law", dir + "/mixed.jsonl", "--flops", "1e20"])
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(
      r.stderr,
      "error: \(dir)/mixed.jsonl: mixes record kinds: line 1 is an Approach fit (isoflop) and line 2 a law fit (chinchilla); a fit file holds one kind (write each kind to its own file)\n")
    let s = try CLI.run(["predict", "--fit", dir + "/mixed2.jsonl", fixture("small.csv")])
    XCTAssertEqual(s.status, 2)
    XCTAssertTrue(s.stderr.hasPrefix("error: \(dir)/mixed2.jsonl: mixes record kinds: line 2 is an Approach fit"), s.stderr)
    XCTAssertFalse(s.stderr.contains("DecodingError"))
  }

  func testBootstrapOfOneRunSaysWhatToDo() throws {
    let r = try CLI.run(["fit", datasetsFolder() + "/lr-schedules/mpl_25m.csv", "--law", "multi-power", "--include-run", "cosine_24000", "--bootstrap", "3"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stderr.contains("cannot bootstrap by run: only 1 run; resample its checkpoints with --bootstrap-unit point"), r.stderr)
  }

  /// A logged rate of 0 at step 0: the token area is 0 there, and the advice is the filter that
  /// drops it, not a tokens column the file already has.
  func testStepZeroCheckpointsGetTheRightAdvice() throws {
    let dir = try temporaryDirectory(self)
    var rows = ["run,params,step,tokens,lr,loss"]
    for (r, n) in [1e7, 3e7, 1e8, 3e8].enumerated() {
      for s in stride(from: 0, through: 2000, by: 100) {
        let d = Double(s) * 1e5
        rows.append("r\(r),\(n),\(s),\(Int(d)),\(s == 0 ? 0 : 1e-3 * (1 - Double(s) / 4000)),\(1.8 + 400 / pow(n, 0.34) + (d > 0 ? 410 / pow(d, 0.28) : 5))")
      }
    }
    try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/curves.csv", atomically: true, encoding: .utf8)
    let r = try CLI.run(["fit", dir + "/curves.csv", "--law", "chinchilla-lr", "--min-step", "0"])
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(
      r.stderr,
      "error: chinchilla-lr: 4 checkpoints are at step 0 or before any learning rate (token area S1_tok = 0, where the law's B/S1^beta is infinite); drop them with --min-step 1 or more\n")
    XCTAssertEqual(try CLI.run(["fit", dir + "/curves.csv", "--law", "chinchilla-lr"]).status, 0, "the default transient rule drops them")
  }

  func testInspectKeepsWhatTheDefaultFitKeeps() throws {
    let file = datasetsFolder() + "/minipythia.csv"
    let inspect = try CLI.run(["inspect", file])
    XCTAssertEqual(inspect.status, 0, inspect.stderr)
    XCTAssertTrue(inspect.stdout.contains("    points kept  = 21\n"), inspect.stdout)
    let all = try CLI.run(["inspect", file, "--checkpoints", "all"])
    XCTAssertTrue(all.stdout.contains("    points kept  = 378\n"), all.stdout)
  }

  func testPredictWithoutALossColumnPredicts() throws {
    let dir = try temporaryDirectory(self)
    let fit = dir + "/fit.json"
    XCTAssertEqual(try CLI.run(["fit", fixture("small.csv"), "--format", "json", "--output", fit]).status, 0)
    try "N,D\n1e9,2e10\n7e9,1.4e11\n".write(toFile: dir + "/plan.csv", atomically: true, encoding: .utf8)
    let r = try CLI.run(["predict", "--fit", fit, dir + "/plan.csv", "--format", "csv"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(r.stdout.split(separator: "\n").count, 3, r.stdout)
  }
}
