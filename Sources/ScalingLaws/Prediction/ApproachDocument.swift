import Foundation

/// The file `scaling fit --approach isoflop|envelope --format json` writes ({"fits": [ … ]} of
/// Approach records), as `plan --law FILE` reads it back.
public struct ApproachDocument: Decodable, Sendable {
  public var fits: [Record]

  public struct Record: Decodable, Sendable {
    /// Nil in files written before schema versions (``FitDocument/schemaVersion``).
    public var schemaVersion: Int?
    public var file: String?
    public var group: String?
    /// "isoflop" or "envelope".
    public var approach: String
    public var vertex: String?
    public var a: Double
    public var b: Double
    public var nOptScale: Double
    public var dOptScale: Double
    public var lossLaw: LossLaw?
    public var bootstrapSamples: [Sample]?
    public var budgets: [Budget]?
    public var warnings: [String]?

    enum CodingKeys: String, CodingKey {
      case file, group, approach, vertex, a, b, budgets, warnings
      case schemaVersion = "schema_version"
      case nOptScale = "n_opt_scale"
      case dOptScale = "d_opt_scale"
      case lossLaw = "loss_law"
      case bootstrapSamples = "bootstrap_samples"
    }

    public struct LossLaw: Decodable, Sendable {
      public var E: Double
      public var k: Double
      public var gamma: Double
    }

    /// One bootstrap resample's frontier.
    public struct Sample: Decodable, Sendable {
      public var a: Double
      public var b: Double
      public var nOptScale: Double
      public var dOptScale: Double
      public var lossLaw: LossLaw?

      enum CodingKeys: String, CodingKey {
        case a, b
        case nOptScale = "n_opt_scale"
        case dOptScale = "d_opt_scale"
        case lossLaw = "loss_law"
      }
    }

    public struct Budget: Decodable, Sendable {
      public var flops: Double?
      public var used: Bool?
    }

    /// The frontier this record holds (`name` for answers), and one per bootstrap sample.
    public func frontier(name: String, source: String) -> (AllocationFrontier, [AllocationFrontier]) {
      func law(_ l: LossLaw?) -> OptimalLossLaw? { l.map { OptimalLossLaw(E: $0.E, k: $0.k, gamma: $0.gamma) } }
      var f = AllocationFrontier(name: name, source: source, a: a, kN: nOptScale, b: b, kD: dOptScale, lossLaw: law(lossLaw))
      let used = (budgets ?? []).filter { $0.used ?? true }.compactMap { $0.flops }
      if let lo = used.min(), let hi = used.max() { f.fittedFlops = lo...hi }
      f.fitWarnings = warnings ?? []
      let samples = (bootstrapSamples ?? []).map {
        AllocationFrontier(name: name, source: source, a: $0.a, kN: $0.nOptScale, b: $0.b, kD: $0.dOptScale, lossLaw: law($0.lossLaw))
      }
      return (f, samples)
    }
  }

  /// Whether the JSON at `data` is an Approach file (its first fit has an "approach" key), as a
  /// {"fits": [...]} document or as `--format jsonl` lines.
  /// Only the first record is read (of JSON Lines, the first line that is not a failed fit's):
  /// `predict` and `plan` ask this of every fit file before reading it in full.
  public static func isApproachFile(_ data: Data) -> Bool {
    if let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let fits = root["fits"] {
      return (fits as? [[String: Any]])?.first?["approach"] != nil
    }
    for line in JSONLines(data) {
      guard let object = line.object else { return false }
      if line.isFailure(recordKey: "approach") { continue }
      return object["approach"] != nil
    }
    return false
  }

  /// The file in `data`: a {"fits": [...]} document, or JSON Lines (a failed fit's line skipped).
  public static func decode(_ data: Data) throws -> ApproachDocument {
    let document = try JSONDecoder().decode(ApproachDocument.self, from: jsonLinesAsDocument(data) ?? data)
    if let v = document.fits.compactMap(\.schemaVersion).max(), v > FitDocument.schemaVersion {
      throw FitDocument.ReadError(
        description: "fit file \(FitDocument.newerSchema(v))")
    }
    return document
  }

  /// JSON Lines of fits (`fit --format jsonl`) as the {"fits": [...]} document they stand for,
  /// leaving out the lines of failed fits (an "error" and no fit); nil when `data` is a
  /// {"fits": ...} document or not JSON Lines of objects.
  static func jsonLinesAsDocument(_ data: Data) -> Data? {
    if let whole = try? JSONSerialization.jsonObject(with: data), (whole as? [String: Any])?["fits"] != nil || !(whole is [String: Any]) {
      return nil
    }
    var kept: [Data] = []
    for line in JSONLines(data) {
      guard line.object != nil else { return nil }
      if line.isFailure(recordKey: "approach") { continue }
      kept.append(line.bytes)
    }
    guard !kept.isEmpty else { return nil }
    return Data("{\"fits\": [".utf8) + kept.joined(separator: Data(",".utf8)) + Data("]}".utf8)
  }
}
