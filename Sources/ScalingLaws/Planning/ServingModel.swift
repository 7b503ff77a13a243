import Foundation

/// What serving a decoder-only transformer costs: memory, prefill and decode throughput, and
/// dollars per million output tokens, from first principles (a roofline over HBM bandwidth and
/// dense compute).
///
/// - Weights: N × weight_bits / 8 bytes; every decode step reads all of them once (the batch
///   shares the read). 1.58 bits is BitNet b1.58's ternary weights (log₂ 3).
/// - KV cache per token: 2 (K and V) × layers × kv_heads × head_dim × kv_bits / 8 bytes; per
///   sequence at the context length; the largest batch is what fits in the GPUs' usable HBM
///   (capacity × `memoryFraction`) after the weights.
/// - Prefill: 2N + 2·layers·context·d_attn FLOPs per prompt token (Kaplan et al. 2020, Table 1),
///   compute-bound at peak × MFU.
/// - Decode step (one token for each sequence in the batch): the memory bound reads the weights
///   plus each sequence's KV cache at its mean length over the generation (prompt + output/2);
///   the compute bound does batch × (2N + 2·layers·L·d_attn) FLOPs at peak × MFU; the step takes
///   the longer of the two, and that one is the `bound`.
/// - FlashAttention changes the memory traffic of attention (the T × T score matrix never goes
///   to HBM, which matters in prefill), not its FLOPs; the decode KV read above is the same with
///   or without it.
/// - Low-bit weights are assumed dequantised into BF16 matmuls: the compute bound uses the dense
///   BF16 peak whatever the weight precision.
public struct ServingModel: Sendable {
  public static let weightBitChoices: [Double] = [16, 8, 4, 1.58]
  public static let kvBitChoices: [Double] = [16, 8, 4]

  public struct Configuration: Sendable {
    public var weightBits: Double = 16
    public var kvBits: Double = 16
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
  }

  public struct ServingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ d: String) { description = d }
  }

  /// Parameters whose weights are stored and read each decode step (all of them).
  public var params: Double
  /// FLOPs-relevant parameters (matmul weights: non-embedding plus the unembedding).
  public var matmulParams: Double
  public var layers: Int
  public var kvHeads: Int
  public var headDim: Double
  /// d_attn = heads × head_dim.
  public var attentionWidth: Double
  public var shape: TransformerShape?

  /// From a full shape: weights = all parameters (embeddings included).
  public init(shape: TransformerShape) {
    self.shape = shape
    params = shape.totalParams
    matmulParams = shape.nonEmbeddingParams + Double(shape.vocab) * Double(shape.dModel)
    layers = shape.layers
    kvHeads = shape.kvHeads
    headDim = Double(shape.dModel) / Double(shape.heads)
    attentionWidth = Double(shape.dModel)
  }

  /// From a parameter count: the attention dimensions from `shape` (a proposal near N), the
  /// weights from N itself.
  public init(params: Double, shape: TransformerShape) {
    self.init(shape: shape)
    self.params = params
    self.matmulParams = params
  }

  public func weightBytes(_ c: Configuration) -> Double { params * c.weightBits / 8 }
  public func kvBytesPerToken(_ c: Configuration) -> Double {
    2 * Double(layers) * Double(kvHeads) * headDim * c.kvBits / 8
  }
  public func kvBytesPerSequence(_ c: Configuration) -> Double { kvBytesPerToken(c) * Double(c.context) }
  /// Usable HBM over all GPUs, in bytes.
  public func usableMemory(_ c: Configuration) -> Double {
    Double(c.gpus) * c.gpu.memoryGB * 1e9 * c.memoryFraction
  }
  /// The largest batch of full-context sequences that fits after the weights (0 if none).
  public func maxBatch(_ c: Configuration) -> Int {
    let left = usableMemory(c) - weightBytes(c)
    return left > 0 ? Int((left / kvBytesPerSequence(c)).rounded(.down)) : 0
  }
  public func prefillFlopsPerToken(_ c: Configuration) -> Double {
    2 * matmulParams + 2 * Double(layers) * Double(c.context) * attentionWidth
  }
  /// Tokens in each sequence's cache, on average over the generated tokens.
  public func meanCacheLength(_ c: Configuration) -> Double {
    Double(c.promptTokens) + Double(c.outputTokens) / 2
  }
  /// Seconds per decode step at `batch`, memory-bound; `cacheTokens` per sequence are read.
  public func memoryBoundStep(_ c: Configuration, batch: Int, cacheTokens: Double) -> Double {
    (weightBytes(c) + Double(batch) * kvBytesPerToken(c) * cacheTokens) / (Double(c.gpus) * c.gpu.bandwidthTBs * 1e12)
  }
  /// Seconds per decode step at `batch`, compute-bound.
  public func computeBoundStep(_ c: Configuration, batch: Int, cacheTokens: Double) -> Double {
    let flops = Double(batch) * (2 * matmulParams + 2 * Double(layers) * cacheTokens * attentionWidth)
    return flops / (Double(c.gpus) * c.gpu.denseBF16TFLOPs * 1e12 * c.mfu)
  }

  public struct Estimate: Sendable {
    public var weightBytes: Double
    public var kvBytesPerToken: Double
    public var kvBytesPerSequence: Double
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
      let need = Double(c.batch ?? 1) * kvBytesPerSequence(c)
      throw ServingError(
        "\(OptionName.batch) \(c.batch ?? 1) does not fit: \(c.batch ?? 1) sequences of \(c.context) tokens need \(gb(need)) of KV cache, \(gb(max(0, usable - weights))) is left after the weights (short by \(gb(need - max(0, usable - weights)))); at most \(most) sequence\(most == 1 ? "" : "s") fit")
    }
    let L = meanCacheLength(c)
    let mem = memoryBoundStep(c, batch: batch, cacheTokens: L)
    let comp = computeBoundStep(c, batch: batch, cacheTokens: L)
    let step = max(mem, comp)
    let prefill = Double(batch * c.promptTokens) * prefillFlopsPerToken(c)
      / (Double(c.gpus) * c.gpu.denseBF16TFLOPs * 1e12 * c.mfu)
    let batchSeconds = prefill + Double(c.outputTokens) * step
    let perMillion = batchSeconds / Double(batch * c.outputTokens) * 1e6
    return Estimate(
      weightBytes: weights, kvBytesPerToken: kvBytesPerToken(c), kvBytesPerSequence: kvBytesPerSequence(c),
      maxBatch: most, batch: batch, prefillFlopsPerToken: prefillFlopsPerToken(c), prefillSeconds: prefill,
      decodeStepSeconds: step, bound: mem >= comp ? "memory" : "compute",
      decodeTokensPerSecond: 1 / step, decodeTokensPerSecondTotal: Double(batch) / step,
      secondsPerMillionOutputTokens: perMillion,
      usdPerMillionOutputTokens: c.usdPerGPUHour.map { $0 * Double(c.gpus) * perMillion / 3600 })
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
