import Foundation

/// `scaling predict` with CSV files: the fit (and, chained, a second-step metric fit) applied to
/// every row of the files, read with the columns the fit recorded unless the caller's load
/// options name others. Every row is predicted (no default filters); rows outside the law's
/// domain are skipped.
public struct PredictRequest: Sendable {
  public var fit: FitFile
  /// A metric law fitted against `fit`'s loss (the ladder's step 2): its prediction at the
  /// first fit's prediction.
  public var then: FitFile?

  /// A usage problem with the pair of fits (exit 2 in the tool).
  public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  /// Checks that a chain is a loss law's fit followed by a metric law fitted against that loss.
  public init(fit: FitFile, then: FitFile? = nil) throws {
    self.fit = fit
    self.then = then
    guard let t = then else { return }
    guard !fit.kind.isMetricLaw else {
      throw UsageError(description: "\(fit.path): a \(fit.lawName) fit predicts a metric; the first step of --then must be a loss law (step 1: task loss from N and D)")
    }
    guard t.kind.isMetricLaw else {
      throw UsageError(description: "\(t.path): a \(t.lawName) fit is not a metric law of a loss; --then needs a sigmoid fit (scaling fit --law sigmoid)")
    }
    if let x = t.columns[.x], let loss = fit.columns[.loss], x.lowercased() != loss.lowercased() {
      throw UsageError(
        description: "\(t.path) fits its metric against x = '\(x)', but \(fit.path) predicts '\(loss)': the chained x would be a different quantity (fit step 2 with --x-column \(loss))")
    }
  }

  /// The predictions for every (file, group) of `files`. `loading` holds the caller's column
  /// names and filters (they win over the fit's); `schedule` the caller's schedule settings for
  /// a learning-rate-aware law (nil: the schedule the fit recorded).
  public func rows(_ files: [String], loading: LoadOptions, schedule: ScheduleOptions?) throws -> [Prediction] {
    var options = loading
    for (q, name) in fit.columns where options.columns[q] == nil { options.columns[q] = name }
    options.skipOutOfDomain = true
    let caller = loading.columns
    /// A document's options: a column the fit recorded (and the caller did not name) is used
    /// when the file has it; without it, the loader looks for the quantity by its usual names, an
    /// observed loss or metric missing means predictions without observed values, and no error
    /// blames a flag the user never gave.
    func recorded(_ base: LoadOptions, for doc: CSVDocument) -> LoadOptions {
      var o = base
      let header = Set(doc.headerNames.map { $0.lowercased() })
      for (q, name) in o.columns
      where caller[q] == nil && name != DatasetLoader.logComputeColumn && !header.contains(name.lowercased()) {
        o.columns[q] = nil
      }
      return o
    }
    if fit.kind.isMetricLaw {
      options.metric = true
      options.optionalColumns = [.y]
      let documents = try files.map { try CSVDocument(contentsOf: $0) }
      return try selected(documents.flatMap { try DatasetLoader(options: recorded(options, for: $0), required: [.x]).load($0) }).map { Prediction(fit: fit, dataset: $0, hasLoss: $0.sources[.y] != nil) }
    }
    if options.tokensPerStep == nil { options.tokensPerStep = fit.tokensPerStep }
    // A formula law's inputs: the columns the fit read them from, unless the caller names others.
    if let f = fit.law.baseLaw as? FormulaLaw {
      for (name, column) in f.spec.inputs where options.inputs[name] == nil { options.inputs[name] = column }
      options.signedLoss = f.linearResponse
      options.flopsRule = f.compute.flopsRule
    }
    if fit.kind.modelsSchedule { options.schedule = schedule ?? fit.schedule ?? ScheduleOptions() }
    var required = fit.law.required
    required.remove(.loss)
    let documents = try files.map { try CSVDocument(contentsOf: $0) }
    let datasets = try selected(documents.flatMap { try DatasetLoader(options: recorded(options, for: $0), required: required).load($0) })
    guard let t = then else {
      return datasets.map { Prediction(fit: fit, dataset: $0, hasLoss: $0.sources[.loss] != nil) }
    }
    // The observed metric of each row, read with the same filters (so the same rows).
    var metricOptions = options
    metricOptions.columns[.y] = t.columns[.y]
    metricOptions.metric = true
    metricOptions.optionalColumns = [.y]
    metricOptions.schedule = nil
    let observed = try selected(documents.flatMap { try DatasetLoader(options: recorded(metricOptions, for: $0), required: []).load($0) })
    return zip(datasets, observed).map { d, m in
      let aligned = m.sources[.y] != nil && m.lines == d.lines
      return Prediction(fit: fit, dataset: d, hasLoss: d.sources[.loss] != nil, then: t, observedMetric: aligned ? m.loss : nil)
    }
  }

  /// The rows a fit of one group predicts: with a fit of group G and data split into groups,
  /// only group G's rows (a fit of one group applied to another's rows answers another question);
  /// a fit without a group, or data without groups, predicts every dataset.
  func selected(_ datasets: [Dataset]) throws -> [Dataset] {
    guard let g = fit.group, datasets.contains(where: { $0.group != nil }) else { return datasets }
    let mine = datasets.filter { $0.group == g }
    guard !mine.isEmpty else {
      var groups: [String] = []
      for d in datasets { if let h = d.group, !groups.contains(h) { groups.append(h) } }
      throw UsageError(
        description: "\(fit.path): the fit is of group '\(g)', and the data have no rows of that group (groups: \(groups.joined(separator: ", "))); pick the fit of one of those with --group")
    }
    return mine
  }
}
