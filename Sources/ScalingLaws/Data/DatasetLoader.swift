import Foundation

/// Reads training-results CSV files into ``Dataset`` values: finds columns by name, parses
/// numbers, derives missing quantities (D = C/(6N), C = 6ND, D = step × tokens-per-step),
/// applies filters and splits by group.
public struct DatasetLoader: Sendable {
  public var options: LoadOptions
  /// Roles the analysis needs (e.g. params, tokens and loss for the Chinchilla law).
  public var required: Set<Quantity>

  public init(options: LoadOptions, required: Set<Quantity>) {
    self.options = options
    self.required = required
  }

  /// A value that failed a positivity check; reported only if its row survives the filters.
  private struct Pending {
    let row: Int
    let quantity: Quantity
    let error: CSVError
  }

  public func load(path: String) throws -> [Dataset] {
    try load(CSVDocument(contentsOf: path))
  }

  public func load(_ doc: CSVDocument) throws -> [Dataset] {
    let name = doc.name
    var header: [String] = []
    var headerFields: [CSVField] = []
    var columnOf: [Quantity: Int] = [:]
    var numeric: [Quantity: [Double]] = [:]
    var labels: [Quantity: [String]] = [:]
    var lines: [Int] = []
    var pending: [Pending] = []
    var rowCount = 0
    let numericRoles = Quantity.allCases.filter { $0.isNumeric }
    // Hot-loop state: plain arrays indexed by slot, no dictionary lookups per field.
    var numericColumns: [(Quantity, Int)] = []
    var labelColumns: [(Quantity, Int)] = []
    var numericValues: [[Double]] = []
    var labelValues: [[String]] = []
    var lastLabelField: [CSVField?] = []
    // A run named by several columns (`--run-column model,deduped`): the others, joined with "/".
    var runParts: [Int] = []

    try doc.forEachRecord { fields in
      if header.isEmpty && headerFields.isEmpty {
        headerFields = fields
        header = fields.map { doc.string($0).trimmingCharacters(in: .whitespaces) }
        try resolveColumns(doc: doc, header: header, fields: fields, into: &columnOf, runParts: &runParts)
        numericColumns = numericRoles.compactMap { q in columnOf[q].map { (q, $0) } }
        labelColumns = Quantity.allCases.filter { $0.isLabel }.compactMap { q in columnOf[q].map { (q, $0) } }
        numericValues = Array(repeating: [], count: numericColumns.count)
        labelValues = Array(repeating: [], count: labelColumns.count)
        lastLabelField = Array(repeating: nil, count: labelColumns.count)
        return
      }
      guard fields.count == header.count else {
        let f = fields.count > header.count ? fields[header.count] : fields[fields.count - 1]
        throw CSVError(
          file: name, line: fields[0].line,
          column: fields.count > header.count ? doc.column(of: f) : nil,
          "row has \(fields.count) fields but the header has \(header.count)")
      }
      let row = rowCount
      rowCount += 1
      lines.append(fields[0].line)
      for (slot, (q, c)) in numericColumns.enumerated() {
        let f = fields[c]
        switch NumberParser.parse(doc.bytes, f.start, f.end, allowSuffix: q.allowsSizeSuffix) {
        case .success(let v):
          if !q.isSigned && (q.allowsZero ? v < 0 : v <= 0) {
            pending.append(
              Pending(
                row: row, quantity: q,
                error: doc.error(
                  f, "column '\(header[c])': \(doc.string(f)) is not \(q.allowsZero ? "non-negative" : "positive")")))
          }
          numericValues[slot].append(v)
        case .failure(let failure):
          let text = clipped(doc.string(f))
          let what: String
          switch failure {
          case .empty: what = "empty value (a number is required)"
          case .notANumber: what = "'\(text)' is not a number"
          case .nan: what = "NaN is not allowed"
          case .infinite: what = "'\(text)' is infinite"
          case .overflow: what = "'\(text)' overflows a double"
          }
          throw doc.error(f, "column '\(header[c])': \(what)")
        }
      }
      for (slot, (q, c)) in labelColumns.enumerated() {
        let f = fields[c]
        if q == .run && !runParts.isEmpty {
          labelValues[slot].append(([c] + runParts).map { doc.string(fields[$0]) }.joined(separator: "/"))
          continue
        }
        // Labels repeat row after row (one run's checkpoints are contiguous): reuse the last
        // string when the bytes are the same instead of building a new one.
        let previous = lastLabelField[slot]
        if let p = previous, p.end - p.start == f.end - f.start, !f.hasEscapedQuotes,
          !p.hasEscapedQuotes,
          doc.bytes[p.start..<p.end].elementsEqual(doc.bytes[f.start..<f.end])
        {
          labelValues[slot].append(labelValues[slot][labelValues[slot].count - 1])
        } else {
          labelValues[slot].append(doc.string(f))
        }
        lastLabelField[slot] = f
      }
    }
    for (slot, (q, _)) in numericColumns.enumerated() { numeric[q] = numericValues[slot] }
    for (slot, (q, _)) in labelColumns.enumerated() { labels[q] = labelValues[slot] }
    if header.isEmpty { throw CSVError(file: name, "file is empty") }
    if rowCount == 0 { throw CSVError(file: name, "no data rows after the header") }

    // Derivations.
    var sources: [Quantity: String] = [:]
    for (q, c) in columnOf { sources[q] = header[c] }
    if !runParts.isEmpty { sources[.run] = ([columnOf[.run]!] + runParts).map { header[$0] }.joined(separator: ",") }
    var derivations: [String] = []
    var tokens = numeric[.tokens]
    var flops = numeric[.flops]
    let params = numeric[.params]
    // Tokens are needed for a law that uses them, or to derive C = 6ND when there is no flops column.
    let needTokens = required.contains(.tokens) || (required.contains(.flops) && flops == nil)
    if tokens == nil {
      if let tps = options.tokensPerStep, let steps = numeric[.step] {
        tokens = steps.map { $0 * tps }
        sources[.tokens] = "step x \(formatCount(tps))"
        derivations.append(
          "D = step x \(formatCount(tps)) tokens per step (no tokens column; --tokens-per-step)")
        pending += pending.filter { $0.quantity == .step }.map {
          Pending(row: $0.row, quantity: .tokens, error: $0.error)
        }
        for (row, s) in steps.enumerated() where s == 0 {
          pending.append(
            Pending(
              row: row, quantity: .tokens,
              error: CSVError(
                file: name, line: lines[row],
                "step 0 gives D = 0 tokens, which is not positive (drop it with --min-step 1)")))
        }
      } else if let c = flops, let n = params {
        tokens = zip(c, n).map { $0 / (6 * $1) }
        sources[.tokens] = "C/(6N)"
        derivations.append("D = C / (6N) (no tokens column)")
        pending += pending.filter { $0.quantity == .flops || $0.quantity == .params }.map {
          Pending(row: $0.row, quantity: .tokens, error: $0.error)
        }
      } else if needTokens {
        var hint = "no tokens column (looked for \(quoted(Quantity.tokens.aliases)); set --tokens-column)"
        if numeric[.step] != nil { hint += ", or give --tokens-per-step to derive D from the step column" }
        throw CSVError(file: name, line: 1, hint)
      }
    }
    if flops == nil, let d = tokens, let n = params {
      flops = zip(n, d).map { 6 * $0 * $1 }
      sources[.flops] = "6ND"
      derivations.append("C = 6ND (no flops column)")
    }
    for q in required {
      let present: Bool
      switch q {
      case .params: present = params != nil
      case .tokens: present = tokens != nil
      case .flops: present = flops != nil
      case .loss, .step, .x, .y: present = numeric[q] != nil
      case .run, .group: present = labels[q] != nil
      case .budget, .lr, .peakLR, .totalSteps, .warmupSteps: present = numeric[q] != nil
      case .schedule, .scheduleArgs: present = labels[q] != nil
      }
      if !present {
        throw CSVError(
          file: name, line: 1,
          "no \(q.rawValue) column (looked for \(quoted(q.aliases))); name it with \(q.flag)")
      }
    }

    // Filters, in a fixed order; each reports how many points it removed.
    var keep = Array(0..<rowCount)
    var filters: [FilterReport] = []
    func apply(_ label: String, _ predicate: (Int) -> Bool) {
      let before = keep.count
      keep = keep.filter(predicate)
      filters.append(FilterReport(filter: label, removed: before - keep.count))
    }
    let runs = labels[.run]
    if !options.excludeRuns.isEmpty {
      guard let runs else {
        throw CSVError(
          file: name, line: 1,
          "--exclude-run needs a run column (looked for \(quoted(Quantity.run.aliases))); name it with --run-column")
      }
      let excluded = Set(options.excludeRuns)
      apply("--exclude-run \(options.excludeRuns.joined(separator: ","))") { !excluded.contains(runs[$0]) }
    }
    if !options.includeRuns.isEmpty {
      guard let runs else {
        throw CSVError(
          file: name, line: 1,
          "--include-run needs a run column (looked for \(quoted(Quantity.run.aliases))); name it with --run-column")
      }
      let present = Set(runs)
      if let missing = options.includeRuns.first(where: { !present.contains($0) }) {
        throw CSVError(file: name, "--include-run \(missing): no such run (the file has \(present.count) runs)")
      }
      let included = Set(options.includeRuns)
      apply("--include-run \(options.includeRuns.joined(separator: ","))") { included.contains(runs[$0]) }
    }
    let curves = runs.map { r in Set(keep.map { r[$0] }).count < keep.count } ?? false
    let finalDefault = !options.finalOnly && options.finalByDefault && curves
    if options.finalOnly || finalDefault {
      guard let runs else {
        throw CSVError(
          file: name, line: 1,
          "--final-only needs a run column (looked for \(quoted(Quantity.run.aliases))); name it with --run-column")
      }
      guard let progress = numeric[.step] ?? tokens else {
        throw CSVError(file: name, line: 1, "--final-only needs a step or tokens column")
      }
      let finals = Set(lastCheckpoints(runs: runs, rows: keep) { progress[$0] })
      apply(
        finalDefault
          ? "last checkpoint of each run (the default for a final-loss law; --checkpoints all keeps every checkpoint)"
          : "--final-only"
      ) { finals.contains($0) }
    }
    if let m = options.minStep {
      guard let steps = numeric[.step] else {
        throw CSVError(
          file: name, line: 1,
          "--min-step needs a step column (looked for \(quoted(Quantity.step.aliases))); name it with --step-column")
      }
      apply("--min-step \(formatCount(m))") { steps[$0] >= m }
    }
    if let m = options.minTokens {
      guard let tokens else { throw CSVError(file: name, line: 1, "--min-tokens needs tokens") }
      apply("--min-tokens \(formatCount(m))") { tokens[$0] >= m }
    }
    if let m = options.maxParams {
      guard let params else { throw CSVError(file: name, line: 1, "--max-params needs a params column") }
      apply("--max-params \(formatCount(m))") { params[$0] <= m }
    }

    // Values that must be positive, in rows that survived.
    let kept = pending.isEmpty ? Set<Int>() : Set(keep)
    var relevant: Set<Quantity> = required.union(required.contains(.tokens) ? [.tokens] : [])
    if options.schedule != nil { relevant.formUnion(Quantity.allCases.filter { $0.isScheduleRole }) }
    if let p = pending.filter({ kept.contains($0.row) && relevant.contains($0.quantity) })
      .min(by: { ($0.row, $0.error.column ?? 0) < ($1.row, $1.error.column ?? 0) })
    {
      throw p.error
    }

    let nan = [Double](repeating: .nan, count: rowCount)
    var full = Dataset(
      file: name, group: nil, params: params ?? nan, tokens: tokens ?? nan, flops: flops ?? nan,
      loss: numeric[options.metric ? .y : .loss] ?? nan, step: numeric[.step], run: runs, lines: lines,
      sources: sources, derivations: derivations, filters: filters, rowsRead: rowCount)
    full.budget = numeric[.budget]
    if options.metric { full.x = numeric[.x] }
    if options.schedule != nil {
      var names: [Quantity: String] = [:]
      for (q, c) in columnOf { names[q] = header[c] }
      let built = try curveFeatures(
        ScheduleInputs(file: name, numeric: numeric, labels: labels, columnName: names, lines: lines, tokens: tokens),
        keep: keep, rowCount: rowCount)
      full.curve = built.features
      full.derivations += built.notes
      full.warnings += built.warnings
    }
    // Split by group (order of first appearance); one dataset when there is no group column.
    guard let g = labels[.group] else { return [full.subset(keep)] }
    let groups = keep.map { g[$0] }.groupedIndices()
    if groups.isEmpty {
      var d = full.subset([])
      d.group = nil
      return [d]
    }
    return groups.map { members in
      var d = full.subset(members.map { keep[$0] })
      d.group = g[keep[members[0]]]
      return d
    }
  }

