import Foundation
import XCTest

final class ServeCommandTests: XCTestCase {
  func testJSONContractKeysForLlama2() throws {
    let r = try CLI.run([
      "serve", "--layers", "32", "--d-model", "4096", "--heads", "32", "--ffn-mult", "2.6875", "--swiglu",
      "--vocab", "32000", "--context", "4096", "--usd-per-gpu-hour", "2", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    for k in [
      "weight_bytes", "kv_cache_bytes_per_token", "kv_cache_bytes_per_sequence", "max_batch", "prefill_flops_per_token",
      "decode_tokens_per_second", "decode_tokens_per_second_total", "bound", "usd_per_million_output_tokens",
    ] {
      XCTAssertNotNil(j[k], k)
    }
    XCTAssertEqual(j["kv_cache_bytes_per_token"] as? Double, 524_288)
    XCTAssertEqual(j["kv_cache_bytes_per_sequence"] as? Double, 2_147_483_648)
    XCTAssertEqual(j["bound"] as? String, "memory")
    XCTAssertEqual(j["max_batch"] as? Int, 27)
  }

  func testBadInputIsAUsageErrorAndWritesNothing() throws {
    let dir = try temporaryDirectory(self)
    let out = dir + "/serve.json"
    let cases: [([String], String)] = [
      (["--layers", "32", "--d-model", "4096", "--heads", "32", "--kv-heads", "5"], "--kv-heads (5) must divide --heads (32)."),
      (["--params", "7B", "--weight-bits", "3"], "--weight-bits must be one of 16, 8, 4, 1.58 (got 3.0)."),
      (["--params", "7B", "--kv-bits", "2"], "--kv-bits must be one of 16, 8, 4 (got 2.0)."),
      (["--params", "0"], "--params must be positive (got 0.0)."),
      (["--layers", "0", "--d-model", "4096", "--heads", "32"], "--layers must be at least 1."),
      (["--params", "7B", "--batch", "64"], "--batch 64 does not fit"),
      (["--params", "70B"], "the weights (140 GB at 16 bits) do not fit in 1 x h100-sxm"),
    ]
    for (args, message) in cases {
      let r = try CLI.run(["serve"] + args + ["--output", out])
      XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
      XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(args)")
    }
  }

  func testPlanWithServingReportsTheSplitAndTheSaving() throws {
    let r = try CLI.run([
      "plan", "--flops", "1e23", "--inference-tokens", "2e12", "--serving", "--gpu", "h100-sxm",
      "--usd-per-gpu-hour", "2", "--weight-bits", "8", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let s = j["serving"] as! [String: Any]
    let best = s["best"] as! [String: Any], chin = s["chinchilla"] as! [String: Any]
    XCTAssertEqual((best["training_usd"] as! Double) + (best["inference_usd"] as! Double), best["total_usd"] as! Double, accuracy: 1e-6)
    XCTAssertLessThan(best["params"] as! Double, chin["params"] as! Double)
    XCTAssertGreaterThan(s["saving_fraction"] as! Double, 0)
    let missing = try CLI.run(["plan", "--flops", "1e23", "--inference-tokens", "2e12", "--serving", "--gpu", "h100-sxm"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.contains("--serving needs --usd-per-gpu-hour"), missing.stderr)
  }
}
