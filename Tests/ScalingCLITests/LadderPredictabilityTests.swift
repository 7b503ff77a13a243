import Foundation
import XCTest

/// Issue 27: many tasks in one ladder command, and the predictability verdict computed from the
/// data (the OLMo ladder, ≤ 760M fitted, 1B predicted).
final class LadderPredictabilityTests: XCTestCase {
  var ladderFile: String {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path + "/datasets/olmo-ladder/olmo_ladder_1b.csv"
  }
  let common = [
    "--law", "chinchilla-lr", "--lr-column", "lr", "--run-column", "run", "--params-column", "params", "--min-step", "2000",
    "--holdout-above-params", "1e9",
  ]

  func ladders(_ extra: [String]) throws -> [[String: Any]] {
    let r = try CLI.run(["ladder", ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "*_acc", "--format", "json"] + extra)
    XCTAssertEqual(r.status, 0, r.stderr)
    let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    return doc["ladders"] as! [[String: Any]]
  }

  /// The defaults (issue 27): the anchor (0, 1) with the weight of one run, and the direct law
  /// for a task the chain cannot confirm when it backtests better inside the ladder.
  func testDefaultsPredictTheOneBFinalsWithinOnePointTwo() throws {
    let all = try ladders([])
    XCTAssertEqual(
      all.map { $0["metric"] as! String },
      ["hellaswag_acc", "arc_easy_acc", "arc_challenge_acc", "piqa_acc", "openbookqa_acc", "csqa_acc", "socialiqa_acc", "winogrande_acc", "boolq_acc"])
    XCTAssertEqual(all.map { $0["task_loss"] as! String }.first, "hellaswag_bpb")
    var errors: [Double] = []
    for l in all {
      let finals = (l["rows"] as! [[String: Any]]).filter { $0["final"] as! Bool }
      XCTAssertEqual(finals.count, 6)
      let e = finals.map { abs($0["error"] as! Double) }
      errors += e
      let mean = e.reduce(0, +) / Double(e.count)
      // No task above 3 points unless it is flagged unpredictable.
      if l["predictable"] as! Bool { XCTAssertLessThan(mean, 0.03, l["metric"] as! String) }
    }
    let mean = errors.reduce(0, +) / Double(errors.count)
    XCTAssertLessThan(mean, 0.012, "mean chained |error| over the nine tasks' 1B finals: \(mean)")
    XCTAssertEqual(mean, 0.01089, accuracy: 0.0001)
    XCTAssertEqual(all.filter { !($0["predictable"] as! Bool) }.map { $0["metric"] as! String }, ["boolq_acc"])
    let wino = all.first { $0["metric"] as! String == "winogrande_acc" }!
    XCTAssertEqual(wino["method"] as? String, "direct")
    XCTAssertEqual(wino["task_loss"] as? String, "log10(C)")
    let reason = (wino["method_choice"] as! [String: Any])["reason"] as! String
    XCTAssertTrue(reason.hasSuffix("refitted below 758M, two steps miss its finals by 2.63 points, the direct law by 2.47"), reason)
    let hella = all.first { $0["metric"] as! String == "hellaswag_acc" }!
    XCTAssertEqual(hella["method"] as? String, "two-step")
    XCTAssertTrue((hella["options"] as! String).contains("anchor (0, 1)"), hella["options"] as! String)
    let boolq = all.last!
    let range = (boolq["predictability"] as! [String: Any])["range"] as! [Double]
    for row in boolq["rows"] as! [[String: Any]] { XCTAssertEqual(row["interval"] as? [Double], range) }
  }

