import ArgumentParser
import Foundation
import ScalingLaws

extension ScalingTool {
  struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "serve",
      abstract: "Serving cost of a model: memory, KV cache, prefill and decode throughput, $ per million tokens.",
      discussion: """
        Give a shape (--layers --d-model --heads, as `scaling flops`) or --params N (the KV \
        dimensions then come from the shape `scaling plan --shape` proposes near N). Decode is \
        a roofline: each step reads all weights plus every sequence's KV cache from HBM \
        (memory bound) or does batch x (2N + 2 layers L d_attn) FLOPs at peak x MFU (compute \
        bound), whichever is slower. FlashAttention changes attention's memory traffic, not its \
        FLOPs. Low-bit weights are costed at the dense BF16 peak (dequantised matmuls).
        """)

    @Option(help: "Parameters N (e.g. 7B), instead of a shape.") var params: Count?
    @Option(help: "Number of layers.") var layers: Int?
    @Option(help: "Model width d_model.") var dModel: Int?
    @Option(help: "Attention heads.") var heads: Int?
    @Option(help: "Key/value heads (grouped-query attention; default: --heads).") var kvHeads: Int?
    @Option(help: "d_ff / d_model (default 4, or 8/3 with --swiglu).") var ffnMult: RealArgument?
    @Flag(help: "SwiGLU MLP (three matrices).") var swiglu = false
    @Option(help: "Vocabulary size.") var vocab: Int = 50_304
    @Flag(help: "Input and output embeddings share weights.") var tiedEmbeddings = false

    @OptionGroup var serving: ServingOptions

    @Option(help: "GPU: \(GPU.known.map { $0.name }.joined(separator: ", ")).") var gpu: String = "h100-sxm"
    @Option(help: "GPUs holding one model replica (tensor parallel: memory and bandwidth add up).") var gpus: Int = 1
    @Option(help: "Compute efficiency of prefill and of compute-bound decode, in (0, 1].") var mfu: RealArgument = RealArgument(0.4)
    @Option(help: "Price per GPU-hour in US dollars.") var usdPerGpuHour: RealArgument?
    @Option(help: "Output format.") var format: Flops.FlopsFormat = .text
    @Option(help: "Write the output to this file (atomically; a link, FIFO or device is written through, never replaced).") var output: String?

    func validate() throws {
      let shapeGiven = layers != nil || dModel != nil || heads != nil
      if (params != nil) == shapeGiven {
        throw ValidationError("Give either --params N or a shape (--layers, --d-model and --heads).")
      }
      if let p = params, !(p.value > 0) { throw ValidationError("--params must be positive (got \(p.value)).") }
      if shapeGiven {
        guard let layers, let dModel, let heads else {
          throw ValidationError("A shape needs all of --layers, --d-model and --heads.")
        }
        for (v, flag) in [(layers, "--layers"), (dModel, "--d-model"), (heads, "--heads"), (vocab, "--vocab")] where v < 1 {
          throw ValidationError("\(flag) must be at least 1.")
        }
        if dModel % heads != 0 { throw ValidationError("--d-model (\(dModel)) must be divisible by --heads (\(heads)).") }
        if let kv = kvHeads, kv < 1 || heads % kv != 0 {
          throw ValidationError("--kv-heads (\(kv)) must divide --heads (\(heads)).")
        }
      }
      if let m = ffnMult, !(m.value > 0 && m.value.isFinite) { throw ValidationError("--ffn-mult must be positive.") }
      if GPU.named(gpu) == nil {
        throw ValidationError("Unknown GPU '\(gpu)'. Known: \(GPU.known.map { $0.name }.joined(separator: ", ")).")
      }
      if gpus < 1 { throw ValidationError("--gpus must be at least 1.") }
      if !(mfu.value > 0 && mfu.value <= 1) { throw ValidationError("--mfu must be in (0, 1] (got \(mfu.value)).") }
      if let u = usdPerGpuHour, !(u.value > 0 && u.value.isFinite) {
        throw ValidationError("--usd-per-gpu-hour must be a positive finite number (got \(u.value)).")
      }
    }

    func model() throws -> ServingModel {
      if let p = params?.value {
        var shape = TransformerShape.proposal(near: p, swiglu: swiglu)
        if let kv = kvHeads {
          guard shape.heads % kv == 0 else {
            throw ValidationError("--kv-heads (\(kv)) must divide the proposed shape's \(shape.heads) heads.")
          }
          shape.kvHeads = kv
        }
        return ServingModel(params: p, shape: shape)
      }
      return ServingModel(
        shape: TransformerShape(
          layers: layers!, dModel: dModel!, heads: heads!, kvHeads: kvHeads,
          ffnMultiplier: ffnMult?.value ?? (swiglu ? 8.0 / 3.0 : 4), swiglu: swiglu, vocab: vocab,
          context: serving.context, tiedEmbeddings: tiedEmbeddings))
    }

    func run() throws {
      let m = try model()
      let c = serving.configuration(
        gpu: GPU.named(gpu)!, gpus: gpus, mfu: mfu.value, usdPerGPUHour: usdPerGpuHour?.value, defaultBatch: 1)
      let e: ServingModel.Estimate
      do {
        e = try m.estimate(c)
      } catch let error as ServingModel.ServingError {
        throw CommandUsageError(message: error.description)
      }
      let text: String
      switch format {
      case .json: text = e.json(model: m, configuration: c).rendered() + "\n"
      case .text: text = e.text(model: m, configuration: c)
      }
      try OutputTarget.emit(text, to: output)
    }
  }
}
