import ArgumentParser
import Foundation
import ScalingLaws

extension ScalingTool {
  struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "serve",
      abstract: "Serving cost of a model: memory, KV cache, prefill and decode throughput, $ per million tokens.",
      discussion: """
        Give a preset (--model NAME, see --list-models), a shape (--layers --d-model --heads, as \
        `scaling flops`, with mixture-of-experts, latent-attention, sliding-window and \
        state-space flags), or --params N (the KV dimensions then come from the dense shape \
        `scaling plan --shape` proposes near N). Decode is a roofline: each step reads the weights \
        the batch uses plus every sequence's KV cache (and state) from HBM (memory bound) or does \
        batch x (2 N_active + 2 layers L d_attn) FLOPs at peak x MFU (compute bound), whichever is \
        slower. A mixture of experts holds every expert in memory, computes with the active ones, \
        and at batch B reads E(1 - (1 - K/E)^B) distinct experts per MoE layer (a balanced \
        router). A windowed layer caches at most its window; a state-space layer keeps a fixed \
        state per sequence. FlashAttention changes attention's memory traffic, not its FLOPs. \
        Low-bit weights are costed at the dense BF16 peak (dequantised matmuls) unless --fp8.
        """)

    @Option(help: "Parameters N (e.g. 7B), instead of a shape.") var params: Count?
    @OptionGroup var shape: ShapeOptions
    @OptionGroup var serving: ServingOptions

    @Option(help: "GPU: \(GPU.known.map { $0.name }.joined(separator: ", ")).") var gpu: String = "h100-sxm"
    @Option(help: "GPUs holding one model replica (tensor parallel: memory and bandwidth add up).") var gpus: Int = 1
    @Option(help: "Compute efficiency of prefill and of compute-bound decode, in (0, 1].") var mfu: RealArgument = RealArgument(0.4)
    @Option(help: "Price per GPU-hour in US dollars.") var usdPerGpuHour: RealArgument?
    @Option(help: "Output format.") var format: Flops.FlopsFormat = .text
    @OptionGroup var destination: OutputOption

    func validate() throws {
      if shape.listModels { return }
      if (params != nil) == shape.shapeGiven {
        throw ValidationError("Give either --params N, a shape (--layers, --d-model and --heads) or --model NAME.")
      }
      if let p = params, !(p.value > 0) { throw ValidationError("--params must be positive (got \(p.value)).") }
      guard let g = GPU.named(gpu) else {
        throw ValidationError("Unknown GPU '\(gpu)'. Known: \(GPU.known.map { $0.name }.joined(separator: ", ")).")
      }
      try serving.checkFP8(gpu: g, flag: "--gpu")
      if gpus < 1 { throw ValidationError("--gpus must be at least 1.") }
      if !(mfu.value > 0 && mfu.value <= 1) { throw ValidationError("--mfu must be in (0, 1] (got \(mfu.value)).") }
      if let u = usdPerGpuHour, !(u.value > 0 && u.value.isFinite) {
        throw ValidationError("--usd-per-gpu-hour must be a positive finite number (got \(u.value)).")
      }
    }

    func model() throws -> ServingModel {
      if let p = params?.value {
        var proposal = TransformerShape.proposal(near: p, swiglu: shape.swiglu ?? false)
        if let kv = shape.kvHeads {
          guard proposal.heads % kv == 0 else {
            throw ValidationError("--kv-heads (\(kv)) must divide the proposed shape's \(proposal.heads) heads.")
          }
          proposal.kvHeads = kv
        }
        return ServingModel(params: p, shape: proposal)
      }
      guard var s = try shape.resolved() else { throw ValidationError("Give a shape or --model NAME.") }
      s.context = serving.context
      return ServingModel(shape: s)
    }

    func run() throws {
      if shape.listModels {
        try destination.emit(ShapeOptions.modelList(json: format == .json))
        return
      }
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
      try destination.emit(text)
    }
  }
}
