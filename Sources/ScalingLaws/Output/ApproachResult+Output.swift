import Foundation

extension ApproachResult {
  public var json: JSONValue {
    func iv(_ k: String) -> JSONValue { intervals[k].map { .array([.num($0.0), .num($0.1)]) } ?? .null }
    var fields: [(String, JSONValue)] = [
      ("schema_version", .int(FitDocument.schemaVersion)),
      ("file", .string(file)),
      ("group", group.map { .string($0) } ?? .null),
      ("approach", .string(approach.rawValue)),
    ]
    if approach == .isoflop { fields.append(("vertex", .string(vertex.rawValue))) }
    fields += [
      ("points", .int(dataset.count)),
      ("a", .num(a)), ("b", .num(b)),
      ("n_opt_scale", .num(kN)), ("d_opt_scale", .num(kD)),
      ("loss_law", lossLaw.map(Self.json) ?? .null),
    ]
    let ivs: [(String, JSONValue)] = ["a", "b", "params_at_largest", "tokens_at_largest", "loss_at_largest"].map { ($0, iv($0)) }
    fields.append(("intervals", .object(ivs)))
    let boot: JSONValue = bootstrapResamples > 0
      ? .object([("resamples", .int(bootstrapResamples)), ("seed", .number(Double(seed))), ("failed", .int(bootstrapFailed)), ("confidence", .num(confidence))])
      : .null
    fields.append(("bootstrap", boot))
    let largestLoss: JSONValue = lossLaw.map { .num($0.loss(flops: largestBudget)) } ?? .null
    fields.append(("largest_budget", .object([
      ("flops", .num(largestBudget)), ("params", .num(paramsAtLargest)), ("tokens", .num(tokensAtLargest)), ("loss", largestLoss),
    ])))
    let budgetRows: [JSONValue] = budgets.map { b in
      let sampled: JSONValue = b.sampledParams.map { .array([.num($0.lowerBound), .num($0.upperBound)]) } ?? .null
      return .object([
        ("flops", .num(b.flops)), ("params", .num(b.params)), ("tokens", .num(b.tokens)), ("loss", .num(b.loss)),
        ("points", .int(b.points)), ("used", .bool(b.used)), ("vertex_in_range", .bool(b.vertexInRange)),
        ("sampled_params", sampled),
      ])
    }
    fields.append(("budgets", .array(budgetRows)))
    fields.append(("warnings", .array(warnings.map { .string($0) })))
    fields.append(("notes", .array(notes.map { .string($0) })))
    let sampleRows: [JSONValue] = samples.map { f in
      let law: JSONValue = f.lossLaw.map(Self.json) ?? .null
      return .object([("a", .num(f.a)), ("n_opt_scale", .num(f.kN)), ("b", .num(f.b)), ("d_opt_scale", .num(f.kD)), ("loss_law", law)])
    }
    fields.append(("bootstrap_samples", samples.isEmpty ? .null : .array(sampleRows)))
    return .object(fields)
  }

  static func json(_ l: OptimalLossLaw) -> JSONValue {
    .object([("E", .num(l.E)), ("k", .num(l.k)), ("gamma", .num(l.gamma))])
  }

  public var textReport: String {
    var s = "[[\(approach == .envelope ? "Approach 1: envelope" : "Approach 2: IsoFLOP")]] \(group.map { "\(file) [group \($0)]" } ?? file)\n"
    s += "    points       = \(dataset.count)\n"
    s += "    budgets      = \(budgets.count) (\(budgets.filter { $0.used }.count) used)\n"
    func iv(_ k: String) -> String { intervals[k].map { " [\(number("%.4g", $0.0)), \(number("%.4g", $0.1))]" } ?? "" }
    s += "    a (N_opt ~ C^a) = \(number("%.4f", a))\(iv("a"))\n"
    s += "    b (D_opt ~ C^b) = \(number("%.4f", b))\(iv("b"))\n"
    if bootstrapResamples > 0 {
      s += "    bootstrap    = \(bootstrapResamples) resamples, seed \(seed), \(bootstrapFailed) failed; \(Int(100 * confidence))% intervals\n"
    }
    s += "    at the largest budget \(number("%.3g", largestBudget)) FLOPs: N = \(shortCount(paramsAtLargest))\(intervals["params_at_largest"].map { " [\(shortCount($0.0)), \(shortCount($0.1))]" } ?? ""), D = \(shortCount(tokensAtLargest))\(intervals["tokens_at_largest"].map { " [\(shortCount($0.0)), \(shortCount($0.1))]" } ?? "")\n"
    if let l = lossLaw {
      s += "    L*(C) = E + k*C^-gamma: E = \(number("%.4g", l.E)), k = \(number("%.4g", l.k)), gamma = \(number("%.4f", l.gamma)); at the largest budget L* = \(number("%.4f", l.loss(flops: largestBudget)))\(iv("loss_at_largest"))\n"
    }
    s += "    budget       N_opt      D_opt      loss     points\(approach == .isoflop ? "  vertex" : "")\n"
    for b in budgets {
      var line = "    " + number("%-12.4g", b.flops) + shortCount(b.params).padding(toLength: 11, withPad: " ", startingAt: 0)
        + shortCount(b.tokens).padding(toLength: 11, withPad: " ", startingAt: 0) + number("%-9.4f", b.loss) + String(format: "%-8d", b.points)
      if approach == .isoflop || !b.vertexInRange {
        line += b.vertexInRange ? "inside" : (approach == .isoflop ? "OUTSIDE sampled range" : "edge size") + (b.used ? " (kept)" : " (excluded)")
      }
      while line.hasSuffix(" ") { line.removeLast() }
      s += line + "\n"
    }
    for n in notes { s += "    note: \(n)\n" }
    if !warnings.isEmpty {
      s += "[[Warnings]]\n"
      for w in warnings { s += "    - \(w)\n" }
    }
    return s
  }
}
