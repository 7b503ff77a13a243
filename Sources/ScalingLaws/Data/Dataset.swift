/// Training results read from one file (or one group of it), after derivations and filters.
/// Column-oriented: `params[i]`, `tokens[i]`, `flops[i]`, `loss[i]` describe point i.
public struct Dataset: Sendable {
  /// The file the points came from.
  public var file: String
  /// The value of the group column for this subset, if grouped.
  public var group: String?
  public var params: [Double]
  public var tokens: [Double]
  public var flops: [Double]
  public var loss: [Double]
  /// Optimiser step, when the file has a step column.
  public var step: [Double]?
  /// Run label per point, when the file has a run column.
  public var run: [String]?
  /// The predictor x of a metric law (`--law sigmoid`); `loss` then holds the metric y.
  public var x: [Double]? = nil
  /// The IsoFLOP budget each point belongs to, when the file has a budget column.
  public var budget: [Double]? = nil
  /// Open inputs a formula law names beyond N, D, C and the step (`--input U=unique_tokens`):
  /// the input's name → its value per point.
  public var inputs: [String: [Double]] = [:]
  /// Learning-rate-schedule inputs per point (set when the law models the schedule).
  public var curve: CurveFeatures? = nil
  /// Rows every bootstrap resample keeps as they are (the ladder's anchor points: constraints,
  /// not data); nil: none.
  public var pinned: [Bool]? = nil
  /// Problems found while reading that the user should see beside any fit (e.g. an lr column
  /// that disagrees with the schedule spec).
  public var warnings: [String] = []
  /// 1-based line of each point in the file.
  public var lines: [Int]
  /// Which column supplied each role (or how it was derived).
  public var sources: [Quantity: ColumnSource]

  /// How outputs name the role's source: the column's name or the derivation ("6ND").
  public func columnName(_ q: Quantity) -> String? { sources[q]?.description }
  /// Sentences describing each derivation (e.g. "D = C / (6N): no tokens column").
  public var derivations: [String]
  /// Each filter applied, with the number of points it removed.
  public var filters: [FilterReport]
  /// Data rows read from the file (before filters).
  public var rowsRead: Int

  public var count: Int { loss.count }

  public init(
    file: String, group: String? = nil, params: [Double], tokens: [Double], flops: [Double],
    loss: [Double], step: [Double]? = nil, run: [String]? = nil, lines: [Int]? = nil,
    sources: [Quantity: ColumnSource] = [:], derivations: [String] = [], filters: [FilterReport] = [],
    rowsRead: Int? = nil
  ) {
    self.file = file
    self.group = group
    self.params = params
    self.tokens = tokens
    self.flops = flops
    self.loss = loss
    self.step = step
    self.run = run
    self.lines = lines ?? Array(2..<(loss.count + 2))  // line 1 is the header
    self.sources = sources
    self.derivations = derivations
    self.filters = filters
    self.rowsRead = rowsRead ?? loss.count
  }

  /// The subset at `indices`, in that order (duplicates allowed: used by the bootstrap).
  public func subset(_ indices: [Int]) -> Dataset {
    var d = self
    for column in [\Dataset.params, \.tokens, \.flops, \.loss] { d[keyPath: column] = self[keyPath: column].picking(indices) }
    for column in [\Dataset.step, \.budget, \.x] { d[keyPath: column] = self[keyPath: column]?.picking(indices) }
    d.inputs = inputs.mapValues { $0.picking(indices) }
    d.run = run?.picking(indices)
    d.pinned = pinned?.picking(indices)
    d.curve = curve?.subset(indices)
    d.lines = lines.picking(indices)
    return d
  }

  /// The range of the runs' peak learning rates over the points `rows` (all points by default);
  /// nil without schedules.
  public func peakRateRange(_ rows: [Int]? = nil) -> ClosedRange<Double>? {
    guard let c = curve else { return nil }
    let peaks = (rows ?? Array(0..<count)).map { c.schedules[c.runIndex[$0]].peakLR }
    guard let lo = peaks.min(), let hi = peaks.max() else { return nil }
    return lo...hi
  }

  /// The range of tokens per parameter D/N over the points with both positive (nil without any).
  public var tokensPerParamRange: ClosedRange<Double>? {
    let r = zip(tokens, params).compactMap { d, n in d > 0 && n > 0 && d.isFinite && n.isFinite ? d / n : nil }
    guard let lo = r.min(), let hi = r.max() else { return nil }
    return lo...hi
  }
}

/// One filter and how many points it removed.
public struct FilterReport: Sendable, Equatable, Codable {
  public var filter: String
  public var removed: Int
  /// Rows skipped because the law cannot take them (`skipOutOfDomain`: `predict` counts them in
  /// its notes), not removed by a filter the user asked for.
  public var outOfDomain = false

  enum CodingKeys: String, CodingKey { case filter, removed }

  public init(filter: String, removed: Int, outOfDomain: Bool = false) {
    self.filter = filter
    self.removed = removed
    self.outOfDomain = outOfDomain
  }
}
