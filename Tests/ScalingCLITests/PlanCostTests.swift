import Foundation
import XCTest

/// Issue 22, items 5 and 6: the cost question, what a plan with inference demand holds, and
/// numbers on the command line.
final class PlanCostTests: XCTestCase {
  func json(_ args: [String]) throws -> [String: Any] {
    let r = try CLI.run(["plan"] + args + ["--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
  }

  func testSevenBOnTwoTrillionTokens() throws {
    let r = try CLI.run(["plan", "--params", "7B", "--tokens", "2T", "--gpu", "h100-sxm", "--usd-per-gpu-hour", "2"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("    compute      = 8.4e+22 FLOPs\n"), r.stdout)
    XCTAssertTrue(r.stdout.contains("    tokens/param = 285.7\n"), r.stdout)
    // 8.4e22 / (989.4e12 * 0.4) / 3600 GPU-hours, $2 each.
    let hours = 8.4e22 / (989.4e12 * 0.4) / 3600
    XCTAssertTrue(r.stdout.contains("    GPU-hours    = \(String(format: "%.4g", hours))\n"), r.stdout)
    XCTAssertTrue(r.stdout.contains("    cost         = $\(String(format: "%.4g", 2 * hours))\n"), r.stdout)
    // The loss is the law's at (7B, 2T): chinchilla-epoch E + A/N^alpha + B/D^beta.
    let j = try json(["--params", "7B", "--tokens", "2T"])
    let loss = j["loss"] as! Double
    let expected = 1.8172 + 482.01 / pow(7e9, 0.3478) + 2085.43 / pow(2e12, 0.3658)
    XCTAssertEqual(loss, expected, accuracy: 1e-9)
    XCTAssertEqual(j["flops"] as! Double, 6 * 7e9 * 2e12, accuracy: 1)
    let t = try CLI.run(["plan", "--params", "7B", "--tokens", "2T", "--target-loss", "2"])
    XCTAssertEqual(t.status, 2)
    XCTAssertTrue(t.stderr.contains("--params with --tokens fixes the run; --target-loss asks for the tokens instead"), t.stderr)
  }

  func testInferenceDemandSaysWhatItHolds() throws {
    let loss = try CLI.run(["plan", "--flops", "1e23", "--inference-tokens", "1e12"])
    XCTAssertEqual(loss.status, 0, loss.stderr)
    XCTAssertTrue(loss.stdout.contains("    note         = held: the loss "), loss.stdout)
    XCTAssertTrue(loss.stdout.contains("--hold budget holds the lifetime FLOPs instead"), loss.stdout)
    let j = try json(["--flops", "1e23", "--inference-tokens", "1e12", "--hold", "budget"])
    let n = j["params"] as! Double, d = j["tokens"] as! Double
    // Training plus inference spend the budget.
    XCTAssertEqual(6 * n * d + 2 * n * 1e12, 1e23, accuracy: 1e23 * 1e-9)
    XCTAssertTrue((j["notes"] as! [String]).contains { $0.hasPrefix("held: the lifetime budget, 1e+23 FLOPs") })
    // No other split of the same lifetime budget reaches a lower loss (chinchilla-epoch).
    func lossAt(_ n: Double) -> Double {
      let d = (1e23 - 2 * n * 1e12) / (6 * n)
      return 1.8172 + 482.01 / pow(n, 0.3478) + 2085.43 / pow(d, 0.3658)
    }
    for f in [0.9, 0.97, 1.03, 1.1] { XCTAssertLessThan(lossAt(n), lossAt(n * f)) }
    let bad = try CLI.run(["plan", "--params", "7B", "--hold", "budget"])
    XCTAssertEqual(bad.status, 2)
    XCTAssertTrue(bad.stderr.contains("--hold budget goes with --inference-tokens"), bad.stderr)
  }

  func testNumbersOnTheCommandLine() throws {
    // A negative value reaches the option's range check instead of "Missing value".
    let neg = try CLI.run(["plan", "--params", "-5"])
    XCTAssertEqual(neg.status, 2)
    XCTAssertTrue(neg.stderr.hasPrefix("Error: --params must be a positive finite number (got -5.0)."), neg.stderr)
    let boot = try CLI.run(["fit", fixture("small.csv"), "--bootstrap", "-5"])
    XCTAssertEqual(boot.status, 2)
    XCTAssertTrue(boot.stderr.hasPrefix("Error: --bootstrap must be between 0 and 1000000 (got -5)."), boot.stderr)
    // A size suffix after an exponent is refused, not read as 7e18.
    let both = try CLI.run(["plan", "--params", "7e9B"])
    XCTAssertEqual(both.status, 2)
    XCTAssertTrue(both.stderr.hasPrefix("Error: The value '7e9B' is invalid for '--params <params>'"), both.stderr)
    // A small ratio keeps its significant digits.
    let small = try CLI.run(["plan", "--params", "70B", "--tokens", "1B"])
    XCTAssertTrue(small.stdout.contains("    tokens/param = 0.0143\n"), small.stdout)
  }
}

/// Issue 34, item 4: a fixed run stays fixed whatever else is asked.
final class FixedRunTests: XCTestCase {
  func testInferenceAddsCostAndNeverMovesTheRun() throws {
    let r = try CLI.run(["plan", "--params", "7B", "--tokens", "2T", "--inference-tokens", "1T", "--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(doc["params"] as! Double, 7e9)
    XCTAssertEqual(doc["tokens"] as! Double, 2e12)
    XCTAssertEqual(doc["flops"] as! Double, 6 * 7e9 * 2e12, accuracy: 1e9)
    let inference = doc["inference"] as! [String: Any]
    XCTAssertEqual(inference["inference_flops"] as! Double, 2 * 7e9 * 1e12, accuracy: 1e6)
    let plain = try CLI.run(["plan", "--params", "7B", "--tokens", "2T", "--format", "json"])
    let p = try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(doc["loss"] as! Double, p["loss"] as! Double)
  }

  func testKaplanGivesOneLossForOneRunFromTheCommandLine() throws {
    func loss(_ args: [String]) throws -> Double {
      let r = try CLI.run(["plan", "--law", "kaplan", "--format", "json"] + args)
      XCTAssertEqual(r.status, 0, r.stderr)
      return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["loss"] as! Double
    }
    let r = try CLI.run(["plan", "--law", "kaplan", "--params", "7B", "--format", "json"])
    let tokens = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["tokens"] as! Double
    XCTAssertEqual(try loss(["--params", "7B"]), try loss(["--params", "7B", "--tokens", String(tokens)]), accuracy: 1e-12)
  }
}
