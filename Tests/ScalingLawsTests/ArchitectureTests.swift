import XCTest
@testable import ScalingLaws

/// Golden values of issue 24, each by independent arithmetic from the public configs (written out
/// in the comments), reproduced from explicit shapes and from the presets.
final class ArchitectureTests: XCTestCase {
  func config(_ gpu: String = "h100-sxm", _ body: (inout ServingModel.Configuration) -> Void = { _ in }) -> ServingModel.Configuration {
    var c = ServingModel.Configuration(gpu: GPU.named(gpu)!)
    body(&c)
    return c
  }

  func testLlama3_70BCachesEightyLayersOfEightKVHeads() {
    // 80 layers × 8 KV heads × 128 head dim × 2 (K, V) × 2 bytes = 327,680.
    let s = TransformerShape(layers: 80, dModel: 8192, heads: 64, kvHeads: 8, swiglu: true, vocab: 128_256, ffnDimension: 28_672)
    XCTAssertEqual(s.kvBytesPerToken(bits: 16), 327_680)
    XCTAssertEqual(ModelPreset.named("llama-3-70b")!.shape.kvBytesPerToken(bits: 16), 327_680)
    XCTAssertEqual(s.totalParams / 1e9, 70.55, accuracy: 0.01)
  }

  var mixtral: TransformerShape {
    TransformerShape(
      layers: 32, dModel: 4096, heads: 32, kvHeads: 8, swiglu: true, vocab: 32_000, ffnDimension: 14_336,
      experts: MixtureOfExperts(experts: 8, active: 2))
  }

  func testMixtralTotalActiveCacheAndDecodeSpeed() throws {
    // Attention 32 × (2·4096² + 2·4096·1024) = 1,342,177,280; one expert 3·4096·14336 = 176,160,768;
    // router 32·4096·8 = 1,048,576; embeddings 2·32000·4096 = 262,144,000.
    let expert = 176_160_768.0, common = 1_342_177_280.0 + 1_048_576 + 262_144_000
    XCTAssertEqual(mixtral.activeParams, common + 32 * 2 * expert)  // 12,879,659,008: "12.9B active"
    XCTAssertEqual(mixtral.totalParams, common + 32 * 8 * expert)  // 46,702,526,464: "46.7B"
    XCTAssertEqual(mixtral.kvBytesPerToken(bits: 16), 131_072)
    XCTAssertEqual(ModelPreset.named("mixtral-8x7b")!.shape, mixtral.with { $0.context = 32_768 })
    // fp16, batch 1, two H100 SXM: (2 × 12,879,659,008 + 1,280 cached tokens × 131,072) bytes
    // / 6.7e12 B/s = 3.8697 ms per token → 258.4 tokens/s (memory-bound).
    var s = mixtral
    s.context = 4096
    let e = try ServingModel(shape: s).estimate(config { $0.gpus = 2 })
    XCTAssertEqual(e.bound, "memory")
    XCTAssertEqual(e.decodeTokensPerSecond, 6.7e12 / (2 * 12_879_659_008 + 1280 * 131_072), accuracy: 1e-6)
    XCTAssertEqual(e.decodeTokensPerSecond, 258.4, accuracy: 0.1)
    XCTAssertEqual(e.weightBytes, 2 * 46_702_526_464)
  }

  func testExpertsABatchTouches() {
    let m = MixtureOfExperts(experts: 8, active: 2)
    XCTAssertEqual(m.expectedExpertsTouched(batch: 1), 2, accuracy: 1e-12)
    // 8 · (1 − 0.75²) = 3.5 at batch 2; almost all 8 at batch 64.
    XCTAssertEqual(m.expectedExpertsTouched(batch: 2), 3.5, accuracy: 1e-12)
    XCTAssertEqual(m.expectedExpertsTouched(batch: 64), 8, accuracy: 1e-6)
    let expert = 176_160_768.0
    XCTAssertEqual(mixtral.paramsRead(batch: 2), mixtral.totalParams - 32 * 4.5 * expert, accuracy: 1)
  }

  func testDeepSeekV3LatentCacheAndCounts() {
    // 61 layers × (512 latent + 64 RoPE key) × 2 bytes = 70,272 per token.
    let s = ModelPreset.named("deepseek-v3")!.shape
    XCTAssertEqual(s.kvBytesPerToken(bits: 16), 70_272)
    let explicit = TransformerShape(
      layers: 61, dModel: 7168, heads: 128, kvHeads: 1, vocab: 129_280, ffnDimension: 18_432,
      latentAttention: LatentAttention(kvRank: 512, ropeDim: 64))
    XCTAssertEqual(explicit.kvBytesPerToken(bits: 16), 70_272)
    // Per layer: q 7168·1536 + 1536·128·192, latent 7168·576, up 512·128·256, out 128·128·7168
    // = 187,105,280 × 61; dense MLPs 3 × 3·7168·18432; 58 MoE layers × (265 experts of
    // 3·7168·2048 + router 7168·256); embeddings 2 · 129280 · 7168.
    let q: Double = 7168 * 1536 + 1536 * 128 * 192
    let kv: Double = 7168 * 576 + 512 * 128 * 256
    let o: Double = 128 * 128 * 7168
    let attention: Double = 61 * (q + kv + o)
    let expert: Double = 3 * 7168 * 2048
    let embeddings: Double = 2 * 129_280 * 7168
    let dense: Double = 3 * 3 * 7168 * 18432
    let router: Double = 7168 * 256
    let common: Double = attention + dense + embeddings
    XCTAssertEqual(s.totalParams, common + 58 * (257 * expert + router))
    XCTAssertEqual(s.activeParams, common + 58 * (9 * expert + router))
    XCTAssertEqual(s.totalParams / 1e9, 671, accuracy: 0.5)  // "671B total"
    XCTAssertEqual(s.activeParams / 37e9, 1, accuracy: 0.02)  // "37B active"
  }

