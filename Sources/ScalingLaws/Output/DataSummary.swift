import Foundation

/// What a dataset holds after derivations and filters: counts and ranges (`scaling inspect`,
/// and the data section of reports).
public struct DataSummary: Sendable {
  public var file: String
  public var group: String?
  public var rowsRead: Int
  public var points: Int
  public var runs: Int?
  public var modelSizes: [Double]
  public var tokenRange: ClosedRange<Double>?
  public var flopRange: ClosedRange<Double>?
  public var lossRange: ClosedRange<Double>?
  public var sources: [Quantity: ColumnSource]
  public var derivations: [String]
  public var filters: [FilterReport]

  public init(_ d: Dataset) {
    file = d.file
    group = d.group
    rowsRead = d.rowsRead
    points = d.count
    runs = d.run.map { Set($0).count }
    modelSizes = Set(d.params.filter { !$0.isNaN }).sorted()
    func range(_ v: [Double]) -> ClosedRange<Double>? {
      let f = v.filter { $0.isFinite }
      guard let lo = f.min(), let hi = f.max() else { return nil }
      return lo...hi
    }
    tokenRange = range(d.tokens)
    flopRange = range(d.flops)
    lossRange = range(d.loss)
    sources = d.sources
    derivations = d.derivations
    filters = d.filters
  }

  public var text: String {
    var s = "[[Data]] \(group.map { "\(file) [group \($0)]" } ?? file)\n"
    s += "    rows read    = \(rowsRead)\n"
    s += "    points kept  = \(points)\n"
    for f in filters { s += "    filter       = \(f.filter): removed \(f.removed)\n" }
    for q in Quantity.allCases { if let src = sources[q] { s += "    \(q.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) <- \(src)\n" } }
    for d in derivations { s += "    derived      = \(d)\n" }
    if let runs { s += "    runs         = \(runs)\n" }
    if !modelSizes.isEmpty {
      // At most the first and last five: a file with a million sizes printed 18 MB on one line.
      let shown = modelSizes.count <= 12
        ? modelSizes.map(shortCount).joined(separator: ", ")
        : (modelSizes.prefix(5).map(shortCount) + ["... (\(modelSizes.count - 10) more)"] + modelSizes.suffix(5).map(shortCount))
          .joined(separator: ", ")
      s += "    model sizes  = \(modelSizes.count): \(shown)\n"
    }
    if let r = tokenRange { s += "    tokens       = \(shortCount(r.lowerBound)) .. \(shortCount(r.upperBound))\n" }
    if let r = flopRange { s += "    flops        = \(number("%.3g", r.lowerBound)) .. \(number("%.3g", r.upperBound))\n" }
    if let r = lossRange { s += "    loss         = \(number("%.4g", r.lowerBound)) .. \(number("%.4g", r.upperBound))\n" }
    return s
  }
}
