extension DatasetLoader {
  /// The rows that pass the filters, applied in a fixed order (runs excluded, runs included, last
  /// checkpoints, minimum step, minimum tokens, maximum size); each reports how many rows it removed.
  func filterRows(_ table: DatasetTable, tokens: [Double]?) throws -> (keep: [Int], filters: [FilterReport]) {
    let name = table.file
    let numeric = table.numeric
    var keep = Array(0..<table.rowCount)
    var filters: [FilterReport] = []
    func apply(_ label: String, _ predicate: (Int) -> Bool) {
      let before = keep.count
      keep = keep.filter(predicate)
      filters.append(FilterReport(filter: label, removed: before - keep.count))
    }
    let runs = table.labels[.run]
    if !options.excludeRuns.isEmpty {
      guard let runs else {
        throw CSVError(
          file: name, line: 1,
          "\(OptionName.excludeRun) needs a run column (looked for \(quoted(Quantity.run.aliases))); name it with \(OptionName.runColumn)")
      }
      let excluded = Set(options.excludeRuns)
      apply("\(OptionName.excludeRun) \(options.excludeRuns.joined(separator: ","))") { !excluded.contains(runs[$0]) }
    }
    if !options.includeRuns.isEmpty {
      guard let runs else {
        throw CSVError(
          file: name, line: 1,
          "\(OptionName.includeRun) needs a run column (looked for \(quoted(Quantity.run.aliases))); name it with \(OptionName.runColumn)")
      }
      let present = Set(runs)
      if let missing = options.includeRuns.first(where: { !present.contains($0) }) {
        throw CSVError(file: name, "\(OptionName.includeRun) \(missing): no such run (the file has \(present.count) runs)")
      }
      let included = Set(options.includeRuns)
      apply("\(OptionName.includeRun) \(options.includeRuns.joined(separator: ","))") { included.contains(runs[$0]) }
    }
    let curves = runs.map { r in Set(keep.map { r[$0] }).count < keep.count } ?? false
    let finalDefault = !options.finalOnly && options.finalByDefault && curves
    if options.finalOnly || finalDefault {
      guard let runs else {
        throw CSVError(
          file: name, line: 1,
          "\(OptionName.finalOnly) needs a run column (looked for \(quoted(Quantity.run.aliases))); name it with \(OptionName.runColumn)")
      }
      guard let progress = numeric[.step] ?? tokens else {
        throw CSVError(file: name, line: 1, "\(OptionName.finalOnly) needs a step or tokens column")
      }
      let finals = Set(lastCheckpoints(runs: runs, rows: keep) { progress[$0] })
      apply(
        finalDefault
          ? "last checkpoint of each run (the default for a final-loss law; \(OptionName.checkpoints) all keeps every checkpoint)"
          : "\(OptionName.finalOnly)"
      ) { finals.contains($0) }
    }
    if let m = options.minStep {
      guard let steps = numeric[.step] else {
        throw CSVError(
          file: name, line: 1,
          "\(OptionName.minStep) needs a step column (looked for \(quoted(Quantity.step.aliases))); name it with \(OptionName.stepColumn)")
      }
      apply("\(OptionName.minStep) \(formatCount(m))") { steps[$0] >= m }
    }
    if let m = options.minTokens {
      guard let tokens else { throw CSVError(file: name, line: 1, "\(OptionName.minTokens) needs tokens") }
      apply("\(OptionName.minTokens) \(formatCount(m))") { tokens[$0] >= m }
    }
    if let m = options.maxParams {
      guard let params = numeric[.params] else {
        throw CSVError(file: name, line: 1, "\(OptionName.maxParams) needs a params column")
      }
      apply("\(OptionName.maxParams) \(formatCount(m))") { params[$0] <= m }
    }
    return (keep, filters)
  }

  /// The kept rows without the checkpoints before `multiple` × their run's warm-up W
  /// (``RunSchedule/warmupLength``; a run without a warm-up loses nothing), and the filter line
  /// that counts them (nil when none is dropped). A run whose every kept checkpoint falls inside
  /// keeps them all: the rule trims a curve, it never removes a run.
  static func droppingWarmupTransient(_ keep: [Int], curve: CurveFeatures, multiple k: Double) -> (keep: [Int], report: FilterReport?) {
    let warmup = curve.schedules.map { $0.warmupLength }
    func inside(_ row: Int) -> Bool {
      guard let w = warmup[curve.runIndex[row]] else { return false }
      return Double(curve.step[row]) < k * Double(w)
    }
    var survivors: Set<Int> = []
    for row in keep where !inside(row) { survivors.insert(curve.runIndex[row]) }
    let kept = keep.filter { !inside($0) || !survivors.contains(curve.runIndex[$0]) }
    guard kept.count < keep.count else { return (keep, nil) }
    let dropped = Set(keep).subtracting(kept)
    let warmups = Set(dropped.compactMap { warmup[curve.runIndex[$0]] })
    let lo = warmups.min() ?? 0, hi = warmups.max() ?? 0
    let w = lo == hi ? formatCount(Double(lo)) : "\(formatCount(Double(lo)))–\(formatCount(Double(hi)))"
    return (
      kept,
      FilterReport(
        filter: "checkpoints before \(String(format: "%g", k))× their run's warm-up (W = \(w) steps), the end-of-warm-up transient (the default of a learning-rate-aware law; \(OptionName.minStep) sets the first step instead)",
        removed: keep.count - kept.count))
  }

  /// With ``LoadOptions/skipOutOfDomain``: the kept rows without a sign failure in a quantity the
  /// analysis uses, and the filter line that counts the others (with the first one's reason).
  func droppingOutOfDomain(_ table: DatasetTable, keep: [Int]) -> (keep: [Int], report: FilterReport?) {
    guard options.skipOutOfDomain, !table.pending.isEmpty else { return (keep, nil) }
    let relevant = relevantQuantities
    let bad = table.pending.filter { relevant.contains($0.quantity) }
    let badRows = Set(bad.map { $0.row })
    let kept = keep.filter { !badRows.contains($0) }
    guard kept.count < keep.count else { return (keep, nil) }
    let keptSet = Set(keep)
    let first = bad.filter { keptSet.contains($0.row) }.min { ($0.row, $0.error.column ?? 0) < ($1.row, $1.error.column ?? 0) }
    let reason = first.map { $0.error.message } ?? "a value outside the law's domain"
    return (kept, FilterReport(filter: "outside the law's domain, skipped (first: line \(first.map { String($0.error.line ?? 0) } ?? "?"): \(reason))", removed: keep.count - kept.count, outOfDomain: true))
  }

  var relevantQuantities: Set<Quantity> {
    var relevant: Set<Quantity> = required.union(required.contains(.tokens) ? [.tokens] : [])
    if options.schedule != nil { relevant.formUnion(Quantity.allCases.filter { $0.isScheduleRole }) }
    if options.signedLoss { relevant.remove(.loss) }
    return relevant
  }

  /// Throws the first (by row, then column) sign failure among the kept rows, for a quantity the
  /// analysis uses; a bad value in a filtered-out row or an unused column is not an error.
  func reportPending(_ table: DatasetTable, keep: [Int]) throws {
    guard !table.pending.isEmpty else { return }
    let kept = Set(keep)
    let relevant = relevantQuantities
    if let p = table.pending.filter({ kept.contains($0.row) && relevant.contains($0.quantity) })
      .min(by: { ($0.row, $0.error.column ?? 0) < ($1.row, $1.error.column ?? 0) })
    {
      throw p.error
    }
  }
}
