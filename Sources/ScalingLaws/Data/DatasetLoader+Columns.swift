import Foundation

extension DatasetLoader {
  /// Finds each role's column in the header and parses every row: numbers for numeric roles
  /// (a sign failure is kept as pending), strings for labels. Errors name file:line:column.
  func readTable(_ doc: CSVDocument) throws -> DatasetTable {
    var table = DatasetTable(file: doc.name)
    var headerFields: [CSVField] = []
    let numericRoles = Quantity.allCases.filter { $0.isNumeric }
    // Hot-loop state: plain arrays indexed by slot, no dictionary lookups per field.
    var numericColumns: [(Quantity, Int)] = []
    var labelColumns: [(Quantity, Int)] = []
    var numericValues: [[Double]] = []
    var labelValues: [[String]] = []
    var lastLabelField: [CSVField?] = []
    var inputColumns: [(String, Int)] = []
    var inputValues: [[Double]] = []

    try doc.forEachRecord { fields in
      if table.header.isEmpty && headerFields.isEmpty {
        headerFields = fields
        table.header = fields.map { doc.string($0).trimmingCharacters(in: .whitespaces) }
        try resolveColumns(doc: doc, fields: fields, into: &table)
        numericColumns = numericRoles.compactMap { q in table.columnOf[q].map { (q, $0) } }
        labelColumns = Quantity.allCases.filter { $0.isLabel }.compactMap { q in table.columnOf[q].map { (q, $0) } }
        numericValues = Array(repeating: [], count: numericColumns.count)
        labelValues = Array(repeating: [], count: labelColumns.count)
        lastLabelField = Array(repeating: nil, count: labelColumns.count)
        inputColumns = table.inputColumn.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        inputValues = Array(repeating: [], count: inputColumns.count)
        return
      }
      let header = table.header
      guard fields.count == header.count else {
        let f = fields.count > header.count ? fields[header.count] : fields[fields.count - 1]
        throw CSVError(
          file: doc.name, line: fields[0].line,
          column: fields.count > header.count ? doc.column(of: f) : nil,
          "row has \(fields.count) fields but the header has \(header.count)")
      }
      let row = table.rowCount
      table.rowCount += 1
      table.lines.append(fields[0].line)
      for (slot, (q, c)) in numericColumns.enumerated() {
        let f = fields[c]
        switch NumberParser.parse(doc.bytes, f.start, f.end, allowSuffix: q.allowsSizeSuffix) {
        case .success(let v):
          if !q.isSigned && (q.allowsZero ? v < 0 : v <= 0) {
            table.pending.append(
              DatasetTable.Pending(
                row: row, quantity: q,
                error: doc.error(
                  f, "column '\(header[c])': \(doc.string(f)) is not \(q.allowsZero ? "non-negative" : "positive")")))
          }
          numericValues[slot].append(v)
        case .failure(let failure):
          throw doc.error(f, "column '\(header[c])': \(Self.describe(failure, clipped(doc.string(f))))")
        }
      }
      for (slot, (name, c)) in inputColumns.enumerated() {
        let f = fields[c]
        switch NumberParser.parse(doc.bytes, f.start, f.end, allowSuffix: true) {
        case .success(let v): inputValues[slot].append(v)
        case .failure(let failure):
          throw doc.error(f, "column '\(header[c])': \(Self.describe(failure, clipped(doc.string(f)))) (input \(name))")
        }
      }
      for (slot, (q, c)) in labelColumns.enumerated() {
        let f = fields[c]
        if q == .run && !table.runParts.isEmpty {
          labelValues[slot].append(([c] + table.runParts).map { doc.string(fields[$0]) }.joined(separator: "/"))
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
    for (slot, (q, _)) in numericColumns.enumerated() { table.numeric[q] = numericValues[slot] }
    for (slot, (q, _)) in labelColumns.enumerated() { table.labels[q] = labelValues[slot] }
    for (slot, (name, _)) in inputColumns.enumerated() { table.inputs[name] = inputValues[slot] }
    if table.header.isEmpty { throw CSVError(file: doc.name, "file is empty") }
    if table.rowCount == 0 { throw CSVError(file: doc.name, "no data rows after the header") }
    return table
  }

  /// What is wrong with a field that is not a number.
  static func describe(_ failure: NumberParser.Failure, _ text: String) -> String {
    switch failure {
    case .empty: return "empty value (a number is required)"
    case .notANumber: return "'\(text)' is not a number"
    case .nan: return "NaN is not allowed"
    case .infinite: return "'\(text)' is infinite"
    case .overflow: return "'\(text)' overflows a double"
    }
  }

  /// The column of every role: explicit names first, then each role's aliases (case-insensitive)
  /// among the columns nobody claimed. Duplicate header names and missing explicit columns are errors.
  private func resolveColumns(doc: CSVDocument, fields: [CSVField], into table: inout DatasetTable) throws {
    let header = table.header
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
            file: doc.name, line: 1, "\(Quantity.run.columnOption) '\(explicit)': no column '\(name)'; the header has \(quoted(header))")
        }
        indices.append(i)
      }
      table.columnOf[.run] = indices[0]
      table.runParts = Array(indices.dropFirst())
    }
    for (name, column) in options.inputs.sorted(by: { $0.key < $1.key }) {
      guard let i = header.firstIndex(of: column) ?? lower.firstIndex(of: column.lowercased()) else {
        throw CSVError(
          file: doc.name, line: 1, "\(OptionName.input) \(name)=\(column): no such column; the header has \(quoted(header))")
      }
      table.inputColumn[name] = i
    }
    for q in Quantity.allCases {
      if q == .run && table.columnOf[.run] != nil { continue }
      if q.isScheduleRole && options.schedule == nil { continue }
      if q.isMetricRole != options.metric && (q.isMetricRole || q == .loss) { continue }
      if let explicit = options.columns[q] {
        guard let i = header.firstIndex(of: explicit) ?? lower.firstIndex(of: explicit.lowercased())
        else {
          if options.optionalColumns.contains(q) { continue }
          // x = log10(C), derived from the compute (the ladder's direct law; see `load`).
          if q == .x && explicit == DatasetLoader.logComputeColumn { continue }
          throw CSVError(
            file: doc.name, line: 1,
            "\(q.columnOption) '\(explicit)': no such column; the header has \(quoted(header))")
        }
        table.columnOf[q] = i
      } else {
        for alias in q.aliases {
          if let i = lower.firstIndex(of: alias), !claimed.contains(i) {
            table.columnOf[q] = i
            break
          }
        }
      }
    }
  }
}
