import Foundation

/// `scaling plan`'s three formats: the answers (one block each, or a sweep's table), the
/// transformer shapes proposed near the first answer's N, and a mixture of experts' answers
/// beside the dense ones with the sentence comparing them.
extension PlanRequest {
  public func text(
    _ answers: [Allocation], moe: [Allocation]?, template: ExpertTemplate?, shapes: TransformerShape.Proposals?, law: PlanningLaw
  ) -> String {
    func block(_ a: [Allocation]) -> String {
      isSweep
        ? Allocation.sweepTable(a, law: law, hardware: hardware)
        : a.map { $0.text(law: law, hardware: hardware) }.joined(separator: "\n")
    }
    var text = block(answers)
    for s in shapes?.shapes ?? [] {
      text += "    shape        = \(s.layers) layers x d_model \(s.dModel), \(s.heads) heads, d_ff \(Int(s.dFF)), vocab \(s.vocab): \(shortCount(s.totalParams)) params total, \(shortCount(s.nonEmbeddingParams)) non-embedding\n"
    }
    if let shapes {
      text += "    shapes match = N as \(shapes.count.rawValue) parameters\n"
      if let note = shapes.note { text += "    note: \(note)\n" }
    }
    if let moe, let t = template {
      text += "\n[[Mixture of experts]] \(t.label), the law's N = \(t.lawParams.rawValue) parameters\n"
      text += block(moe)
      if let c = comparison(dense: answers, moe: moe) { text += "\n[[Dense or mixture]]\n    \(c)\n" }
    }
    return text
  }

  public func json(_ answers: [Allocation], moe: [Allocation]?, shapes: TransformerShape.Proposals?, law: PlanningLaw) -> JSONValue {
    func value(_ a: [Allocation]) -> JSONValue {
      isSweep
        ? .object([("law", .string(law.name)), ("law_source", .string(law.source)), ("plans", .array(a.map { $0.json(law: law, hardware: hardware) }))])
        : a[0].json(law: law, hardware: hardware)
    }
    var v = value(answers)
    if let shapes, case .object(var kv) = v {
      kv.append(("shapes_match", .string(shapes.count.rawValue)))
      if let note = shapes.note { kv.append(("shapes_note", .string(note))) }
      kv.append((
        "shapes",
        .array(shapes.shapes.map { s in
          .object([
            ("layers", .int(s.layers)), ("d_model", .int(s.dModel)), ("heads", .int(s.heads)),
            ("d_ff", .num(s.dFF)), ("vocab", .int(s.vocab)), ("params_total", .num(s.totalParams)),
            ("params_non_embedding", .num(s.nonEmbeddingParams)),
          ])
        })))
      v = .object(kv)
    }
    if let moe {
      v = .object([("dense", v), ("moe", value(moe)), ("comparison", comparison(dense: answers, moe: moe).map { .string($0) } ?? .null)])
    }
    return v
  }
}

extension PlanningLaw {
  /// `scaling plan --list-laws`: every named constant set with its a = β/(α+β), D/N at 1e23
  /// FLOPs and source, then Kaplan's frontier.
  public static var listing: String {
    var s = ""
    for c in ChinchillaConstants.named {
      s += "\(c.name)\n    L = E + A/N^alpha + B/D^beta: E = \(c.E), A = \(c.A), B = \(c.B), alpha = \(c.alpha), beta = \(c.beta)\n"
      s += "    a = beta/(alpha+beta) = \(number("%.4f", c.a)); D/N at 1e23 FLOPs = \(number("%.1f", c.optimalTokens(flops: 1e23) / c.optimalParams(flops: 1e23)))\n"
      s += "    source: \(c.source)\n"
    }
    let k = KaplanFrontier()
    s += "kaplan\n    N_opt = 1.3e9 C^0.73, D_opt = 2e10 C^0.27, L = (3.1e8/C)^0.050 (C in PF-days = 8.64e19 FLOPs)\n    source: \(k.source)\n"
    for f in NamedFormula.all where f.publishedValues != nil {
      let law = f.law()
      let values = law.parameterNames.map { "\($0) = \(f.published[$0]!)" }.joined(separator: ", ")
      let inputs = f.inputs.map { "\($0.name) (--at \($0.name)=VALUE or --choose \($0.name)=LO:HI)" }.joined(separator: ", ")
      s += "\(f.name)\n    L = \(f.text): \(values)\n"
      s += "    inputs besides N and D: \(inputs); compute rule C = \(law.compute.text)\n"
      s += "    source: \(f.publishedSource ?? f.source)\n"
    }
    return s
  }
}
