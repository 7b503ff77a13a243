import ArgumentParser
import ScalingLaws

extension ScalingTool {
  struct Flops: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "flops",
      abstract: "Count a transformer's parameters and FLOPs per token from its shape.",
      discussion: """
        Parameters count weight matrices only (no biases, norms or learned position table), \
        embeddings counted separately. FLOPs per token are given three ways: Kaplan's \
        6N + 6 n_layer n_ctx d_model, Chinchilla App. F (3 x forward), and the 6N shortcut.
        """)

    @Option(help: "Number of layers.") var layers: Int
    @Option(help: "Model width d_model.") var dModel: Int
    @Option(help: "Attention heads.") var heads: Int
    @Option(help: "Key/value heads (grouped-query attention; default: --heads).") var kvHeads: Int?
    @Option(help: "d_ff / d_model (default 4, or 8/3 with --swiglu).") var ffnMult: RealArgument?
    @Flag(help: "SwiGLU MLP (three matrices).") var swiglu = false
    @Option(help: "Vocabulary size.") var vocab: Int = 50_304
    @Option(help: "Context length n_ctx.") var context: Int = 2048
    @Flag(help: "Input and output embeddings share weights.") var tiedEmbeddings = false
    @Option(help: "Output format.") var format: FlopsFormat = .text

    enum FlopsFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
      for (v, flag) in [(layers, "--layers"), (dModel, "--d-model"), (heads, "--heads"), (vocab, "--vocab"), (context, "--context")] where v < 1 {
        throw ValidationError("\(flag) must be at least 1.")
      }
      if dModel % heads != 0 { throw ValidationError("--d-model (\(dModel)) must be divisible by --heads (\(heads)).") }
      if let kv = kvHeads, kv < 1 || heads % kv != 0 {
        throw ValidationError("--kv-heads must divide --heads (\(heads)).")
      }
      if let m = ffnMult, !(m.value > 0 && m.value.isFinite) { throw ValidationError("--ffn-mult must be positive.") }
    }

    var shape: TransformerShape {
      TransformerShape(
        layers: layers, dModel: dModel, heads: heads, kvHeads: kvHeads,
        ffnMultiplier: ffnMult?.value ?? (swiglu ? 8.0 / 3.0 : 4), swiglu: swiglu, vocab: vocab, context: context,
        tiedEmbeddings: tiedEmbeddings)
    }

    func run() throws {
      let s = shape
      let g = { (v: Double) in String(format: "%.6g", v) }
      switch format {
      case .json:
        let v: JSONValue = .object([
          ("params_non_embedding", .num(s.nonEmbeddingParams)), ("params_embedding", .num(s.embeddingParams)),
          ("params_total", .num(s.totalParams)), ("d_ff", .num(s.dFF)),
          ("convention", .string("weight matrices only; no biases, norms or position table")),
          ("training_flops_per_token_kaplan", .num(s.kaplanTrainingFlopsPerToken)),
          ("training_flops_per_token_chinchilla_app_f", .num(s.chinchillaTrainingFlopsPerToken)),
          ("training_flops_per_token_6n_total", .num(s.sixNTotal)),
          ("training_flops_per_token_6n_non_embedding", .num(s.sixNNonEmbedding)),
          ("inference_flops_per_token_kaplan", .num(s.kaplanInferenceFlopsPerToken)),
          ("inference_flops_per_token_chinchilla_app_f", .num(s.chinchillaForwardFlopsPerToken)),
        ])
        print(v.rendered())
      case .text:
        print("""
          [[Shape]] \(layers) layers, d_model \(dModel), \(heads) heads (\(s.kvHeads) kv), d_ff \(g(s.dFF))\(swiglu ? " SwiGLU" : ""), vocab \(vocab), context \(context)\(tiedEmbeddings ? ", tied embeddings" : "")
              params (non-embedding) = \(g(s.nonEmbeddingParams)) (\(shortCount(s.nonEmbeddingParams)))
              params (embeddings)    = \(g(s.embeddingParams))
              params (total)         = \(g(s.totalParams)) (\(shortCount(s.totalParams)))
              convention             = weight matrices only; no biases, norms or position table
          [[Training FLOPs per token]]
              Kaplan 6N + 6 L n_ctx d = \(g(s.kaplanTrainingFlopsPerToken))
              Chinchilla App. F (3x)  = \(g(s.chinchillaTrainingFlopsPerToken))
              6N (N total)            = \(g(s.sixNTotal))
              6N (N non-embedding)    = \(g(s.sixNNonEmbedding))
              App. F / 6N (total)     = \(String(format: "%.3f", s.chinchillaTrainingFlopsPerToken / s.sixNTotal))
          [[Inference FLOPs per token]]
              Kaplan 2N + 2 L n_ctx d = \(g(s.kaplanInferenceFlopsPerToken))
              Chinchilla App. F       = \(g(s.chinchillaForwardFlopsPerToken))
          """)
      }
    }
  }
}
