import Foundation

/// The typed reading of a `scaling fit --format json` file ({"fits": [ … ]}, written by
/// `LawFit.json`): the one reader behind `predict` (``FitFile``) and `plan --law FILE`
/// (``PlanningLaw/fromFitFile(_:group:)``). Only what a later command uses is decoded; unknown
/// keys are ignored, so the file can grow.
public struct FitDocument: Decodable, Sendable {
  public var fits: [Record]

  /// One fit of the file.
  public struct Record: Decodable, Sendable {
    public var file: String?
    public var group: String?
    /// The law's name as `fit` prints it ("chinchilla", "kaplan-n+E", "sigmoid").
    public var law: String
    public var converged: Bool?
    /// Reported parameters by name (null when a value was not finite).
    public var parameters: [String: Double?]
    public var fixed: [String: Double]?
    public var yRange: [Double]?
    public var warnings: [String]?
    public var bootstrap: Bootstrap?
    public var bootstrapSamples: [[String: Double?]]?
    public var data: DataRecord?

    enum CodingKeys: String, CodingKey {
      case file, group, law, converged, parameters, fixed, warnings, bootstrap, data
      case yRange = "y_range"
      case bootstrapSamples = "bootstrap_samples"
    }

    public struct Bootstrap: Decodable, Sendable {
      public var confidence: Double?
    }

    public struct DataRecord: Decodable, Sendable {
      /// Column role → the header name it was read from (or how it was derived).
      public var columns: [String: String]?
      public var schedule: [String: Scalar]?
      public var lossMin: Double?
      public var flopsMax: Double?

      enum CodingKeys: String, CodingKey {
        case columns, schedule
        case lossMin = "loss_min"
        case flopsMax = "flops_max"
      }
    }

    /// The law's kind and whether it has the irreducible term ("+E").
    public var kind: (LawKind, irreducible: Bool)? {
      let irreducible = law.hasSuffix("+E")
      return LawKind(rawValue: irreducible ? String(law.dropLast(2)) : law).map { ($0, irreducible) }
    }

    /// The values of `names`, in order (nil if any is missing or not finite).
    public func values(_ names: [String]) -> [Double]? {
      let v = names.compactMap { parameters[$0] ?? nil }
      return v.count == names.count ? v : nil
    }

    /// Each bootstrap resample's values of `names` (resamples missing one are dropped).
    public func samples(_ names: [String]) -> [[Double]] {
      (bootstrapSamples ?? []).compactMap { s in
        let v = names.compactMap { s[$0] ?? nil }
        return v.count == names.count ? v : nil
      }
    }
  }

  /// A JSON string, number or null (the schedule block mixes a kind with numbers).
  public enum Scalar: Decodable, Sendable {
    case string(String)
    case number(Double)
    case null

    public init(from decoder: Decoder) throws {
      let c = try decoder.singleValueContainer()
      if c.decodeNil() {
        self = .null
      } else if let d = try? c.decode(Double.self) {
        self = .number(d)
      } else {
        self = .string(try c.decode(String.self))
      }
    }
  }

  public struct ReadError: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  /// Reads and decodes `path`.
  public init(path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ReadError(description: "\(path): cannot read the fit file")
    }
    let notAFitFile = ReadError(description: "\(path): not a `scaling fit --format json` file (no \"fits\" array)")
    do {
      self = try JSONDecoder().decode(FitDocument.self, from: data)
    } catch let DecodingError.keyNotFound(key, context) {
      if context.codingPath.isEmpty { throw notAFitFile }
      throw ReadError(description: "\(path): a fit lacks '\(key.stringValue)' (at \(Self.where(context.codingPath)))")
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
      if context.codingPath.count <= 1 { throw notAFitFile }
      throw ReadError(description: "\(path): unexpected value at \(Self.where(context.codingPath))")
    } catch {
      throw notAFitFile
    }
    if fits.isEmpty { throw ReadError(description: "\(path): not a `scaling fit --format json` file (no \"fits\" array)") }
  }

  /// "fits[0].parameters.E" for a coding path.
  static func `where`(_ path: [CodingKey]) -> String {
    path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
  }

  /// The fit of `group` among `candidates` (or the only one), with errors that list the groups.
  public static func pick(
    _ candidates: [Record], group: String?, path: String, what: String = "fit"
  ) throws -> Record {
    let chosen = group.map { g in candidates.filter { $0.group == g } } ?? candidates
    guard chosen.count == 1, let fit = chosen.first else {
      let groups = candidates.map { $0.group ?? "null" }.joined(separator: ", ")
      if let group { throw ReadError(description: "\(path): no \(what) for group '\(group)' (groups: \(groups))") }
      throw ReadError(description: "\(path): \(candidates.count) \(what)s; pick one with --group (groups: \(groups))")
    }
    return fit
  }
}
