import Foundation

/// How the two steps of the ladder see the data (issue 27; the published ladder method, Bhagia et
/// al. 2024, and its variants). Every option is off by default: the README's backtest table on the
/// OLMo ladder says why.
public struct LadderOptions: Sendable, Equatable {
  /// Step 1 on each run's final checkpoint only, its task loss the mean of the run's last K
  /// evaluations (less evaluation noise); only the final checkpoints are then predicted.
  public var step1AverageLast: Int? = nil
  /// Step 2 without each run's first fraction F of its steps (the early transient).
  public var step2SkipFraction: Double = 0
  /// Step 2 on a centred moving average of K checkpoints of each run (task loss and metric).
  public var step2Smooth: Int? = nil
  /// Ideal points (task loss, metric) added to step 2's data, each weighing as much as one run
  /// (as many copies as the runs' mean number of checkpoints) and kept in every bootstrap
  /// resample. nil: the default, the ideal point (0, 1) (a perfect task loss gives a perfect
  /// score) when every metric value is in [0, 1] and every task loss is at least 0, else none.
  public var anchors: [Anchor]? = nil
  /// The metric's lower level, fixed (the task's chance level): the sigmoid's b.
  public var chance: Double? = nil
  /// How the metric is predicted: through the task loss (two steps), from log10 of the compute
  /// C = 6ND directly (one sigmoid rising in log C), or `auto` (the default): two steps, and for a
  /// task the predictability check calls unpredictable, the direct law instead when it predicts
  /// the largest fitted size better than the chain when both are refitted without it (the
  /// backtest inside the ladder; two steps with fewer than three fitted sizes).
  public var method: Method = .auto

  public enum Method: String, Sendable, CaseIterable {
    case twoStep = "two-step"
    case direct
    case auto
  }

  public var direct: Bool { method == .direct }

