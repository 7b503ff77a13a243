import Foundation

/// One fit read back from a `scaling fit --format json` file: the law, its parameters, its
/// bootstrap samples and the column choices it was made with (`scaling predict` reuses them).
public struct FitFile: Sendable {
  public var path: String
  public var file: String
  public var group: String?
  public var lawName: String
  public var kind: LawKind
  public var irreducible: Bool
  public var parameterNames: [String]
  public var parameters: [Double]
  /// Each resample's parameters, in `parameterNames` order.
  public var samples: [[Double]]
  public var confidence: Double
  public var warnings: [String]
  /// Column roles and the header names they were read from (derived columns left out).
  public var columns: [Quantity: String]
  /// Tokens per step, when the fit derived D from the step column.
  public var tokensPerStep: Double?
  /// The schedule options of a learning-rate-aware fit.
  public var schedule: ScheduleOptions?

  public struct FitFileError: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  public var law: any ScalingLaw { kind.makeLaw(irreducible: irreducible) }

  /// Reads the fit of `group` (or the only fit) from `path`.
  public init(path: String, group: String?) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw FitFileError(description: "\(path): cannot read the fit file")
    }
    guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let fits = json["fits"] as? [[String: Any]], !fits.isEmpty
    else {
      throw FitFileError(description: "\(path): not a `scaling fit --format json` file (no \"fits\" array)")
    }
    let candidates = group.map { g in fits.filter { ($0["group"] as? String) == g } } ?? fits
    guard candidates.count == 1, let fit = candidates.first else {
      let groups = fits.map { ($0["group"] as? String) ?? "null" }.joined(separator: ", ")
      if let group { throw FitFileError(description: "\(path): no fit for group '\(group)' (groups: \(groups))") }
      throw FitFileError(description: "\(path): \(fits.count) fits; pick one with --group (groups: \(groups))")
    }
    guard let name = fit["law"] as? String else { throw FitFileError(description: "\(path): the fit names no law") }
    let irreducible = name.hasSuffix("+E")
    guard let kind = LawKind(rawValue: irreducible ? String(name.dropLast(2)) : name) else {
      throw FitFileError(description: "\(path): unknown law '\(name)'")
    }
    if let converged = fit["converged"] as? Bool, !converged {
      throw FitFileError(description: "\(path): the fit did not converge; refusing to predict with it")
    }
    let law = kind.makeLaw(irreducible: irreducible)
    guard let p = fit["parameters"] as? [String: Any] else {
      throw FitFileError(description: "\(path): the fit has no parameters")
    }
    var values: [Double] = []
    for n in law.parameterNames {
      guard let v = p[n] as? Double else { throw FitFileError(description: "\(path): the \(name) fit lacks parameter \(n)") }
      values.append(v)
    }
    var samples: [[Double]] = []
    for s in (fit["bootstrap_samples"] as? [[String: Any]]) ?? [] {
      let row = law.parameterNames.compactMap { s[$0] as? Double }
      if row.count == law.parameterNames.count { samples.append(row) }
    }
    var columns: [Quantity: String] = [:]
    var tps: Double? = nil
    if let d = fit["data"] as? [String: Any], let cols = d["columns"] as? [String: Any] {
      for (role, source) in cols {
        guard let q = Quantity(rawValue: role), let src = source as? String else { continue }
        if src.hasPrefix("step x ") {
          let digits = src.dropFirst("step x ".count).filter { $0 != "," }
          tps = Double(digits)
          continue
        }
        if src == "6ND" || src == "C/(6N)" { continue }
        columns[q] = src
      }
    }
    if let d = fit["data"] as? [String: Any], let sc = d["schedule"] as? [String: Any] {
      var fields: [String: Double] = [:]
      for (k, v) in sc { if let x = v as? Double { fields[k] = x } }
      schedule = ScheduleOptions(kind: sc["kind"] as? String, fields: fields)
    }
    self.path = path
    self.file = (fit["file"] as? String) ?? path
    self.group = fit["group"] as? String
    self.lawName = name
    self.kind = kind
    self.irreducible = irreducible
    self.parameterNames = law.parameterNames
    self.parameters = values
    self.samples = samples
    self.confidence = ((fit["bootstrap"] as? [String: Any])?["confidence"] as? Double) ?? 0.95
    self.warnings = (fit["warnings"] as? [String]) ?? []
    self.columns = columns
    self.tokensPerStep = tps
  }
}
