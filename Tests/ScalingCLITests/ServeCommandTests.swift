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

  func json(_ args: [String]) throws -> [String: Any] {
    let r = try CLI.run(args)
    XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
    return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
  }

  func testPresetGoldenValues() throws {
    let mixtral = try json(["serve", "--model", "mixtral-8x7b", "--gpus", "2", "--format", "json"])
    XCTAssertEqual(mixtral["params_total"] as! Double, 46_702_526_464)
    XCTAssertEqual(mixtral["params_active"] as! Double, 12_879_659_008)
    XCTAssertEqual(mixtral["kv_cache_bytes_per_token"] as? Double, 131_072)
    XCTAssertEqual(mixtral["decode_tokens_per_second"] as! Double, 258.4, accuracy: 0.1)
    let ds = try json(["serve", "--model", "deepseek-v3", "--gpu", "h200", "--gpus", "8", "--weight-bits", "8", "--format", "json"])
    XCTAssertEqual(ds["kv_cache_bytes_per_token"] as? Double, 70_272)
    let oss = try json(["serve", "--model", "gpt-oss-120b", "--gpus", "4", "--context", "8192", "--format", "json"])
    XCTAssertEqual(oss["kv_cache_bytes_per_sequence"] as? Double, 306_708_480)
    let mamba = try json(["serve", "--model", "mamba2-2.7b", "--context", "2048", "--format", "json"])
    let mambaLong = try json(["serve", "--model", "mamba2-2.7b", "--context", "32768", "--format", "json"])
    XCTAssertEqual(mamba["kv_cache_bytes_per_token"] as? Double, 0)
    XCTAssertEqual(mamba["kv_cache_bytes_per_sequence"] as? Double, 0)
    XCTAssertEqual(mamba["state_bytes_per_sequence"] as? Double, 85_950_464)
    XCTAssertEqual(mambaLong["state_bytes_per_sequence"] as? Double, 85_950_464)
    let llama = try json(["serve", "--model", "llama-3-70b", "--gpus", "4", "--format", "json"])
    XCTAssertEqual(llama["kv_cache_bytes_per_token"] as? Double, 327_680)
  }

  func testExplicitShapeFlagsGiveTheGoldenValues() throws {
    let mixtral = try json([
      "serve", "--layers", "32", "--d-model", "4096", "--heads", "32", "--kv-heads", "8", "--ffn-dim", "14336", "--swiglu",
      "--vocab", "32000", "--experts", "8", "--active-experts", "2", "--gpus", "2", "--format", "json",
    ])
    XCTAssertEqual(mixtral["params_active"] as! Double, 12_879_659_008)
    XCTAssertEqual(mixtral["decode_tokens_per_second"] as! Double, 258.4, accuracy: 0.1)
    let ds = try json([
      "flops", "--layers", "61", "--d-model", "7168", "--heads", "128", "--mla-kv-rank", "512", "--mla-rope-dim", "64",
      "--format", "json",
    ])
    XCTAssertEqual(ds["kv_cache_bytes_per_token_bf16"] as? Double, 70_272)
    let oss = try json([
      "serve", "--layers", "36", "--d-model", "2880", "--heads", "64", "--kv-heads", "8", "--head-dim", "64",
      "--ffn-dim", "2880", "--swiglu", "--vocab", "201088", "--experts", "128", "--active-experts", "4",
      "--sliding-window", "128", "--global-every", "2", "--gpus", "4", "--context", "8192", "--format", "json",
    ])
    XCTAssertEqual(oss["kv_cache_bytes_per_sequence"] as? Double, 306_708_480)
    let mamba = try json([
      "serve", "--layers", "64", "--d-model", "2560", "--ssm-layers", "64", "--ssm-state", "128", "--ssm-head-dim", "64",
      "--ffn-dim", "0", "--vocab", "50288", "--tied-embeddings", "--format", "json",
    ])
    XCTAssertEqual(mamba["kv_cache_bytes_per_token"] as? Double, 0)
    XCTAssertEqual(mamba["state_bytes_per_sequence"] as? Double, 85_950_464)
  }

  /// Every preset with all its values passed as flags (the ones --list-models prints) gives the
  /// same bytes out, from `serve` and from `flops`.
  func testEveryPresetEqualsItsFlags() throws {
    let r = try CLI.run(["serve", "--list-models", "--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let list = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
    XCTAssertEqual(
      list.map { $0["name"] as! String },
      ["llama-3-8b", "llama-3-70b", "mixtral-8x7b", "deepseek-v3", "gpt-oss-120b", "gemma-2-9b", "mamba2-2.7b", "jamba-1.5-mini"])
    for p in list {
      let name = p["name"] as! String, flags = p["flags"] as! [String]
      let hw = ["--gpu", "b200", "--gpus", "8", "--weight-bits", "8", "--format", "json"]
      let a = try CLI.run(["serve", "--model", name] + hw), b = try CLI.run(["serve"] + flags + hw)
      XCTAssertEqual(a.status, 0, "\(name): \(a.stderr)")
      XCTAssertEqual(a.stdout, b.stdout, name)
      let fa = try CLI.run(["flops", "--model", name, "--format", "json"]), fb = try CLI.run(["flops"] + flags + ["--format", "json"])
      XCTAssertEqual(fa.status, 0, "\(name): \(fa.stderr)")
      XCTAssertEqual(fa.stdout, fb.stdout, name)
    }
    // A flag over a preset wins.
    let three = try json(["serve", "--model", "mixtral-8x7b", "--active-experts", "3", "--gpus", "2", "--format", "json"])
    XCTAssertEqual(three["params_active"] as! Double, 12_879_659_008 + 32 * 176_160_768)
  }

  func testArchitectureBadInputIsAUsageErrorAndWritesNothing() throws {
    let dir = try temporaryDirectory(self)
    let out = dir + "/serve.json"
    let cases: [([String], String)] = [
      (["--model", "mixtral-8x7b", "--active-experts", "9"], "--active-experts (9) exceeds --experts (8)"),
      (["--layers", "8", "--d-model", "512", "--heads", "8", "--experts", "4", "--active-experts", "5"], "--active-experts (5) exceeds --experts (4)"),
      (["--layers", "8", "--d-model", "512", "--heads", "8", "--ssm-state", "16"], "--ssm-state needs --ssm-layers"),
      (["--layers", "8", "--d-model", "512", "--heads", "8", "--ssm-head-dim", "64"], "--ssm-head-dim needs --ssm-layers"),
      (["--model", "llama-4"], "Unknown model 'llama-4'. Known: llama-3-8b, llama-3-70b, mixtral-8x7b, deepseek-v3, gpt-oss-120b, gemma-2-9b, mamba2-2.7b, jamba-1.5-mini"),
      (["--model", "llama-3-8b", "--weight-bits", "8", "--fp8", "--gpu", "a100"], "--fp8: a100 has no FP8 tensor cores"),
      (["--model", "llama-3-8b", "--fp8"], "--fp8 needs --weight-bits 8 or fewer"),
      (["--layers", "8", "--d-model", "512", "--heads", "8", "--global-every", "2"], "--global-every needs --sliding-window"),
      (["--layers", "8", "--d-model", "512", "--heads", "8", "--sliding-window", "64", "--layer-pattern", "LXG"], "--layer-pattern 'LXG' must be made of L (windowed) and G (global)"),
      (["--layers", "8", "--d-model", "512", "--heads", "8", "--ssm-layers", "9"], "--ssm-layers (9) must be between 1 and --layers (8)"),
      (["--layers", "8", "--d-model", "512", "--heads", "8", "--mla-rope-dim", "64"], "--mla-rope-dim needs --mla-kv-rank"),
      (["--params", "7B", "--experts", "8"], "--experts describes a shape"),
    ]
    for (args, message) in cases {
      let r = try CLI.run(["serve"] + args + ["--output", out])
      XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
      XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(args)")
    }
    // A window as long as the context is said, not refused.
    let r = try CLI.run(["serve", "--model", "gemma-2-9b", "--context", "2048"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("note         = the sliding window (4096 tokens) is not shorter than the context (2048)"), r.stdout)
  }
}

/// Issue 34, item 3: shapes and prefill that hold at every size.
final class ShapeAtEverySizeTests: XCTestCase {
  /// `plan --params N --shape` at every decade from 1M to 100T: the first shape's matched count
  /// (stated in `shapes_match`) within 3% of N.
  func testPlanShapeIsWithinThreePercentAtEveryDecade() throws {
    for e in 6...14 {
      let n = pow(10.0, Double(e))
      let r = try CLI.run(["plan", "--params", "1e\(e)", "--shape", "--format", "json"])
      XCTAssertEqual(r.status, 0, r.stderr)
      let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
      let match = json["shapes_match"] as! String
      let first = (json["shapes"] as! [[String: Any]])[0]
      let count = first[match == "total" ? "params_total" : "params_non_embedding"] as! Double
      XCTAssertEqual(count / n, 1, accuracy: 0.03, "1e\(e): \(first)")
      XCTAssertEqual(match, e >= 7 ? "total" : "non-embedding", "1e\(e)")
      let layers = first["layers"] as! Int, width = first["d_model"] as! Int
      XCTAssertTrue((16.0...512).contains(Double(width) / Double(layers)), "1e\(e): \(layers) x \(width)")
    }
    // Kaplan's N is non-embedding parameters.
    let k = try CLI.run(["plan", "--law", "kaplan", "--params", "7B", "--shape"])
    XCTAssertTrue(k.stdout.contains("    shapes match = N as non-embedding parameters\n"), k.stdout)
  }

  /// `serve --params 5T` on the same rule: hundreds of layers, not a 2-layer fallback.
  func testServeAtFiveTrillionHasARealShape() throws {
    let r = try CLI.run(["serve", "--params", "5T", "--gpus", "512", "--format", "json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let kv = json["kv_cache_bytes_per_token"] as! Double
    XCTAssertGreaterThan(kv, 1e7, "\(json)")
  }

  /// Prefill attends over the prompt's positions: the prefill time does not depend on --context,
  /// and it grows with the prompt.
  func testPrefillFollowsThePromptNotTheContext() throws {
    func prefill(_ args: [String]) throws -> Double {
      let r = try CLI.run(["serve", "--model", "llama-3-8b", "--format", "json"] + args)
      XCTAssertEqual(r.status, 0, r.stderr)
      let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
      return json["prefill_seconds"] as! Double
    }
    let short = try prefill(["--context", "4096", "--prompt-tokens", "1024", "--batch", "1"])
    let long = try prefill(["--context", "131072", "--prompt-tokens", "1024", "--batch", "1"])
    XCTAssertEqual(short, long, accuracy: short * 1e-12)
    let bigger = try prefill(["--context", "131072", "--prompt-tokens", "65536", "--batch", "1"])
    XCTAssertGreaterThan(bigger / 64, short * 1.5, "attention's share grows with the prompt")
  }
}