  public struct Anchor: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
      self.x = x
      self.y = y
    }
  }

  public init() {}

  public var isDefault: Bool { self == LadderOptions() }

  /// The settings in words, for the outputs ("" when all are off).
  public var summary: String {
    var parts: [String] = []
    if let k = step1AverageLast { parts.append("step 1 on final checkpoints, each the mean of its last \(k) evaluations") }
    if step2SkipFraction > 0 { parts.append("step 2 skips the first \(String(format: "%g", 100 * step2SkipFraction))% of each run") }
    if let k = step2Smooth { parts.append("step 2 on a \(k)-checkpoint moving average") }
    for a in anchors ?? [] { parts.append("anchor (\(String(format: "%g", a.x)), \(String(format: "%g", a.y)))") }
    if let c = chance { parts.append("lower level fixed at chance \(String(format: "%g", c))") }
    if method == .direct { parts.append("direct: the metric from log10 C in one step") }
    if method == .auto { parts.append("two steps or direct, chosen by the backtest inside the ladder") }
    return parts.joined(separator: "; ")
  }

  /// The anchors for step 2's data `d`: the given ones, or by default (0, 1) when every metric
  /// value is in [0, 1] and every task loss is at least 0 (none for the direct law).
  public func resolvedAnchors(_ d: Dataset) -> [Anchor] {
    if let anchors { return anchors }
    guard method != .direct, let x = d.x, !x.isEmpty else { return [] }
    let metricInUnit = d.loss.allSatisfy { $0 >= 0 && $0 <= 1 }
    let lossNonNegative = x.allSatisfy { $0 >= 0 }
    return metricInUnit && lossNonNegative ? [Anchor(x: 0, y: 1)] : []
  }

  /// Rows of `d` ordered by step (tokens without a step column) within each run, runs in order
  /// of first appearance; one "run" without a run column.
  static func runs(_ d: Dataset) -> [[Int]] {
    let labels = d.run ?? Array(repeating: "", count: d.count)
    let position = d.step ?? d.tokens
    return labels.groupedIndices().map { $0.sorted { position[$0] < position[$1] } }
  }

  /// Step 1's data: each run's final checkpoint with the mean task loss of its last `k` rows.
  public func step1Data(_ d: Dataset) throws -> Dataset {
    guard let k = step1AverageLast else { return d }
    guard d.run != nil else {
      throw FitError("\(d.file): \(OptionName.step1AverageLast) needs a run column (name it with \(OptionName.runColumn))")
    }
    let groups = Self.runs(d)
    var out = d.subset(groups.map { $0.last! })
    for (j, rows) in groups.enumerated() {
      let tail = rows.suffix(k)
      out.loss[j] = tail.map { d.loss[$0] }.reduce(0, +) / Double(tail.count)
    }
    out.derivations.append("step 1 on each run's final checkpoint, its task loss the mean of the last \(k) evaluations")
    return out
  }

  /// Step 2's data: skip, smooth, then the anchors (pinned rows: never held out, in every resample).
  public func step2Data(_ d: Dataset) throws -> Dataset {
    var out = d
    if step2SkipFraction > 0 {
      let position = d.step ?? d.tokens
      var keep: [Int] = []
      for rows in Self.runs(d) {
        guard let end = rows.last.map({ position[$0] }) else { continue }
        keep += rows.filter { position[$0] >= step2SkipFraction * end }
      }
      keep.sort()
      out = d.subset(keep)
      out.filters.append(FilterReport(filter: "step 2 skips each run's first \(String(format: "%g", 100 * step2SkipFraction))%", removed: d.count - keep.count))
    }
    if let k = step2Smooth, k > 1, let xs = out.x {
      var x = xs, y = out.loss
      let before = (k - 1) / 2, after = k - 1 - before
      for rows in Self.runs(out) {
        for (i, row) in rows.enumerated() {
          let window = rows[max(0, i - before)...min(rows.count - 1, i + after)]
          x[row] = window.map { xs[$0] }.reduce(0, +) / Double(window.count)
          y[row] = window.map { out.loss[$0] }.reduce(0, +) / Double(window.count)
        }
      }
      out.x = x
      out.loss = y
      out.derivations.append("step 2 on a centred \(k)-checkpoint moving average of each run")
    }
    if let anchors, !anchors.isEmpty {
      let runs = Set(out.run ?? []).count
      let copies = max(1, Int((Double(out.count) / Double(max(1, runs))).rounded()))
      let points = anchors.flatMap { Array(repeating: $0, count: copies) }
      let n = points.count
      out.params += Array(repeating: 0, count: n)
      out.tokens += Array(repeating: 0, count: n)
      out.flops += Array(repeating: 0, count: n)
      out.loss += points.map(\.y)
      out.x = (out.x ?? []) + points.map(\.x)
      out.step = out.step.map { $0 + Array(repeating: 0, count: n) }
      out.run = out.run.map { $0 + (0..<n).map { "anchor \($0 / copies + 1)" } }
      out.budget = out.budget.map { $0 + Array(repeating: 0, count: n) }
      out.lines += Array(repeating: 0, count: n)
      out.pinned = Array(repeating: false, count: out.count - n) + Array(repeating: true, count: n)
      out.derivations.append("\(anchors.count) anchor point\(anchors.count == 1 ? "" : "s") in step 2, each as \(copies) copies (the weight of one run)")
    }
    return out
  }

  /// The direct law's data: x = log10 of the compute of each row.
  public func directData(_ d: Dataset) -> Dataset {
    var out = d
    out.x = d.flops.map { log10($0) }
    out.sources[.x] = .logCompute
    return out
  }

  /// Settings that cannot be used, in the library's words (the CLI names the flags first).
  public func validate() throws {
    if let k = step1AverageLast, k < 1 { throw FitError("\(OptionName.step1AverageLast) must be at least 1 (got \(k))") }
    guard step2SkipFraction >= 0, step2SkipFraction < 1 else {
      throw FitError("\(OptionName.step2SkipFraction) must be in [0, 1) (got \(step2SkipFraction))")
    }
    if let k = step2Smooth, k < 1 { throw FitError("\(OptionName.step2Smooth) must be at least 1 (got \(k))") }
    for a in anchors ?? [] where !(a.x.isFinite && a.y.isFinite) {
      throw FitError("\(OptionName.anchor) \(a.x),\(a.y): both values must be finite")
    }
    if let c = chance, !(c >= 0 && c < 1) { throw FitError("\(OptionName.chance) must be in [0, 1) (got \(c))") }
  }
}
