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
  /// The range of the fitted runs' peak learning rates, when the fit's data had schedules.
  public var peakRateRange: ClosedRange<Double>?

  public struct FitFileError: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  /// The law (a formula law rebuilt from the formula and settings the file records).
  public var law: any ScalingLaw

  /// Reads the fit of `group` (or the only fit) from `path`.
  public init(path: String, group: String?) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw FitFileError(description: "\(path): cannot read the fit file")
    }
    try self.init(data: data, path: path, group: group)
  }

  /// The fit of `group` (or the only fit) in the fit file `data`, read from `path`.
  public init(data: Data, path: String, group: String?) throws {
    let fit: FitDocument.Record
    do {
      fit = try FitDocument.pick(FitDocument(data: data, path: path).fits, group: group, path: path)
    } catch let e as FitDocument.ReadError {
      throw FitFileError(description: e.description)
    }
    guard let name = fit.lawName else {
      throw FitFileError(description: "\(path): unknown law '\(fit.law)'")
    }
    if fit.converged == false {
      throw FitFileError(description: "\(path): the fit did not converge; refusing to predict with it")
    }
    let law: any ScalingLaw
    if name.kind == .formula {
      guard let spec = fit.formulaSpec else {
        throw FitFileError(description: "\(path): the formula fit records no formula (or unreadable formula_law settings)")
      }
      do {
        law = try FormulaLaw(spec)
      } catch let e as FormulaError {
        throw FitFileError(description: "\(path): the fit's formula '\(spec.text)' does not make a law: \(e)")
      }
    } else {
      law = name.kind.makeLaw(irreducible: name.irreducible)
    }
    guard let values = fit.values(law.parameterNames) else {
      let missing = law.parameterNames.first { (fit.parameters[$0] ?? nil) == nil } ?? "?"
      throw FitFileError(description: "\(path): the \(fit.law) fit lacks parameter \(missing)")
    }
    if let bad = ParameterDomain.violation(names: law.parameterNames, values: values, law: law)
      ?? fit.consistencyViolation(names: law.parameterNames)
    {
      throw FitFileError(description: "\(path): the \(fit.law) fit's \(bad); refusing to predict with it")
    }
    var columns: [Quantity: String] = [:]
    var tps: Double? = nil
    for (role, src) in fit.data?.columns ?? [:] {
      guard let q = Quantity(rawValue: role) else { continue }
      switch ColumnSource(recorded: src) {
      case .stepTimesBatch(let t): tps = t
      case .sixND, .flopsOverSixN, .computeRule: continue
      case .logCompute, .header: columns[q] = src
      }
    }
    if let sc = fit.data?.schedule {
      var fields: [String: Double] = [:]
      var kindName: String? = nil
      for (k, v) in sc {
        switch v {
        case .number(let x): fields[k] = x
        case .string(let s) where k == "kind": kindName = s
        default: break
        }
      }
      schedule = ScheduleOptions(kind: kindName, fields: fields)
    }
    self.path = path
    self.file = fit.file ?? path
    self.group = fit.group
    self.lawName = fit.law
    self.kind = name.kind
    self.irreducible = name.irreducible
    self.law = law
    self.parameterNames = law.parameterNames
    self.parameters = values
    self.samples = fit.samples(law.parameterNames)
    self.confidence = fit.bootstrap?.confidence ?? 0.95
    self.warnings = fit.warnings ?? []
    self.columns = columns
    self.tokensPerStep = tps
    if let lo = fit.data?.peakLRMin, let hi = fit.data?.peakLRMax, lo <= hi { peakRateRange = lo...hi }
  }
}