  private func resolveColumns(
    doc: CSVDocument, header: [String], fields: [CSVField], into columnOf: inout [Quantity: Int],
    runParts: inout [Int]
  ) throws {
    let lower = header.map { $0.lowercased() }
    var seen: [String: Int] = [:]
    for (i, h) in header.enumerated() {
      if let j = seen[h] {
        throw doc.error(fields[i], "duplicate column name '\(h)' (also column \(j + 1))")
      }
      seen[h] = i
    }
    // Columns named explicitly are claimed first, so that a name another role would find by
    // alias (an `lr` column mapped to the peak rate) is not read twice.
    let claimed = Set(options.columns.compactMap { q, name in
      header.firstIndex(of: name) ?? lower.firstIndex(of: name.lowercased())
    })
    // A run column list: "model,deduped" names the run by both columns.
    if let explicit = options.columns[.run], explicit.contains(","), !header.contains(explicit) {
      var indices: [Int] = []
      for name in explicit.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
        guard let i = header.firstIndex(of: name) ?? lower.firstIndex(of: name.lowercased()) else {
          throw CSVError(
            file: doc.name, line: 1, "\(Quantity.run.flag) '\(explicit)': no column '\(name)'; the header has \(quoted(header))")
        }
        indices.append(i)
      }
      columnOf[.run] = indices[0]
      runParts = Array(indices.dropFirst())
    }
    for q in Quantity.allCases {
      if q == .run && columnOf[.run] != nil { continue }
      if q.isScheduleRole && options.schedule == nil { continue }
      if q.isMetricRole != options.metric && (q.isMetricRole || q == .loss) { continue }
      if let explicit = options.columns[q] {
        guard let i = header.firstIndex(of: explicit) ?? lower.firstIndex(of: explicit.lowercased())
        else {
          if options.optionalColumns.contains(q) { continue }
          throw CSVError(
            file: doc.name, line: 1,
            "\(q.flag) '\(explicit)': no such column; the header has \(quoted(header))")
        }
        columnOf[q] = i
      } else {
        for alias in q.aliases {
          if let i = lower.firstIndex(of: alias), !claimed.contains(i) {
            columnOf[q] = i
            break
          }
        }
      }
    }
  }
}