  /// The ladder's own defaults (step 1: chinchilla on the final checkpoints, with --auto): the
  /// nine tasks' 1B finals within 1.2 points on average, no predictable task above 3.
  func testTheDefaultStepOneMeetsTheTargetToo() throws {
    let r = try CLI.run([
      "ladder", ladderFile, "--run-column", "run", "--params-column", "params", "--min-step", "2000", "--holdout-above-params", "1e9",
      "--task-loss-column", "*_bpb", "--metric-column", "*_acc", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let all = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["ladders"] as! [[String: Any]]
    var errors: [Double] = []
    for l in all {
      let e = (l["rows"] as! [[String: Any]]).filter { $0["final"] as! Bool }.map { abs($0["error"] as! Double) }
      errors += e
      if l["predictable"] as! Bool { XCTAssertLessThan(e.reduce(0, +) / Double(e.count), 0.03, l["metric"] as! String) }
    }
    XCTAssertEqual(errors.count, 54)
    XCTAssertEqual(errors.reduce(0, +) / Double(errors.count), 0.01146, accuracy: 0.0001)
  }

  /// Without the defaults' anchor, method choice and --auto, the plain chain: Winogrande and BoolQ are
  /// flagged, and an unpredictable task's chained intervals are its chance-to-ceiling range.
  func testThePlainChainAndWhichTasksArePredictable() throws {
    let all = try ladders(["--method", "two-step", "--no-anchor", "--no-auto"])
    let flagged = all.filter { !($0["predictable"] as! Bool) }.map { $0["metric"] as! String }
    XCTAssertEqual(flagged, ["winogrande_acc", "boolq_acc"])
    let wino = all.first { $0["metric"] as! String == "winogrande_acc" }!
    XCTAssertTrue((wino["predictability_reason"] as! String).contains("step 2 fitted below 758M misses that size's finals by 2.88 points (allowed 2.50)"), "\(wino["predictability_reason"]!)")
    let range = (wino["predictability"] as! [String: Any])["range"] as! [Double]
    XCTAssertEqual(range[1], 1)
    XCTAssertLessThan(range[0], 0.5)
    for row in wino["rows"] as! [[String: Any]] { XCTAssertEqual(row["interval"] as? [Double], range) }
    var errors: [Double] = []
    for l in all {
      errors += (l["rows"] as! [[String: Any]]).filter { $0["final"] as! Bool }.map { abs($0["error"] as! Double) }
    }
    XCTAssertEqual(errors.reduce(0, +) / Double(errors.count), 0.01427, accuracy: 0.0001)
  }

  /// The 95% intervals are prediction intervals: the paired bootstrap's percentiles widened in
  /// quadrature by 1.96 × the fitted runs' final scatter around step 2's curve.
  func testIntervalsCarryTheFinalScatter() throws {
    let r = try CLI.run(["ladder", ladderFile] + common + [
      "--task-loss-column", "hellaswag_bpb", "--metric-column", "hellaswag_acc", "--bootstrap", "40", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let l = ((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["ladders"] as! [[String: Any]])[0]
    let scatter = l["final_scatter"] as! Double
    XCTAssertEqual(scatter, 0.0083, accuracy: 0.0005)
    for row in (l["rows"] as! [[String: Any]]) where row["final"] as! Bool {
      let iv = row["interval"] as! [Double], p = row["predicted"] as! Double
      XCTAssertGreaterThanOrEqual(p - iv[0], 1.959964 * scatter - 1e-12)
      XCTAssertGreaterThanOrEqual(iv[1] - p, 1.959964 * scatter - 1e-12)
      let observed = row["observed"] as! Double
      XCTAssertTrue(iv[0] <= observed && observed <= iv[1], "\(row)")
    }
  }

  func testLadderOptionErrorsAreUsageErrorsAndWriteNothing() throws {
    let dir = try temporaryDirectory(self)
    let out = dir + "/ladder.json"
    let bad = dir + "/bad.csv"
    var csv = "run,params,tokens,step,bpb,acc\n"
    for (n, run) in [(1e8, "a"), (2e8, "b"), (4e8, "c")] {
      for s in 1...5 { csv += "\(run),\(n),\(Double(s) * 1e9),\(s),\(2.0 - 0.1 * Double(s)),\(0.3 + 0.02 * Double(s))\n" }
    }
    csv += "d,8e8,5e9,5,1.2,1.3\n"
    try csv.write(toFile: bad, atomically: true, encoding: .utf8)
    let cases: [([String], String)] = [
      ([bad, "--run-column", "run", "--task-loss-column", "bpb", "--metric-column", "acc", "--chance", "0.25"],
       "error: \(bad):17: column acc: 1.3 is outside [0, 1]; --chance 0.25 fixes the lower level of a metric in [0, 1]"),
      ([ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "*_acc", "--anchor", "inf,1"], "--anchor 'inf,1': both values must be finite."),
      ([ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "*_acc", "--anchor", "0"], "--anchor '0' must be two numbers x,y"),
      ([ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "*_acc", "--step2-skip-fraction", "1"], "--step2-skip-fraction must be in [0, 1) (got 1.0)."),
      ([ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "*_acc", "--step2-skip-fraction", "-0.1"], "--step2-skip-fraction must be in [0, 1) (got -0.1)."),
      ([ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "*_f1"], "--metric-column '*_f1' matches no column"),
      ([ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "*_acc", "--chance", "1.5"], "--chance must be a number in [0, 1) or 'auto' (got '1.5')."),
      ([ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "*_acc", "--direct", "--anchor", "0,1"], "--anchor places points in (task loss, metric); --direct has no task loss."),
      ([ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "*_acc", "--chance", "0.25", "--sigmoid-fix", "b=0.2"], "--chance fixes the sigmoid's lower level b"),
    ]
    for (args, message) in cases {
      let r = try CLI.run(["ladder"] + args + ["--output", out])
      XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
      XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(args)")
    }
  }

  /// The options each do what they say, on the OLMo ladder's HellaSwag.
  func testLadderOptionsChangeWhatTheStepsSee() throws {
    let base = try ladders([]).first!
    let points = { (l: [String: Any]) in (l["step2_fit"] as! [String: Any])["points"] as! Int }
    let skipped = try ladders(["--step2-skip-fraction", "0.5"]).first!
    XCTAssertLessThan(points(skipped), points(base))
    let noAnchor = try ladders(["--no-anchor"]).first!
    // The default anchor adds one run's weight of copies of (0, 1).
    XCTAssertGreaterThan(points(base), points(noAnchor))
    let averaged = try ladders(["--step1-average-last", "3"]).first!
    XCTAssertTrue((averaged["rows"] as! [[String: Any]]).allSatisfy { $0["final"] as! Bool })
    let chance = try ladders(["--chance", "auto"])
    let fixedB = chance.map { (($0["step2_fit"] as! [String: Any])["parameters"] as! [String: Double])["b"]! }
    XCTAssertEqual(fixedB, [0.25, 0.25, 0.25, 0.5, 0.25, 0.2, 1.0 / 3.0, 0.5, 0.622])
    let direct = try ladders(["--direct"]).first!
    XCTAssertEqual(direct["method"] as? String, "direct")
    XCTAssertEqual(direct["task_loss"] as? String, "log10(C)")
  }
  func testTwoFittedSizesConfirmNothing() throws {
    var exclude: [String] = []
    for m in ["0.5", "1", "2", "5", "10"] { exclude += ["--exclude-run", "760M-\(m)xC"] }
    exclude += ["--exclude-run", "760M-1xC-rerun"]
    let all = try ladders(exclude)
    XCTAssertTrue(all.allSatisfy { !($0["predictable"] as! Bool) })
    XCTAssertTrue((all[0]["predictability_reason"] as! String).hasSuffix("no backtest inside the ladder confirms it (it needs three fitted sizes and a converged refit without the largest)"))
  }

  func testPatternErrors() throws {
    let none = try CLI.run(["ladder", ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "*_f1"])
    XCTAssertEqual(none.status, 2)
    XCTAssertTrue(none.stderr.hasPrefix("error: \(ladderFile): --metric-column '*_f1' matches no column (columns: run, size, "), none.stderr)
    let missing = try CLI.run(["ladder", ladderFile] + common + ["--task-loss-column", "*_loss", "--metric-column", "*_acc"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertEqual(
      missing.stderr,
      "error: \(ladderFile): the metric column 'hellaswag_acc' (--metric-column '*_acc') has no task-loss column 'hellaswag_loss' (--task-loss-column '*_loss')\n")
    let mixed = try CLI.run(["ladder", ladderFile] + common + ["--task-loss-column", "*_bpb", "--metric-column", "hellaswag_acc"])
    XCTAssertEqual(mixed.status, 2)
    XCTAssertTrue(mixed.stderr.hasPrefix("error: --task-loss-column '*_bpb' is a pattern but --metric-column 'hellaswag_acc' is one column"), mixed.stderr)
    let two = try CLI.run(["ladder", ladderFile] + common + ["--task-loss-column", "*_*", "--metric-column", "*_acc"])
    XCTAssertEqual(two.status, 2)
    XCTAssertEqual(two.stderr, "error: --task-loss-column '*_*': a column pattern holds one '*' (e.g. '*_acc')\n")
  }
}
