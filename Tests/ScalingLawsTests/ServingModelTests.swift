import XCTest
@testable import ScalingLaws

/// Golden values of issue 12, each by independent arithmetic (not by the model's formulas).
final class ServingModelTests: XCTestCase {
  let h100 = GPU.named("h100-sxm")!

  func config(_ body: (inout ServingModel.Configuration) -> Void = { _ in }) -> ServingModel.Configuration {
    var c = ServingModel.Configuration(gpu: h100)
    body(&c)
    return c
  }

  /// Llama-2-7B: 32 layers, d 4096, 32 heads, 32 KV heads, head dim 128, SwiGLU d_ff 11008, vocab 32000.
  var llama2: TransformerShape {
    TransformerShape(layers: 32, dModel: 4096, heads: 32, ffnMultiplier: 11008.0 / 4096, swiglu: true, vocab: 32_000)
  }
  /// Llama-3-8B: 32 layers, d 4096, 32 heads, 8 KV heads, head dim 128, d_ff 14336, vocab 128256.
  var llama3: TransformerShape {
    TransformerShape(layers: 32, dModel: 4096, heads: 32, kvHeads: 8, ffnMultiplier: 14336.0 / 4096, swiglu: true, vocab: 128_256)
  }

  func testKVCacheBytesOfLlama2And3() throws {
    let m2 = ServingModel(shape: llama2)
    XCTAssertEqual(m2.kvBytesPerToken(config()), 524_288)
    XCTAssertEqual(m2.kvBytesPerSequence(config { $0.context = 4096 }), 2 * 1_073_741_824)
    // The shape's own parameter count: 6.74e9 (Llama 2 paper's "7B").
    XCTAssertEqual(m2.params / 1e9, 6.738, accuracy: 0.001)
    let m3 = ServingModel(shape: llama3)
    XCTAssertEqual(m3.kvBytesPerToken(config()), 131_072)
    XCTAssertEqual(m3.kvBytesPerSequence(config { $0.context = 8192 }), 1_073_741_824)
    // 8-bit and 4-bit KV halve and quarter it.
    XCTAssertEqual(m3.kvBytesPerToken(config { $0.kvBits = 4 }), 32_768)
  }

  func testMemoryBoundDecodeOfA7BModelOnOneH100() throws {
    let m = ServingModel(params: 6.74e9, shape: llama2)
    XCTAssertEqual(m.weightBytes(config()), 1.348e10)
    // 3.35e12 B/s / 1.348e10 B = 248.5 tokens/s ignoring the KV cache; 4-bit weights: 994.
    XCTAssertEqual(1 / m.memoryBoundStep(config(), batch: 1, cacheTokens: 0), 248.5, accuracy: 0.05)
    XCTAssertEqual(1 / m.memoryBoundStep(config { $0.weightBits = 4 }, batch: 1, cacheTokens: 0), 994.0, accuracy: 0.1)
    XCTAssertEqual(m.weightBytes(config { $0.weightBits = 1.58 }), 6.74e9 * 1.58 / 8, accuracy: 1)
    // One short request: memory-bound, just under 248.5 tokens/s (one cached token read).
    let e = try m.estimate(config { $0.promptTokens = 0; $0.outputTokens = 1; $0.context = 8 })
    XCTAssertEqual(e.bound, "memory")
    XCTAssertEqual(e.decodeTokensPerSecond, 248.5, accuracy: 0.05)
    XCTAssertLessThan(e.decodeTokensPerSecond, 3.35e12 / 1.348e10)
  }

  func testMaxBatchAndTheBatchThatDoesNotFit() throws {
    let m = ServingModel(shape: llama2)
    let c = config { $0.context = 4096 }
    // (0.9 × 80e9 − 13.476e9 weights) / 2 GiB per sequence = 27.25 → 27.
    XCTAssertEqual(m.maxBatch(c), 27)
    XCTAssertNoThrow(try m.estimate(config { $0.batch = 27 }))
    XCTAssertThrowsError(try m.estimate(config { $0.batch = 28 })) { error in
      XCTAssertEqual(
        "\(error)",
        "batch 28 does not fit: 28 sequences of 4096 tokens need 60.1 GB of KV cache, 58.5 GB is left after the weights (short by 1.61 GB); at most 27 sequences fit")
    }
    let big = ServingModel(params: 70e9, shape: llama2)
    XCTAssertThrowsError(try big.estimate(config())) { error in
      XCTAssertEqual(
        "\(error)",
        "the weights (140 GB at 16 bits) do not fit in 1 x h100-sxm (72 GB usable at memory fraction 0.9); use more GPUs or fewer bits")
    }
    XCTAssertNoThrow(try big.estimate(config { $0.gpus = 4 }))
  }

  func testLargeBatchesBecomeComputeBound() throws {
    let m = ServingModel(params: 1e9, shape: TransformerShape.proposals(near: 1e9, count: 1)[0])
    // Short requests: the KV read per sequence (a few MB) is cheaper than its 2N FLOPs, so a
    // large batch turns compute-bound; one sequence is memory-bound on the weights.
    let e1 = try m.estimate(config { $0.batch = 1; $0.context = 2048; $0.promptTokens = 16; $0.outputTokens = 16 })
    XCTAssertEqual(e1.bound, "memory")
    let eBig = try m.estimate(config { $0.batch = nil; $0.context = 2048; $0.promptTokens = 16; $0.outputTokens = 16 })
    XCTAssertEqual(eBig.bound, "compute")
    XCTAssertGreaterThan(eBig.decodeTokensPerSecondTotal, 10 * e1.decodeTokensPerSecondTotal)
  }

