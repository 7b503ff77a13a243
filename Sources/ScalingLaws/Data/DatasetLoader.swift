import Foundation

/// Reads training-results CSV files into ``Dataset`` values, in four steps with one file each:
/// column resolution and parsing (`+Columns`: the ``DatasetTable``), derivations of missing
/// quantities (`+Derivation`: D = C/(6N), C = 6ND, D = step × tokens-per-step), row filters
/// (`+Filters`), the schedule features of curve laws (`+Schedules`), and the split by group here.
public struct DatasetLoader: Sendable {
  public var options: LoadOptions
  /// The x column name that means log10 of the compute, derived when the file has no such column.
  public static let logComputeColumn = "log10(C)"
  /// Roles the analysis needs (e.g. params, tokens and loss for the Chinchilla law).
  public var required: Set<Quantity>

  public init(options: LoadOptions, required: Set<Quantity>) {
    self.options = options
    self.required = required
  }

  public func load(path: String) throws -> [Dataset] {
    try load(CSVDocument(contentsOf: path))
  }

  public func load(_ doc: CSVDocument) throws -> [Dataset] {
    var table = try readTable(doc)
    let derived = try derive(&table)
    var (keep, filters) = try filterRows(table, tokens: derived.tokens)
    let domain = droppingOutOfDomain(table, keep: keep)
    keep = domain.keep
    if let r = domain.report { filters.append(r) }
    let name = table.file
    // The schedules come before the value checks so that the transient rule, a filter, drops
    // its rows first: a bad value in a row no filter keeps is not an error.
    var built: (features: CurveFeatures, notes: [String], warnings: [String])?
    if options.schedule != nil {
      let features = try curveFeatures(
        ScheduleInputs(
          file: name, numeric: table.numeric, labels: table.labels, columnName: table.columnNames,
          lines: table.lines, tokens: derived.tokens),
        keep: keep, rowCount: table.rowCount)
      built = features
      if let k = options.warmupTransient, options.minStep == nil {
        let transient = Self.droppingWarmupTransient(keep, curve: features.features, multiple: k)
        keep = transient.keep
        if let r = transient.report { filters.append(r) }
      }
    }
    try reportPending(table, keep: keep)

    let nan = [Double](repeating: .nan, count: table.rowCount)
    var full = Dataset(
      file: name, group: nil, params: table.numeric[.params] ?? nan, tokens: derived.tokens ?? nan,
      flops: derived.flops ?? nan, loss: table.numeric[options.metric ? .y : .loss] ?? nan,
      step: table.numeric[.step], run: table.labels[.run], lines: table.lines, sources: derived.sources,
      derivations: derived.notes, filters: filters, rowsRead: table.rowCount)
    full.budget = table.numeric[.budget]
    full.inputs = table.inputs
    if options.metric {
      full.x = table.numeric[.x]
      // A metric law of log10 C (the ladder's direct law) reads its x from the compute when the
      // file has no column of that name: C as given or derived (6ND).
      if full.x == nil, options.columns[.x] == Self.logComputeColumn, let c = derived.flops {
        full.x = c.map { $0 > 0 ? log10($0) : .nan }
        full.sources[.x] = .logCompute
        full.derivations.append("x = log10(C), from the compute column or C = 6ND")
      }
    }
    if let built {
      full.curve = built.features
      full.derivations += built.notes
      full.warnings += built.warnings
    }
    // An excluded run the file does not have excluded nothing: said, since a misspelt name
    // would otherwise leave the run in the fit unnoticed (an unknown --include-run is an error).
    if let runs = table.labels[.run] {
      let present = Set(runs)
      for r in options.excludeRuns where !present.contains(r) {
        full.warnings.append("\(OptionName.excludeRun) \(r): no such run in \(name) (it has \(present.count) runs); nothing was excluded for it")
      }
    }
    return Self.splitByGroup(full, keep: keep, groups: table.labels[.group])
  }

  /// The kept rows of `full`, one dataset per group label in order of first appearance (one
  /// dataset when there is no group column).
  static func splitByGroup(_ full: Dataset, keep: [Int], groups g: [String]?) -> [Dataset] {
    guard let g else { return [full.subset(keep)] }
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
}
