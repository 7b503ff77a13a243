import Foundation

/// What serving a decoder-only model costs: memory, prefill and decode throughput, and dollars
/// per million output tokens, from first principles (a roofline over HBM bandwidth and dense
/// compute), for dense, mixture-of-experts, latent-attention, sliding-window and state-space
/// shapes (``TransformerShape``).
///
/// - Weights: all N_total parameters × weight_bits / 8 bytes are held in memory; a decode step
///   reads the weights the batch uses: everything but the routed experts no sequence chose (at
///   batch B, E·(1 − (1 − K/E)^B) distinct experts per MoE layer; K at B = 1), the batch sharing
///   the read. 1.58 bits is BitNet b1.58's ternary weights (log₂ 3).
/// - KV cache per token: 2 (K and V) × kv_heads × head_dim per attention layer (kv_rank + rope_dim
///   with latent attention) × kv_bits / 8; per sequence, a windowed layer holds at most its window.
///   State-space layers hold a fixed recurrent state per sequence instead (at `stateBits`), read
///   and written once per decode step. The largest batch is what fits in the GPUs' usable HBM
///   (capacity × `memoryFraction`) after the weights.
/// - Prefill: 2N_active + 2·(attended positions)·d_attn FLOPs per prompt token (Kaplan et al. 2020,
///   Table 1) plus the state-space scans, compute-bound at peak × MFU.
/// - Decode step (one token for each sequence in the batch): the memory bound reads the weights
///   plus each sequence's cache at its mean length over the generation (prompt + output/2, capped
///   at a windowed layer's window) and its state; the compute bound does batch × the forward
///   FLOPs at that length at peak × MFU; the step takes the longer of the two, and that one is the
///   `bound`.
/// - FlashAttention changes the memory traffic of attention (the T × T score matrix never goes
///   to HBM, which matters in prefill), not its FLOPs; the decode KV read above is the same with
///   or without it.
/// - Low-bit weights are assumed dequantised into BF16 matmuls: the compute bound uses the dense
///   BF16 peak whatever the weight precision, unless `fp8` says the matmuls run in FP8 (weights
///   at 8 bits or fewer, on a GPU with FP8 tensor cores: its dense FP8 peak).
public struct ServingModel: Sendable {
  public static let weightBitChoices: [Double] = [16, 8, 4, 1.58]
  public static let kvBitChoices: [Double] = [16, 8, 4]
  public static let stateBitChoices: [Double] = [32, 16]

  public struct Configuration: Sendable {
    public var weightBits: Double = 16
    public var kvBits: Double = 16
    /// Precision of a state-space layer's recurrent state (Mamba keeps it in the model's dtype
    /// by default; 32 for float32 states).
    public var stateBits: Double = 16
    /// FP8 matmuls: the compute bound uses the GPU's dense FP8 peak.
    public var fp8 = false
    public var context: Int = 4096
    /// Sequences decoded together; nil = the largest batch that fits.
    public var batch: Int? = 1
    public var gpu: GPU
    public var gpus: Int = 1
    /// Model FLOPs utilisation of the compute bound (prefill and decode).
    public var mfu: Double = 0.4
    /// Usable share of HBM (vLLM's default `gpu_memory_utilization` is 0.9: the rest holds
    /// activations, the CUDA context and fragmentation).
    public var memoryFraction: Double = 0.9
    public var usdPerGPUHour: Double? = nil
    public var promptTokens: Int = 1024
    public var outputTokens: Int = 512

    public init(gpu: GPU) {
      self.gpu = gpu
    }

    /// Dense peak TFLOP/s of one GPU for this precision.
    public var peakTFLOPs: Double { fp8 ? (gpu.denseFP8TFLOPs ?? gpu.denseBF16TFLOPs) : gpu.denseBF16TFLOPs }
  }

