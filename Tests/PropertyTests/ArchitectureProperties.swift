import Foundation
import PropertyBased
import ScalingLaws
import Testing

/// For any plausible shape: more active experts never lower the cost; a window never raises the
/// cache; a state-space layer's state does not grow with context.
@Suite struct ArchitectureProperties {
  /// A dense base: layers, d_model (a multiple of 128, heads of 128), GQA groups.
  static let base = zip(Gen.int(in: 2...48), Gen.int(in: 2...48), Gen.int(in: 0...3), Gen.bool()).map { layers, width, g, swiglu in
    let heads = width
    let kv = max(1, heads >> g)
    return TransformerShape(
      layers: layers, dModel: 128 * width, heads: heads, kvHeads: heads % kv == 0 ? kv : heads,
      ffnMultiplier: swiglu ? 8.0 / 3.0 : 4, swiglu: swiglu, context: 4096)
  }

  /// Issue 34, item 3: one shape rule for every size. For any N from 20M to 100T (log-uniform),
  /// dense or SwiGLU, the first proposal's total parameters are within 3% of N, its aspect ratio
  /// within the rule's range, and its heads divide d_model; at each decade from 1M too.
  @Test func theProposedShapeIsWithinThreePercentAtEverySize() async throws {
    await propertyCheck(count: 400, input: Gen.double(in: 7.3...14), Gen.bool()) { log10N, swiglu in
      let n = pow(10, log10N)
      let p = TransformerShape.matching(n, swiglu: swiglu)
      let s = p.shapes[0]
      let matched = p.count == .total ? s.totalParams : s.nonEmbeddingParams
      #expect(abs(matched / n - 1) <= 0.03, "N = \(n): \(s.layers) x \(s.dModel) has \(matched)")
      #expect(TransformerShape.aspectRange.contains(Double(s.dModel) / Double(s.layers)))
      #expect(s.dModel % s.heads == 0)
      #expect(p.count == .total, "N = \(n)")
      #expect(p.note == nil)
    }
    // Any input returns a shape (a plan from an absurd law asked the report for 1e40 once, and
    // the depth overflowed Int).
    for n in [0, 1, 1e3, 1e18, 1e30, 1e300, .infinity, .nan] {
      #expect(!TransformerShape.matching(n).shapes.isEmpty, "N = \(n)")
    }
    // Each decade from 1M (below about 16M the shapes match non-embedding parameters, said in the note).
    for e in 6...14 {
      let n = pow(10, Double(e))
      let p = TransformerShape.matching(n)
      let s = p.shapes[0]
      #expect(abs((p.count == .total ? s.totalParams : s.nonEmbeddingParams) / n - 1) <= 0.03, "1e\(e)")
      #expect((p.count == .nonEmbedding) == (e < 7) && (p.count == .nonEmbedding) == (p.note != nil), "1e\(e)")
    }
  }

  @Test func moreActiveExpertsNeverLowerTheCost() async throws {
    await propertyCheck(count: 200, input: Self.base, Gen.int(in: 2...128), Gen.int(in: 1...127), Gen.int(in: 1...256)) { s, e, k, batch in
      guard k < e else { return }
      var lo = s
      lo.experts = MixtureOfExperts(experts: e, active: k)
      var hi = s
      hi.experts = MixtureOfExperts(experts: e, active: k + 1)
      #expect(hi.activeParams > lo.activeParams)
      #expect(hi.totalParams == lo.totalParams)
      #expect(hi.kaplanTrainingFlopsPerToken > lo.kaplanTrainingFlopsPerToken)
      #expect(hi.chinchillaForwardFlopsPerToken > lo.chinchillaForwardFlopsPerToken)
      #expect(hi.paramsRead(batch: batch) >= lo.paramsRead(batch: batch))
      var c = ServingModel.Configuration(gpu: GPU.named("b200")!)
      c.gpus = 8
      c.weightBits = 4
      c.batch = 1
      if let a = try? ServingModel(shape: lo).estimate(c), let b = try? ServingModel(shape: hi).estimate(c) {
        #expect(b.decodeStepSeconds >= a.decodeStepSeconds)
        #expect(b.secondsPerMillionOutputTokens >= a.secondsPerMillionOutputTokens)
        #expect(b.prefillFlopsPerToken > a.prefillFlopsPerToken)
      }
    }
  }

  @Test func aWindowNeverRaisesTheCache() async throws {
    await propertyCheck(count: 300, input: Self.base, Gen.int(in: 1...65_536), Gen.int(in: 1...8), Gen.int(in: 1...200_000)) { s, w, g, tokens in
      var windowed = s
      windowed.window = AttentionWindow(window: w, globalEvery: g)
      let T = Double(tokens)
      #expect(windowed.kvBytesPerSequence(tokens: T, bits: 16) <= s.kvBytesPerSequence(tokens: T, bits: 16))
      #expect(windowed.kaplanInferenceFlopsPerToken <= s.kaplanInferenceFlopsPerToken)
      var wider = windowed
      wider.window = AttentionWindow(window: w + 1 + w / 2, globalEvery: g)
      #expect(windowed.kvBytesPerSequence(tokens: T, bits: 16) <= wider.kvBytesPerSequence(tokens: T, bits: 16))
    }
  }

  @Test func aStateSpaceStateDoesNotGrowWithContext() async throws {
    await propertyCheck(count: 200, input: Self.base, Gen.int(in: 1...48), Gen.int(in: 1...256), Gen.bool(), Gen.int(in: 2...20)) { s, n, state, mamba2, logContext in
      var h = s
      h.stateSpace = StateSpaceLayers(layers: min(n, s.layers), state: state, headDim: mamba2 ? 64 : nil)
      var c = ServingModel.Configuration(gpu: GPU.named("b200")!)
      c.gpus = 8
      c.promptTokens = 0
      c.outputTokens = 1
      c.context = 1 << logContext
      var long = c
      long.context = 1 << (logContext + 2)
      let m = ServingModel(shape: h)
      #expect(m.stateBytesPerSequence(c) == m.stateBytesPerSequence(long))
      #expect(m.stateBytesPerSequence(c) > 0)
      #expect(h.kvBytesPerToken(bits: 16) <= s.kvBytesPerToken(bits: 16))
    }
  }
}