  func testGptOssWindowedLayersCacheAtMostTheirWindow() {
    // 18 full layers × 8,192 + 18 windowed layers × 128 tokens, × 8 KV heads × 64 × 2 × 2 bytes
    // = (147,456 + 2,304) × 2,048 = 306,708,480 bytes per 8,192-token sequence.
    let explicit = TransformerShape(
      layers: 36, dModel: 2880, heads: 64, kvHeads: 8, swiglu: true, vocab: 201_088, headDimension: 64,
      ffnDimension: 2880, experts: MixtureOfExperts(experts: 128, active: 4),
      window: AttentionWindow(window: 128, globalEvery: 2))
    XCTAssertEqual(explicit.kvBytesPerSequence(tokens: 8192, bits: 16), 306_708_480)
    let preset = ModelPreset.named("gpt-oss-120b")!.shape
    XCTAssertEqual(preset.kvBytesPerSequence(tokens: 8192, bits: 16), 306_708_480)
    XCTAssertEqual(preset.totalParams / 1e9, 116.8, accuracy: 0.1)  // "117B"
    // OpenAI's 5.1B active leaves out the input embedding (201,088 × 2,880 = 0.58B).
    XCTAssertEqual((preset.activeParams - 201_088 * 2880) / 1e9, 5.13, accuracy: 0.01)
  }

  func testMamba2HasNoKVCacheAndAStateThatIgnoresContext() throws {
    // 64 layers × (5,120 inner × 128 state + (5,120 + 256) × 3 conv) × 2 bytes = 85,950,464.
    let s = ModelPreset.named("mamba2-2.7b")!.shape
    XCTAssertEqual(s.kvBytesPerToken(bits: 16), 0)
    XCTAssertEqual(s.stateBytesPerSequence(bits: 16), 85_950_464)
    XCTAssertEqual(s.totalParams / 1e9, 2.70, accuracy: 0.01)
    let m = ServingModel(shape: s)
    let short = try m.estimate(config { $0.context = 2048 })
    let long = try m.estimate(config { $0.context = 32_768 })
    XCTAssertEqual(short.kvBytesPerSequence, 0)
    XCTAssertEqual(short.stateBytesPerSequence, long.stateBytesPerSequence)
    XCTAssertEqual(short.stateBytesPerSequence, 85_950_464)
  }

  func testJambaHybridCountsAndCache() {
    // 4 attention layers (one in eight) × 8 × 128 × 2 × 2 = 16,384 bytes per token; 28 Mamba-1 layers.
    let s = ModelPreset.named("jamba-1.5-mini")!.shape
    XCTAssertEqual(s.attentionLayers, 4)
    XCTAssertEqual(s.moeLayers, 16)
    XCTAssertEqual(s.kvBytesPerToken(bits: 16), 16_384)
    XCTAssertEqual(s.totalParams / 52e9, 1, accuracy: 0.02)  // "52B total"
    XCTAssertEqual(s.activeParams / 12e9, 1, accuracy: 0.02)  // "12B active"
    // Mamba-1 state per layer: 8,192 × 16 + 8,192 × 3 numbers.
    XCTAssertEqual(s.stateBytesPerSequence(bits: 16), 28 * (8192 * 16 + 8192 * 3) * 2)
  }

  func testFP8UsesTheDensePeakWhereThereIsOne() throws {
    let m = ServingModel(shape: ModelPreset.named("llama-3-8b")!.shape.with { $0.context = 4096 })
    let bf16 = try m.estimate(config { $0.weightBits = 8; $0.batch = 64 })
    let fp8 = try m.estimate(config { $0.weightBits = 8; $0.batch = 64; $0.fp8 = true })
    // Prefill is compute-bound: twice the peak, half the time.
    XCTAssertEqual(bf16.prefillSeconds / fp8.prefillSeconds, 1978.9 / 989.4, accuracy: 1e-9)
    XCTAssertThrowsError(try m.estimate(config("a100") { $0.weightBits = 8; $0.fp8 = true })) { e in
      XCTAssertTrue("\(e)".hasPrefix("a100 has no FP8 tensor cores"), "\(e)")
    }
    XCTAssertThrowsError(try m.estimate(config { $0.fp8 = true })) { e in
      XCTAssertEqual("\(e)", "FP8 matmuls need weights of 8 bits or fewer (got 16)")
    }
    XCTAssertNil(GPU.named("a100")!.denseFP8TFLOPs)
    XCTAssertEqual(GPU.named("b200")!.denseFP8TFLOPs, 4500)
  }

  func testAWindowAsLongAsTheContextIsSaid() throws {
    let s = ModelPreset.named("gemma-2-9b")!.shape
    let e = try ServingModel(shape: s).estimate(config { $0.context = 4096 })
    XCTAssertTrue(e.notes.contains { $0.hasPrefix("the sliding window (4096 tokens) is not shorter than the context (4096)") }, "\(e.notes)")
    let long = try ServingModel(shape: s).estimate(config { $0.context = 8192 })
    XCTAssertFalse(long.notes.contains { $0.contains("sliding window") })
    // Gemma 2 9B: 21 windowed layers hold 4,096 tokens, 21 global ones 8,192; 8 KV heads × 256 × 2 × 2.
    XCTAssertEqual(long.kvBytesPerSequence, (21 * 4096 + 21 * 8192) * 8 * 256 * 2 * 2)
  }
}

extension TransformerShape {
  func with(_ body: (inout TransformerShape) -> Void) -> TransformerShape {
    var s = self
    body(&s)
    return s
  }
}
