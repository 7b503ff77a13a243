import ArgumentParser
import ScalingLaws

/// The serving model's flags, shared by `scaling serve` and `scaling plan --serving`.
struct ServingOptions: ParsableArguments {
  @Option(help: "Weight precision in bits: 16, 8, 4 or 1.58 (BitNet b1.58).") var weightBits: RealArgument = RealArgument(16)
  @Option(help: "KV-cache precision in bits: 16, 8 or 4.") var kvBits: RealArgument = RealArgument(16)
  @Option(help: "State-space layers' recurrent state precision in bits: 32 or 16.") var stateBits: RealArgument = RealArgument(16)
  @Flag(help: "FP8 matmuls: compute-bound parts at the GPU's dense FP8 peak (needs --weight-bits 8 or fewer and a GPU with FP8 tensor cores).")
  var fp8 = false
  @Option(help: "Serving context length in tokens (KV cache per sequence).") var context: Int = 4096
  @Option(help: "Sequences decoded together (default: 1 for serve, the largest that fits for plan --serving).")
  var batch: Int?
  @Option(help: "Prompt tokens per request.") var promptTokens: Int = 1024
  @Option(help: "Output tokens per request.") var outputTokens: Int = 512
  @Option(help: "Usable share of HBM, in (0, 1] (vLLM's default gpu_memory_utilization is 0.9).")
  var memoryFraction: RealArgument = RealArgument(0.9)

  func validate() throws {
    if !ServingModel.weightBitChoices.contains(weightBits.value) {
      throw ValidationError("--weight-bits must be one of 16, 8, 4, 1.58 (got \(weightBits.value)).")
    }
    if !ServingModel.kvBitChoices.contains(kvBits.value) {
      throw ValidationError("--kv-bits must be one of 16, 8, 4 (got \(kvBits.value)).")
    }
    if !ServingModel.stateBitChoices.contains(stateBits.value) {
      throw ValidationError("--state-bits must be one of 32, 16 (got \(stateBits.value)).")
    }
    if fp8, weightBits.value > 8 {
      throw ValidationError("--fp8 needs --weight-bits 8 or fewer (FP8 matmuls take 8-bit weights; got \(weightBits.value)).")
    }
    if context < 1 { throw ValidationError("--context must be at least 1.") }
    if let b = batch, b < 1 { throw ValidationError("--batch must be at least 1.") }
    if promptTokens < 0 { throw ValidationError("--prompt-tokens must be at least 0.") }
    if outputTokens < 1 { throw ValidationError("--output-tokens must be at least 1.") }
    if promptTokens + outputTokens > context {
      throw ValidationError(
        "--prompt-tokens (\(promptTokens)) + --output-tokens (\(outputTokens)) exceed --context (\(context)).")
    }
    if !(memoryFraction.value > 0 && memoryFraction.value <= 1) {
      throw ValidationError("--memory-fraction must be in (0, 1] (got \(memoryFraction.value)).")
    }
  }

  /// Refuses --fp8 on a GPU without FP8 tensor cores (`flag` names the GPU option).
  func checkFP8(gpu: GPU, flag: String) throws {
    guard fp8, gpu.denseFP8TFLOPs == nil else { return }
    let with = GPU.known.filter { $0.denseFP8TFLOPs != nil }
    throw ValidationError(
      "--fp8: \(gpu.name) has no FP8 tensor cores, so FP8 matmuls get no FP8 peak there; drop --fp8 or choose \(flag) \(with.map(\.name).joined(separator: ", ")) (dense FP8 \(with.map { "\($0.denseFP8TFLOPs!)" }.joined(separator: ", ")) TFLOP/s).")
  }

  func configuration(gpu: GPU, gpus: Int, mfu: Double, usdPerGPUHour: Double?, defaultBatch: Int?) -> ServingModel.Configuration {
    var c = ServingModel.Configuration(gpu: gpu)
    c.weightBits = weightBits.value
    c.kvBits = kvBits.value
    c.stateBits = stateBits.value
    c.fp8 = fp8
    c.context = context
    c.batch = batch ?? defaultBatch
    c.gpus = gpus
    c.mfu = mfu
    c.memoryFraction = memoryFraction.value
    c.usdPerGPUHour = usdPerGPUHour
    c.promptTokens = promptTokens
    c.outputTokens = outputTokens
    return c
  }
}
