import Foundation
import XCTest

/// `plan --experts E --active-experts K`: a dense and a mixture-of-experts answer in one command.
final class PlanExpertsTests: XCTestCase {
  func json(_ args: [String]) throws -> [String: Any] {
    let r = try CLI.run(args)
    XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
    return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
  }

  func testTheLawsNAsTheActiveCountMovesNothingButTheTotal() throws {
    let j = try json(["plan", "--flops", "1e23", "--experts", "8", "--active-experts", "2", "--format", "json"])
    let dense = j["dense"] as! [String: Any], moe = j["moe"] as! [String: Any], m = moe["moe"] as! [String: Any]
    for k in ["params", "tokens", "loss", "flops"] {
      XCTAssertEqual(moe[k] as! Double, dense[k] as! Double, k)
    }
    XCTAssertEqual(m["params_active"] as! Double, dense["params"] as! Double)
    XCTAssertEqual(m["law_params"] as? String, "active")
    // Eight experts of the dense MLP, two active: the total is about 1 + 6 × (2/3) / (1 + 2/3) ≈ 3.4× the active.
    let ratio = (m["params_total"] as! Double) / (m["params_active"] as! Double)
    XCTAssertGreaterThan(ratio, 3)
    XCTAssertLessThan(ratio, 4)
    // The proposed shape lands within 5% of the law's N (shapes come in steps).
    XCTAssertEqual((m["shape_params_active"] as! Double) / (dense["params"] as! Double), 1, accuracy: 0.05)
    XCTAssertTrue((j["comparison"] as! String).hasPrefix("same loss"), j["comparison"] as! String)
  }

  func testTheLawsNAsTheTotalCountSpendsTheBudgetOnActiveParameters() throws {
    let j = try json([
      "plan", "--flops", "1e23", "--experts", "8", "--active-experts", "1", "--moe-law-params", "total", "--format", "json",
    ])
    let dense = j["dense"] as! [String: Any], moe = j["moe"] as! [String: Any], m = moe["moe"] as! [String: Any]
    // Training FLOPs are 6 N_active D: the budget exactly.
    XCTAssertEqual(6 * (m["params_active"] as! Double) * (moe["tokens"] as! Double), 1e23, accuracy: 1e23 * 1e-9)
    XCTAssertEqual(moe["flops"] as! Double, 1e23)
    XCTAssertEqual(m["params_total"] as! Double, moe["params"] as! Double)
    // Crediting every expert as dense buys a lower loss than the dense model at the same budget.
    XCTAssertLessThan(moe["loss"] as! Double, dense["loss"] as! Double)
    XCTAssertGreaterThan(moe["params"] as! Double, dense["params"] as! Double)
  }

  func testDenseOrMixtureForABudgetAndServingLoadIsOneCommand() throws {
    let j = try json([
      "plan", "--flops", "1e22", "--inference-tokens", "1e12", "--serving", "--gpu", "h100-sxm", "--usd-per-gpu-hour", "2",
      "--weight-bits", "8", "--experts", "8", "--active-experts", "1", "--format", "json",
    ])
    let dense = (j["dense"] as! [String: Any])["serving"] as! [String: Any]
    let moe = (j["moe"] as! [String: Any])["serving"] as! [String: Any]
    let best = moe["best"] as! [String: Any], denseBest = dense["best"] as! [String: Any]
    XCTAssertGreaterThan(best["params_total"] as! Double, 4 * (best["params_active"] as! Double))
    XCTAssertEqual(denseBest["params_total"] as! Double, denseBest["params_active"] as! Double)
    XCTAssertEqual(best["training_flops"] as! Double, 6 * (best["params_active"] as! Double) * (best["tokens"] as! Double), accuracy: 1e10)
    let cheaper = (denseBest["total_usd"] as! Double) <= (best["total_usd"] as! Double) ? "dense" : "mixture of experts"
    XCTAssertTrue((j["comparison"] as! String).contains("the \(cheaper) model is cheaper by"), j["comparison"] as! String)
  }

  func testBadExpertFlagsAreUsageErrors() throws {
    let cases: [([String], String)] = [
      (["--active-experts", "2"], "--active-experts needs --experts."),
      (["--experts", "8"], "--experts needs --active-experts"),
      (["--experts", "8", "--active-experts", "9"], "--active-experts (9) exceeds --experts (8)"),
      (["--experts", "8", "--active-experts", "2", "--format", "csv"], "--experts prints a dense and a mixture-of-experts answer"),
      (["--experts", "8", "--active-experts", "2", "--moe-law-params", "total", "--inference-tokens", "1e12"], "--moe-law-params total with --inference-tokens needs --serving"),
    ]
    for (args, message) in cases {
      let r = try CLI.run(["plan", "--flops", "1e23"] + args)
      XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
    }
  }
}

/// Issue 34, item 4: the dense-or-mixture summary speaks of the law's own count.
final class ExpertSummaryCountTests: XCTestCase {
  func testTotalCountSummaryComparesTheMixturesOwnCompute() throws {
    let r = try CLI.run(["plan", "--params", "7B", "--experts", "8", "--active-experts", "2", "--moe-law-params", "total", "--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let comparison = doc["comparison"] as! String
    XCTAssertFalse(comparison.contains("active count"), comparison)
    XCTAssertTrue(comparison.contains("the law's N is the total count"), comparison)
    let dense = (doc["dense"] as! [String: Any])["flops"] as! Double
    let moe = (doc["moe"] as! [String: Any])["flops"] as! Double
    XCTAssertLessThan(moe, dense)
    XCTAssertTrue(comparison.contains(String(format: "%.4g", moe)) && comparison.contains(String(format: "%.4g", dense)), comparison)
    let active = try CLI.run(["plan", "--params", "7B", "--experts", "8", "--active-experts", "2", "--format", "json"])
    let a = try JSONSerialization.jsonObject(with: Data(active.stdout.utf8)) as! [String: Any]
    XCTAssertTrue((a["comparison"] as! String).contains("(the law's N is the active count)"))
  }
}
