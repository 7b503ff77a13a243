import Foundation

/// A learning-rate and batch-size sweep: one row per run, with its N, D, peak learning rate,
/// batch in tokens and final loss, and the line it came from (`scaling hparams FILE`).
public struct HyperparameterSweep: Sendable {
  public var file: String
  public var params: [Double]
  public var tokens: [Double]
  public var learningRate: [Double]
  /// Tokens per optimiser step (sequences × sequence length for `batch_unit sequences`).
  public var batchTokens: [Double]
  public var loss: [Double]
  public var lines: [Int]
  /// Role → the column read ("lr", "batch" and the loader's params, tokens, loss).
  public var columns: [String: String]

  public var count: Int { loss.count }

  /// Which columns hold what, and what the batch counts.
  public struct Columns: Sendable {
    public var params: String? = nil
    public var tokens: String? = nil
    public var learningRate: String? = nil
    public var batch: String? = nil
    public var loss: String? = nil
    public var batchUnit: BatchUnit = .tokens
    /// Tokens per sequence, for `batchUnit == .sequences`.
    public var sequenceLength: Double? = nil
    public init() {}
  }

  public enum BatchUnit: String, Sendable, CaseIterable { case tokens, sequences }

  /// Column names recognised for the peak learning rate and the batch (case-insensitive).
  public static let learningRateAliases = ["peak_lr", "lr", "learning_rate", "max_lr", "lr_peak", "eta"]
  public static let batchAliases = ["batch_tokens", "batch_size", "batch", "bs", "global_batch_size", "tokens_per_step"]

  public init(
    file: String, params: [Double], tokens: [Double], learningRate: [Double], batchTokens: [Double], loss: [Double], lines: [Int]? = nil
  ) {
    self.file = file
    self.params = params
    self.tokens = tokens
    self.learningRate = learningRate
    self.batchTokens = batchTokens
    self.loss = loss
    self.lines = lines ?? Array(2..<(2 + loss.count))
    columns = [:]
  }

  /// Reads a sweep: N, D and the loss as every command reads them (aliases, K/M/B/T suffixes,
  /// C = 6ND derivations), the learning rate and the batch from their columns. Throws
  /// ``CSVError`` naming the file and line for a missing column, a value that is not a positive
  /// number, or a batch in sequences without a sequence length.
  public static func load(_ doc: CSVDocument, columns c: Columns) throws -> HyperparameterSweep {
    let header = doc.headerNames
    if header.isEmpty || header == [""] { throw CSVError(file: doc.name, "file is empty") }
    func find(_ given: String?, _ aliases: [String], _ what: String, _ flag: String) throws -> String {
      if let g = given {
        guard header.contains(g) else {
          throw CSVError(file: doc.name, line: 1, "\(flag) \(g): no such column; the header has \(header.map { "'\($0)'" }.joined(separator: ", "))")
        }
        return g
      }
      for a in aliases { if let h = header.first(where: { $0.lowercased() == a }) { return h } }
      throw CSVError(
        file: doc.name, line: 1, "no \(what) column (looked for \(aliases.map { "'\($0)'" }.joined(separator: ", "))); name it with \(flag)")
    }
    let lrColumn = try find(c.learningRate, learningRateAliases, "peak learning-rate", "\(OptionName.lrColumn)")
    let batchColumn = try find(c.batch, batchAliases, "batch", "\(OptionName.batchColumn)")
    if c.batchUnit == .sequences && !(c.sequenceLength.map { $0 > 0 && $0.isFinite } ?? false) {
      throw CSVError(file: doc.name, "\(OptionName.batchUnit) sequences needs \(OptionName.sequenceLength) (tokens per sequence) to count the batch in tokens")
    }
    var o = LoadOptions()
    if let p = c.params { o.columns[.params] = p }
    if let t = c.tokens { o.columns[.tokens] = t }
    if let l = c.loss { o.columns[.loss] = l }
    o.inputs = ["eta": lrColumn, "batch": batchColumn]
    let sets = try DatasetLoader(options: o, required: [.params, .tokens, .loss]).load(doc)
    var out = HyperparameterSweep(file: doc.name, params: [], tokens: [], learningRate: [], batchTokens: [], loss: [], lines: [])
    let scale = c.batchUnit == .sequences ? c.sequenceLength! : 1
    for d in sets {
      let eta = d.inputs["eta"] ?? [], batch = d.inputs["batch"] ?? []
      for i in 0..<d.count {
        guard eta[i] > 0 else { throw CSVError(file: doc.name, line: d.lines[i], "column '\(lrColumn)': the learning rate \(number("%g", eta[i])) is not positive") }
        guard batch[i] > 0 else { throw CSVError(file: doc.name, line: d.lines[i], "column '\(batchColumn)': the batch \(number("%g", batch[i])) is not positive") }
        out.params.append(d.params[i])
        out.tokens.append(d.tokens[i])
        out.learningRate.append(eta[i])
        out.batchTokens.append(batch[i] * scale)
        out.loss.append(d.loss[i])
        out.lines.append(d.lines[i])
      }
      for (q, s) in d.sources { out.columns[q.rawValue] = s.description }
    }
    out.columns["lr"] = lrColumn
    out.columns["batch"] = batchColumn + (c.batchUnit == .sequences ? " x \(formatCount(scale)) tokens" : "")
    guard out.count > 0 else { throw CSVError(file: doc.name, "no runs left to fit") }
    return out
  }
}
