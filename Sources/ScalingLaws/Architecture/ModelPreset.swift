/// Public model configurations by name (`--model NAME`), each with the source of its values and
/// the parameter counts its authors publish (the README's table lists them side by side with ours).
///
/// Values are the Hugging Face `config.json` of each model; where a config pads the vocabulary
/// (Mamba-2's 50,277 to a multiple of 16) the padded size is used, as the weights have it.
public struct ModelPreset: Sendable, Equatable {
  public let name: String
  public let shape: TransformerShape
  /// The public configuration the values come from.
  public let source: String
  /// The parameter counts the model's authors publish, in their words.
  public let published: String

  public static let all: [ModelPreset] = [
    ModelPreset(
      name: "llama-3-8b",
      shape: TransformerShape(
        layers: 32, dModel: 4096, heads: 32, kvHeads: 8, swiglu: true, vocab: 128_256, context: 8192,
        ffnDimension: 14_336),
      source: "huggingface.co/meta-llama/Meta-Llama-3-8B config.json", published: "8B (8.03B)"),
    ModelPreset(
      name: "llama-3-70b",
      shape: TransformerShape(
        layers: 80, dModel: 8192, heads: 64, kvHeads: 8, swiglu: true, vocab: 128_256, context: 8192,
        ffnDimension: 28_672),
      source: "huggingface.co/meta-llama/Meta-Llama-3-70B config.json", published: "70B (70.6B)"),
    ModelPreset(
      name: "mixtral-8x7b",
      shape: TransformerShape(
        layers: 32, dModel: 4096, heads: 32, kvHeads: 8, swiglu: true, vocab: 32_000, context: 32_768,
        ffnDimension: 14_336, experts: MixtureOfExperts(experts: 8, active: 2)),
      source: "huggingface.co/mistralai/Mixtral-8x7B-v0.1 config.json", published: "46.7B total, 12.9B active"),
    ModelPreset(
      name: "deepseek-v3",
      shape: TransformerShape(
        layers: 61, dModel: 7168, heads: 128, swiglu: true, vocab: 129_280, context: 163_840,
        headDimension: 128, ffnDimension: 18_432,
        experts: MixtureOfExperts(experts: 256, active: 8, shared: 1, expertFFN: 2048, denseLayers: 3),
        latentAttention: LatentAttention(kvRank: 512, ropeDim: 64, qRank: 1536)),
      source: "huggingface.co/deepseek-ai/DeepSeek-V3 config.json (main model; the 14B multi-token-prediction module not counted)",
      published: "671B total, 37B active"),
    ModelPreset(
      name: "gpt-oss-120b",
      shape: TransformerShape(
        layers: 36, dModel: 2880, heads: 64, kvHeads: 8, swiglu: true, vocab: 201_088, context: 131_072,
        headDimension: 64, ffnDimension: 2880, experts: MixtureOfExperts(experts: 128, active: 4),
        window: AttentionWindow(window: 128, pattern: [.local, .global])),
      source: "huggingface.co/openai/gpt-oss-120b config.json (layer_types alternate sliding and full)",
      published: "117B total, 5.1B active (without the input embedding)"),
    ModelPreset(
      name: "gemma-2-9b",
      shape: TransformerShape(
        layers: 42, dModel: 3584, heads: 16, kvHeads: 8, swiglu: true, vocab: 256_000, context: 8192,
        tiedEmbeddings: true, headDimension: 256, ffnDimension: 14_336,
        window: AttentionWindow(window: 4096, pattern: [.local, .global])),
      source: "huggingface.co/google/gemma-2-9b config.json (GeGLU: three MLP matrices, as SwiGLU)",
      published: "9B (9.24B)"),
    ModelPreset(
      name: "mamba2-2.7b",
      shape: TransformerShape(
        layers: 64, dModel: 2560, heads: 1, vocab: 50_288, context: 2048, tiedEmbeddings: true, ffnDimension: 0,
        stateSpace: StateSpaceLayers(layers: 64, state: 128, expand: 2, headDim: 64, conv: 4, groups: 1)),
      source: "huggingface.co/state-spaces/mamba2-2.7b config.json (vocab 50,277 padded to a multiple of 16; trained at 2,048 tokens, no position limit)",
      published: "2.7B"),
    ModelPreset(
      name: "jamba-1.5-mini",
      shape: TransformerShape(
        layers: 32, dModel: 4096, heads: 32, kvHeads: 8, swiglu: true, vocab: 65_536, context: 262_144,
        ffnDimension: 14_336, experts: MixtureOfExperts(experts: 16, active: 2, every: 2),
        stateSpace: StateSpaceLayers(layers: 28, state: 16, expand: 2, conv: 4, dtRank: 256)),
      source: "huggingface.co/ai21labs/AI21-Jamba-1.5-Mini config.json (one attention layer in eight, MoE every other layer)",
      published: "52B total, 12B active"),
  ]

  public static func named(_ name: String) -> ModelPreset? {
    all.first { $0.name == name.lowercased() }
  }
}