  /// Fewer KV heads, fewer bits or a shorter context never raise the cost; the memory-bound
  /// throughput never exceeds bandwidth / weight bytes.
  func testCostIsMonotoneInKVHeadsBitsAndContext() throws {
    for layers in [8, 24, 48] {
      for kv in [1, 2, 4, 8, 16] {
        let base = TransformerShape(layers: layers, dModel: 2048, heads: 16, kvHeads: kv)
        let fewer = TransformerShape(layers: layers, dModel: 2048, heads: 16, kvHeads: max(1, kv / 2))
        for batch in [1, 8] {
          let c = config { $0.batch = batch; $0.usdPerGPUHour = 2; $0.context = 4096; $0.promptTokens = 2000; $0.outputTokens = 1000 }
          let cost = try ServingModel(shape: base).estimate(c).usdPerMillionOutputTokens!
          XCTAssertLessThanOrEqual(try ServingModel(shape: fewer).estimate(c).usdPerMillionOutputTokens!, cost)
          for wb in [8.0, 4, 1.58] {
            var lower = c
            lower.weightBits = wb
            XCTAssertLessThanOrEqual(try ServingModel(shape: base).estimate(lower).usdPerMillionOutputTokens!, cost)
          }
          for kb in [8.0, 4] {
            var lower = c
            lower.kvBits = kb
            XCTAssertLessThanOrEqual(try ServingModel(shape: base).estimate(lower).usdPerMillionOutputTokens!, cost)
          }
          var shorter = c
          shorter.promptTokens = 500
          XCTAssertLessThanOrEqual(try ServingModel(shape: base).estimate(shorter).usdPerMillionOutputTokens!, cost)
          let m = ServingModel(shape: base)
          for cache in [0.0, 100, 4096] {
            let tps = 1 / m.memoryBoundStep(c, batch: 1, cacheTokens: cache)
            XCTAssertLessThanOrEqual(tps, 3.35e12 / m.weightBytes(c) * (1 + 1e-15))
          }
        }
      }
    }
  }

  func testServingAwarePlanBeatsChinchillaInDollarsWithHeavyInference() throws {
    let epoch = ChinchillaConstants.named.first { $0.name == "chinchilla-epoch" }!
    let training = Hardware(peakTFLOPs: 989.4, gpuName: "h100-sxm", mfu: 0.4, usdPerGPUHour: 2)
    let serving = config { $0.batch = nil; $0.usdPerGPUHour = 2; $0.weightBits = 8 }
    let planner = ServingAwarePlanner(constants: epoch, training: training, serving: serving)
    let loss = epoch.optimalLoss(flops: 1e23)
    let light = try planner.plan(loss: loss, outputTokens: 1e9)
    let heavy = try planner.plan(loss: loss, outputTokens: 2e12)
    // Little inference: close to the Chinchilla model; heavy inference: a smaller model, more tokens.
    XCTAssertLessThan(abs(log(light.best.params / light.chinchilla.params)), 0.3)
    XCTAssertLessThan(heavy.best.params, 0.6 * heavy.chinchilla.params)
    XCTAssertGreaterThan(heavy.savingFraction, 0.2)
    XCTAssertLessThanOrEqual(heavy.best.totalUSD, heavy.chinchilla.totalUSD)
    // Each option reaches the loss.
    XCTAssertEqual(epoch.optimalLoss(flops: 1e23), epoch.E + epoch.A / pow(heavy.best.params, epoch.alpha) + epoch.B / pow(heavy.best.tokens, epoch.beta), accuracy: 1e-9)
  }

  func testServingCostFigureFallsWithFewerBitsAndStopsWhereWeightsDoNotFit() throws {
    let epoch = ChinchillaConstants.named.first { $0.name == "chinchilla-epoch" }!
    let script = try XCTUnwrap(
      ReportFigures.servingCost(constants: epoch, loss: 2.1, serving: config { $0.batch = nil; $0.usdPerGPUHour = 2 }))
    let rows = script.blocks[0].rows
    XCTAssertEqual(script.blocks[0].columns, ["params", "usd_per_M_16.0", "usd_per_M_8.0", "usd_per_M_4.0", "usd_per_M_1.58"])
    XCTAssertEqual(rows.count, 60)
    for r in rows where r[1].isFinite {
      XCTAssertLessThanOrEqual(r[2], r[1])
      XCTAssertLessThanOrEqual(r[3], r[2])
      XCTAssertLessThanOrEqual(r[4], r[3])
    }
    // 16-bit weights of 40B+ parameters (80 GB) cannot fit in 72 GB usable on one H100.
    XCTAssertTrue(rows.filter { $0[0] > 40e9 }.allSatisfy { $0[1].isNaN })
    XCTAssertTrue(rows.contains { $0[0] > 40e9 && $0[4].isFinite })
  }
}
