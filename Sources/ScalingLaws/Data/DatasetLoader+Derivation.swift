extension DatasetLoader {
  /// Tokens and FLOPs after derivation, where each column came from, and one note per derivation.
  struct Derived {
    var tokens: [Double]?
    var flops: [Double]?
    var sources: [Quantity: ColumnSource]
    var notes: [String]
  }

  /// Derives what the file does not hold (D = step × tokens per step, D = C/(6N), C = 6ND), moves
  /// the sign failures of the inputs onto the derived quantity, and checks that every required
  /// role is present.
  func derive(_ table: inout DatasetTable) throws -> Derived {
    let name = table.file
    let numeric = table.numeric
    var sources = table.columnNames.mapValues { ColumnSource.header($0) }
    if !table.runParts.isEmpty {
      sources[.run] = .header(([table.columnOf[.run]!] + table.runParts).map { table.header[$0] }.joined(separator: ","))
    }
    var notes: [String] = []
    var tokens = numeric[.tokens]
    var flops = numeric[.flops]
    let params = numeric[.params]
    // Tokens are needed for a law that uses them, or to derive C = 6ND when there is no flops column.
    let needTokens = required.contains(.tokens) || (required.contains(.flops) && flops == nil)
    if tokens == nil {
      if let tps = options.tokensPerStep, let steps = numeric[.step] {
        tokens = steps.map { $0 * tps }
        sources[.tokens] = .stepTimesBatch(tokensPerStep: tps)
        notes.append("D = step x \(formatCount(tps)) tokens per step (no tokens column; \(OptionName.tokensPerStep))")
        table.pending += table.pending.filter { $0.quantity == .step }.map {
          DatasetTable.Pending(row: $0.row, quantity: .tokens, error: $0.error)
        }
        for (row, s) in steps.enumerated() where s == 0 {
          table.pending.append(
            DatasetTable.Pending(
              row: row, quantity: .tokens,
              error: CSVError(
                file: name, line: table.lines[row],
                "step 0 gives D = 0 tokens, which is not positive (drop it with \(OptionName.minStep) 1)")))
        }
      } else if let c = flops, let n = params, let rule = options.flopsRule {
        tokens = c.indices.map { row in rule.tokens(c[row], Self.ruleValues(table, row, N: n[row], D: 1)) ?? .nan }
        sources[.tokens] = .computeRule(rule.text)
        notes.append("D from C by the law's compute rule C = \(rule.text) (no tokens column)")
        table.pending += table.pending.filter { $0.quantity == .flops || $0.quantity == .params }.map {
          DatasetTable.Pending(row: $0.row, quantity: .tokens, error: $0.error)
        }
        for (row, d) in tokens!.enumerated() where !(d > 0 && d.isFinite) && c[row] > 0 && n[row] > 0 {
          table.pending.append(
            DatasetTable.Pending(
              row: row, quantity: .tokens,
              error: CSVError(file: name, line: table.lines[row], "no positive D costs C = \(String(format: "%g", c[row])) under the compute rule C = \(rule.text)")))
        }
      } else if let c = flops, let n = params {
        tokens = zip(c, n).map { $0 / (6 * $1) }
        sources[.tokens] = .flopsOverSixN
        notes.append("D = C / (6N) (no tokens column)")
        table.pending += table.pending.filter { $0.quantity == .flops || $0.quantity == .params }.map {
          DatasetTable.Pending(row: $0.row, quantity: .tokens, error: $0.error)
        }
      } else if needTokens {
        var hint = "no tokens column (looked for \(quoted(Quantity.tokens.aliases)); set \(OptionName.tokensColumn))"
        if numeric[.step] != nil { hint += ", or give \(OptionName.tokensPerStep) to derive D from the step column" }
        throw CSVError(file: name, line: 1, hint)
      }
    }
    if flops == nil, let d = tokens, let n = params, let rule = options.flopsRule {
      flops = d.indices.map { row in rule.flops(Self.ruleValues(table, row, N: n[row], D: d[row])) }
      sources[.flops] = .computeRule(rule.text)
      notes.append("C = \(rule.text) (no flops column; the law's compute rule)")
      for (row, c) in flops!.enumerated() where !c.isFinite && n[row].isFinite && d[row].isFinite {
        table.pending.append(
          DatasetTable.Pending(
            row: row, quantity: .flops,
            error: CSVError(file: name, line: table.lines[row], "the compute rule C = \(rule.text) gives \(c) at this row")))
      }
    } else if flops == nil, let d = tokens, let n = params {
      flops = zip(n, d).map { 6 * $0 * $1 }
      sources[.flops] = .sixND
      notes.append("C = 6ND (no flops column)")
      // N and D near 1e300 overflow C = 6ND: an error at the row (if the row is used), never inf.
      for (row, c) in flops!.enumerated() where c.isInfinite && n[row].isFinite && d[row].isFinite {
        table.pending.append(
          DatasetTable.Pending(
            row: row, quantity: .flops,
            error: CSVError(
              file: name, line: table.lines[row],
              "C = 6ND overflows a double (N = \(String(format: "%g", n[row])), D = \(String(format: "%g", d[row])))")))
      }
    }
    for q in required {
      let present: Bool
      switch q {
      case .params: present = params != nil
      case .tokens: present = tokens != nil
      case .flops: present = flops != nil
      case .x: present = numeric[q] != nil || (options.columns[.x] == DatasetLoader.logComputeColumn && flops != nil)
      case .loss, .step, .y: present = numeric[q] != nil
      case .run, .group: present = table.labels[q] != nil
      case .budget, .lr, .peakLR, .totalSteps, .warmupSteps: present = numeric[q] != nil
      case .schedule, .scheduleArgs: present = table.labels[q] != nil
      }
      if !present {
        throw CSVError(
          file: name, line: 1,
          "no \(q.rawValue) column (looked for \(quoted(q.aliases))); name it with \(q.columnOption)")
      }
    }
    return Derived(tokens: tokens, flops: flops, sources: sources, notes: notes)
  }

  /// A row's N, D and law inputs by name, for the compute rule.
  static func ruleValues(_ table: DatasetTable, _ row: Int, N: Double, D: Double) -> [String: Double] {
    var v: [String: Double] = [:]
    for (name, values) in table.inputs { v[name] = values[row] }
    v["N"] = N
    v["D"] = D
    return v
  }
}
