import ArgumentParser
import ScalingLaws

extension ScalingTool {
  struct Flops: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "flops",
      abstract: "Count a model's parameters (total and active) and FLOPs per token from its shape or a preset.",
      discussion: """
        Parameters count weight matrices only (no biases, norms or learned position table), \
        embeddings counted separately; a mixture of experts counts every expert in the total and \
        the experts a token uses in the active count, and FLOPs follow the active ones. FLOPs per \
        token are given three ways: Kaplan's 6N + 6 n_layer n_ctx d_attn, Chinchilla App. F \
        (3 x forward), and the 6N shortcut; a windowed layer attends to at most its window, a \
        state-space layer adds its scan.
        """)

    @OptionGroup var shapeOptions: ShapeOptions
    @Option(help: "Context length n_ctx of the FLOPs count (a preset's maximum context is not used).") var context: Int = 2048
    @Option(help: "Output format.") var format: FlopsFormat = .text
    @OptionGroup var destination: OutputOption

    enum FlopsFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
      if shapeOptions.listModels { return }
      if !shapeOptions.shapeGiven { throw ValidationError("Give a shape (--layers, --d-model and --heads) or --model NAME.") }
      if context < 1 { throw ValidationError("--context must be at least 1.") }
    }

    func shape() throws -> TransformerShape {
      guard var s = try shapeOptions.resolved() else { throw ValidationError("Give a shape or --model NAME.") }
      s.context = context
      return s
    }

    func run() throws {
      if shapeOptions.listModels {
        try destination.emit(ShapeOptions.modelList(json: format == .json))
        return
      }
      let s = try shape()
      let g = { (v: Double) in String(format: "%.6g", v) }
      switch format {
      case .json:
        let v: JSONValue = .object([
          ("params_non_embedding", .num(s.nonEmbeddingParams)), ("params_embedding", .num(s.embeddingParams)),
          ("params_total", .num(s.totalParams)), ("params_active", .num(s.activeParams)),
          ("params_active_non_embedding", .num(s.activeNonEmbeddingParams)), ("d_ff", .num(s.dFF)),
          ("context", .int(s.context)),
          ("kv_cache_bytes_per_token_bf16", .num(s.kvBytesPerToken(bits: 16))),
          ("state_bytes_per_sequence_bf16", .num(s.stateBytesPerSequence(bits: 16))),
          ("convention", .string("weight matrices only; no biases, norms or position table; active = total less the unused routed experts")),
          ("training_flops_per_token_kaplan", .num(s.kaplanTrainingFlopsPerToken)),
          ("training_flops_per_token_chinchilla_app_f", .num(s.chinchillaTrainingFlopsPerToken)),
          ("training_flops_per_token_6n_total", .num(s.sixNTotal)),
          ("training_flops_per_token_6n_non_embedding", .num(s.sixNNonEmbedding)),
          ("inference_flops_per_token_kaplan", .num(s.kaplanInferenceFlopsPerToken)),
          ("inference_flops_per_token_chinchilla_app_f", .num(s.chinchillaForwardFlopsPerToken)),
        ])
        try destination.emit(v.rendered() + "\n")
      case .text:
        var head = "[[Shape]] \(shapeOptions.model.map { "\($0): " } ?? "")\(s.layers) layers, d_model \(s.dModel)"
        if s.attentionLayers > 0 { head += ", \(s.heads) heads (\(s.kvHeads) kv)" }
        head += ", d_ff \(g(s.dFF))\(s.swiglu ? " SwiGLU" : ""), vocab \(s.vocab), context \(s.context)\(s.tiedEmbeddings ? ", tied embeddings" : "")"
        if let e = s.experts {
          head += "\n    experts                = \(e.experts) routed (\(e.active) active\(e.shared > 0 ? ", \(e.shared) shared" : "")), d_ff \(g(s.expertFFN)) each, in \(s.moeLayers) of \(s.layers) layers"
        }
        if let m = s.latentAttention {
          head += "\n    latent attention       = KV rank \(m.kvRank) + RoPE \(m.ropeDim)\(m.qRank.map { ", query rank \($0)" } ?? "")"
        }
        if let w = s.window {
          head += "\n    sliding window         = \(w.window) tokens in \(s.localAttentionLayers) of \(s.attentionLayers) attention layers (pattern \(w.patternText))"
        }
        if let m = s.stateSpace {
          head += "\n    state-space layers     = \(m.layers) \(m.isMamba2 ? "Mamba-2" : "Mamba-1") (state \(m.state), expand \(m.expand), conv \(m.conv))"
        }
        var active = ""
        if s.experts != nil {
          active = """

                params (active)        = \(g(s.activeParams)) (\(shortCount(s.activeParams))); non-embedding \(g(s.activeNonEmbeddingParams))
            """
        }
        try destination.emit("""
          \(head)
              params (non-embedding) = \(g(s.nonEmbeddingParams)) (\(shortCount(s.nonEmbeddingParams)))
              params (embeddings)    = \(g(s.embeddingParams))
              params (total)         = \(g(s.totalParams)) (\(shortCount(s.totalParams)))\(active)
              convention             = weight matrices only; no biases, norms or position table
          [[Training FLOPs per token]]
              Kaplan 6N + 6 L n_ctx d = \(g(s.kaplanTrainingFlopsPerToken))
              Chinchilla App. F (3x)  = \(g(s.chinchillaTrainingFlopsPerToken))
              6N (N \(s.experts != nil ? "active" : "total"))\(s.experts != nil ? "" : " ")           = \(g(s.sixNTotal))
              6N (N non-embedding)    = \(g(s.sixNNonEmbedding))
              App. F / 6N             = \(String(format: "%.3f", s.chinchillaTrainingFlopsPerToken / s.sixNTotal))
          [[Inference FLOPs per token]]
              Kaplan 2N + 2 L n_ctx d = \(g(s.kaplanInferenceFlopsPerToken))
              Chinchilla App. F       = \(g(s.chinchillaForwardFlopsPerToken))

          """)
      }
    }
  }
}
