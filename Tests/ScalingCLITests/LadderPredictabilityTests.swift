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

  func testNineTasksAndWhichArePredictable() throws {
    let all = try ladders([])
    XCTAssertEqual(
      all.map { $0["metric"] as! String },
      ["hellaswag_acc", "arc_easy_acc", "arc_challenge_acc", "piqa_acc", "openbookqa_acc", "csqa_acc", "socialiqa_acc", "winogrande_acc", "boolq_acc"])
    XCTAssertEqual(all.map { $0["task_loss"] as! String }.first, "hellaswag_bpb")
    let flagged = all.filter { !($0["predictable"] as! Bool) }.map { $0["metric"] as! String }
    XCTAssertEqual(flagged, ["winogrande_acc", "boolq_acc"])
    let wino = all.first { $0["metric"] as! String == "winogrande_acc" }!
    XCTAssertTrue((wino["predictability_reason"] as! String).contains("step 2 fitted below 758M misses that size's finals by 2.88 points (allowed 2.50)"), "\(wino["predictability_reason"]!)")
    // An unpredictable task's chained intervals are its chance-to-ceiling range.
    let range = (wino["predictability"] as! [String: Any])["range"] as! [Double]
    XCTAssertEqual(range[1], 1)
    XCTAssertLessThan(range[0], 0.5)
    for row in wino["rows"] as! [[String: Any]] { XCTAssertEqual(row["interval"] as? [Double], range) }
    // The tasks it calls predictable: every 1B final's chained error within 3 points.
    for l in all where l["predictable"] as! Bool {
      let finals = (l["rows"] as! [[String: Any]]).filter { $0["final"] as! Bool }
      XCTAssertEqual(finals.count, 6)
      let mean = finals.map { abs($0["error"] as! Double) }.reduce(0, +) / Double(finals.count)
      XCTAssertLessThan(mean, 0.015, l["metric"] as! String)
    }
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