  public struct ServingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ d: String) { description = d }
  }

  /// Parameters whose weights are stored (all of them, every expert).
  public var params: Double
  /// Parameters one token uses (the active experts only).
  public var activeParams: Double
  /// FLOPs-relevant parameters of one token (active matmul weights: non-embedding plus the unembedding).
  public var matmulParams: Double
  public var shape: TransformerShape
  /// False when only N was given: the weights come from N, the attention dimensions from `shape`
  /// (a dense proposal near N).
  public var shapeGiven: Bool

  /// From a full shape: weights = all parameters (embeddings included).
  public init(shape: TransformerShape) {
    self.shape = shape
    params = shape.totalParams
    activeParams = shape.activeParams
    matmulParams = shape.activeNonEmbeddingParams + Double(shape.vocab) * Double(shape.dModel)
    shapeGiven = true
  }

  /// From a parameter count: the attention dimensions from `shape` (a proposal near N), the
  /// weights from N itself.
  public init(params: Double, shape: TransformerShape) {
    self.init(shape: shape)
    self.params = params
    self.activeParams = params
    self.matmulParams = params
    self.shapeGiven = false
  }

  public func weightBytes(_ c: Configuration) -> Double { params * c.weightBits / 8 }
  /// Weight bytes one decode step of `batch` sequences reads (MoE: the experts the batch touches).
  public func weightBytesRead(_ c: Configuration, batch: Int) -> Double {
    (shapeGiven ? shape.paramsRead(batch: batch) : params) * c.weightBits / 8
  }
  public func kvBytesPerToken(_ c: Configuration) -> Double { shape.kvBytesPerToken(bits: c.kvBits) }
  public func kvBytesPerSequence(_ c: Configuration) -> Double {
    shape.kvBytesPerSequence(tokens: Double(c.context), bits: c.kvBits)
  }
  public func stateBytesPerSequence(_ c: Configuration) -> Double { shape.stateBytesPerSequence(bits: c.stateBits) }
  /// Cache and state of one full-context sequence.
  public func bytesPerSequence(_ c: Configuration) -> Double { kvBytesPerSequence(c) + stateBytesPerSequence(c) }
  /// Usable HBM over all GPUs, in bytes.
  public func usableMemory(_ c: Configuration) -> Double {
    Double(c.gpus) * c.gpu.memoryGB * 1e9 * c.memoryFraction
  }
  /// The largest batch of full-context sequences that fits after the weights (0 if none).
  public func maxBatch(_ c: Configuration) -> Int {
    let left = usableMemory(c) - weightBytes(c)
    let per = bytesPerSequence(c)
    guard left > 0 else { return 0 }
    // A cap far above any real batch (a pure state-space model's state is small).
    let cap = Double(1 << 24)
    guard per > 0 else { return Int(cap) }
    return Int(min(cap, (left / per).rounded(.down)))
  }
  /// Forward FLOPs of one token attending to `positions` earlier tokens.
  public func forwardFlops(positions L: Double) -> Double {
    2 * matmulParams + 2 * shape.attendedPositions(tokens: L) * shape.attentionWidth + shape.scanFlopsPerToken
  }
  /// Forward FLOPs per prompt token of prefilling one prompt of `c.promptTokens`: causal
  /// attention, so the i-th prompt token attends to i positions (a windowed layer to at most its
  /// window), averaged over the prompt. The context length bounds the cache, not this cost.
  public func prefillFlopsPerToken(_ c: Configuration) -> Double {
    let P = Double(max(c.promptTokens, 1))
    let W = Double(shape.window?.window ?? Int.max)
    let globalMean = (P + 1) / 2
    let localMean = P <= W ? globalMean : (W * (W + 1) / 2 + (P - W) * W) / P
    let positions = Double(shape.localAttentionLayers) * localMean + Double(shape.globalAttentionLayers) * globalMean
    return 2 * matmulParams + 2 * positions * shape.attentionWidth + shape.scanFlopsPerToken
  }
  /// Tokens in each sequence's cache, on average over the generated tokens.
  public func meanCacheLength(_ c: Configuration) -> Double {
    Double(c.promptTokens) + Double(c.outputTokens) / 2
  }
  /// Seconds per decode step at `batch`, memory-bound; `cacheTokens` per sequence are read
  /// (a windowed layer reads at most its window) and each state read and written.
  public func memoryBoundStep(_ c: Configuration, batch: Int, cacheTokens: Double) -> Double {
    let perSequence = shape.kvBytesPerSequence(tokens: cacheTokens, bits: c.kvBits) + 2 * stateBytesPerSequence(c)
    return (weightBytesRead(c, batch: batch) + Double(batch) * perSequence) / (Double(c.gpus) * c.gpu.bandwidthTBs * 1e12)
  }
  /// Seconds per decode step at `batch`, compute-bound.
  public func computeBoundStep(_ c: Configuration, batch: Int, cacheTokens: Double) -> Double {
    Double(batch) * forwardFlops(positions: cacheTokens) / (Double(c.gpus) * c.peakTFLOPs * 1e12 * c.mfu)
  }

  public struct Estimate: Sendable {
    public var weightBytes: Double
    public var kvBytesPerToken: Double
    public var kvBytesPerSequence: Double
    public var stateBytesPerSequence: Double
    public var maxBatch: Int
    public var batch: Int
    public var prefillFlopsPerToken: Double
    /// Seconds to prefill one batch of prompts.
    public var prefillSeconds: Double
    public var decodeStepSeconds: Double
    /// "memory" or "compute".
    public var bound: String
    public var decodeTokensPerSecond: Double
    public var decodeTokensPerSecondTotal: Double
    /// Seconds per million output tokens (prefill of their prompts included), all GPUs busy.
    public var secondsPerMillionOutputTokens: Double
    public var usdPerMillionOutputTokens: Double?
    /// Weight bytes one decode step reads (less than `weightBytes` for a mixture of experts).
    public var weightBytesReadPerStep: Double
    /// What the estimate assumed where the shape makes it matter (windows, experts, FP8).
    public var notes: [String]
  }

  /// What the estimate assumed where the shape makes it matter.
  func notes(_ c: Configuration, batch: Int) -> [String] {
    var notes: [String] = []
    if let w = shape.window, shape.localAttentionLayers > 0, w.window >= c.context {
      notes.append(
        "the sliding window (\(w.window) tokens) is not shorter than the context (\(c.context)): the \(shape.localAttentionLayers) windowed layers hold the whole sequence, as full attention would")
    }
    if shapeGiven, let e = shape.experts {
      let touched = e.expectedExpertsTouched(batch: batch)
      notes.append(
        "mixture of experts: memory holds all \(e.experts) experts per MoE layer; a decode step at batch \(batch) reads \(String(format: "%.3g", touched)) of them on average (E(1 - (1 - K/E)^B), a balanced router) and does the FLOPs of \(e.active)")
    }
    if c.fp8 {
      notes.append("FP8 matmuls: compute-bound parts at \(c.gpu.name)'s dense FP8 peak, \(c.peakTFLOPs) TFLOP/s")
    }
    return notes
  }

  public func estimate(_ c: Configuration) throws -> Estimate {
    try Self.validate(c)
    let weights = weightBytes(c)
    let usable = usableMemory(c)
    guard weights < usable else {
      throw ServingError(
        "the weights (\(gb(weights)) at \(bits(c.weightBits)) bits) do not fit in \(c.gpus) x \(c.gpu.name) (\(gb(usable)) usable at memory fraction \(c.memoryFraction)); use more GPUs or fewer bits")
    }
    let most = maxBatch(c)
    let batch = c.batch ?? most
    guard batch >= 1, batch <= most else {
      let need = Double(c.batch ?? 1) * bytesPerSequence(c)
      throw ServingError(
        "\(OptionName.batch) \(c.batch ?? 1) does not fit: \(c.batch ?? 1) sequences of \(c.context) tokens need \(gb(need)) of \(shape.ssmLayers > 0 ? "cache and state" : "KV cache"), \(gb(max(0, usable - weights))) is left after the weights (short by \(gb(need - max(0, usable - weights)))); at most \(most) sequence\(most == 1 ? "" : "s") fit")
    }
    let L = meanCacheLength(c)
    let mem = memoryBoundStep(c, batch: batch, cacheTokens: L)
    let comp = computeBoundStep(c, batch: batch, cacheTokens: L)
    let step = max(mem, comp)
    let prefill = Double(batch * c.promptTokens) * prefillFlopsPerToken(c)
      / (Double(c.gpus) * c.peakTFLOPs * 1e12 * c.mfu)
    let batchSeconds = prefill + Double(c.outputTokens) * step
    let perMillion = batchSeconds / Double(batch * c.outputTokens) * 1e6
    return Estimate(
      weightBytes: weights, kvBytesPerToken: kvBytesPerToken(c), kvBytesPerSequence: kvBytesPerSequence(c),
      stateBytesPerSequence: stateBytesPerSequence(c),
      maxBatch: most, batch: batch, prefillFlopsPerToken: prefillFlopsPerToken(c), prefillSeconds: prefill,
      decodeStepSeconds: step, bound: mem >= comp ? "memory" : "compute",
      decodeTokensPerSecond: 1 / step, decodeTokensPerSecondTotal: Double(batch) / step,
      secondsPerMillionOutputTokens: perMillion,
      usdPerMillionOutputTokens: c.usdPerGPUHour.map { $0 * Double(c.gpus) * perMillion / 3600 },
      weightBytesReadPerStep: weightBytesRead(c, batch: batch), notes: notes(c, batch: batch))
  }

  /// A configuration the model can estimate, in the library's own words (the CLI checks its
  /// flags first and names them; this guards every other caller).
  static func validate(_ c: Configuration) throws {
    guard weightBitChoices.contains(c.weightBits) else {
      throw ServingError("weight precision must be one of 16, 8, 4, 1.58 bits (got \(bits(c.weightBits)))")
    }
    guard kvBitChoices.contains(c.kvBits) else {
      throw ServingError("KV-cache precision must be one of 16, 8, 4 bits (got \(bits(c.kvBits)))")
    }
    guard stateBitChoices.contains(c.stateBits) else {
      throw ServingError("state precision must be one of 32, 16 bits (got \(bits(c.stateBits)))")
    }
    if c.fp8 {
      guard c.gpu.denseFP8TFLOPs != nil else {
        throw ServingError("\(c.gpu.name) has no FP8 tensor cores: FP8 matmuls cannot run at an FP8 peak there; drop FP8 or use an H100, H200 or B200")
      }
      guard c.weightBits <= 8 else {
        throw ServingError("FP8 matmuls need weights of 8 bits or fewer (got \(bits(c.weightBits)))")
      }
    }
    guard c.context >= 1, c.gpus >= 1, c.promptTokens >= 0, c.outputTokens >= 1 else {
      throw ServingError("the context, GPUs and output tokens must be at least 1, the prompt tokens at least 0")
    }
    guard c.promptTokens + c.outputTokens <= c.context else {
      throw ServingError(
        "prompt tokens (\(c.promptTokens)) + output tokens (\(c.outputTokens)) exceed the context (\(c.context))")
    }
    guard c.mfu > 0, c.mfu <= 1, c.memoryFraction > 0, c.memoryFraction <= 1 else {
      throw ServingError("the compute efficiency (MFU) and the usable memory fraction must be in (0, 1]")
    }
  }
}

private func gb(_ bytes: Double) -> String { String(format: "%.3g GB", bytes / 1e9) }
private func bits(_ b: Double) -> String { b == b.rounded() ? String(Int(b)) : String(b) }
