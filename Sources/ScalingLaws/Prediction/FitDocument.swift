import Foundation

/// The `scaling fit --format json` file ({"fits": [ … ]}) as one type: `fit` writes it (a
/// ``Record`` built from each ``LawFit``, rendered by `Record.json`), and `predict` (``FitFile``),
/// `plan --law FILE` (``PlanningLaw/fromFitFile(_:group:)``) and the tests read it back through
/// `Decodable`. Every key the file has is a field here; a value that was not finite is written
/// as null and read back as nil. Unknown keys are ignored, so the file can grow.
public struct FitDocument: Decodable, Sendable {
  public var fits: [Record]

  /// The version of the record's keys this build writes (`schema_version`, the first key of every
  /// record) and the newest it reads. Files written before versions (no key) are version 0 and read
  /// as they are: version 1 added only the key. A record of a newer version is refused by name.
  public static let schemaVersion = 1

  public init(fits: [Record]) { self.fits = fits }

  /// One fit of the file.
  public struct Record: Decodable, Sendable {
    /// Nil in files written before schema versions.
    public var schemaVersion: Int?
    public var file: String?
    public var group: String?
    /// The fit's name in a file of several kinds of fit (a report's: `curve`, `final`,
    /// `ladder/METRIC/step1`); absent in a `scaling fit` file.
    public var name: String?
    /// The law's name as `fit` prints it ("chinchilla", "kaplan-n+E", "sigmoid").
    public var law: String
    public var formula: String?
    /// A formula law's inputs, ranges, starts, log scales and residual scale (with `formula`,
    /// what rebuilds the law: ``FormulaRecord/spec(formula:)``).
    public var formulaLaw: FormulaRecord?
    public var fixed: [String: Double]?
    /// Tied parameters (`--tie`): dependent name → the name it equals.
    public var tied: [String: String]?
    /// The Gaussian priors of a MAP fit, the prior term's weight c and its value at the optimum.
    public var priors: [PriorRecord]?
    public var priorScale: Double?
    public var priorTerm: Double?
    /// What `--auto` compared and chose.
    public var auto: AutoRecord?
    public var yRange: [Double]?
    /// Where the curve was kept inside `yRange`: "data" (over the data's x range: the unbounded
    /// fit stayed inside) or "levels" (both levels bound: the curve inside for every x).
    public var yRangeScope: String?
    public var points: Int?
    public var objective: Double?
    public var objectiveDefinition: String?
    public var converged: Bool?
    /// The stopping reason's code and its sentence.
    public var termination: String?
    public var terminationReason: String?
    public var tolerances: String?
    public var search: String?
    public var searchNote: String?
    public var starts: Int?
    public var startsConverged: Int?
    public var iterations: Int?
    public var evaluations: Int?
    public var gradientNorm: Double?
    /// Reported parameters by name (null when a value was not finite).
    public var parameters: [String: Double?]
    public var stderr: [String: Double?]?
    public var correlation: [String: [String: Double?]]?
    public var conditionNumber: Double?
    public var rmseLog: Double?
    public var r2Log: Double?
    public var warnings: [String]?
    public var data: DataRecord?
    /// Bootstrap percentile intervals by parameter.
    public var intervals: [String: [Double?]]?
    public var bootstrap: Bootstrap?
    public var bootstrapSamples: [[String: Double?]]?
    public var holdout: Holdout?
    /// The parameters in the law's order: the order `json` writes them in (not a key of the
    /// file; a decoded record leaves it empty and is written in name order).
    public var parameterNames: [String] = []

    enum CodingKeys: String, CodingKey {
      case file, group, name, law, formula, fixed, tied, priors, auto, points, objective, converged, termination, tolerances, search
      case starts, iterations, evaluations, parameters, stderr, correlation, warnings, data, intervals
      case bootstrap, holdout
      case schemaVersion = "schema_version"
      case formulaLaw = "formula_law"
      case yRange = "y_range"
      case priorScale = "prior_scale"
      case priorTerm = "prior_term"
      case yRangeScope = "y_range_scope"
      case objectiveDefinition = "objective_definition"
      case terminationReason = "termination_reason"
      case searchNote = "search_note"
      case startsConverged = "starts_converged"
      case gradientNorm = "gradient_norm"
      case conditionNumber = "condition_number"
      case rmseLog = "rmse_log"
      case r2Log = "r2_log"
      case bootstrapSamples = "bootstrap_samples"
    }

    /// The `formula_law` object: inputs (name → column), bounds (name → [lo, hi], null for an
    /// infinite end), starts, log-scale parameters and the residual scale.
    public struct FormulaRecord: Decodable, Sendable, Equatable {
      public var inputs: [String: String]?
      public var bounds: [String: [Double?]]?
      public var starts: [String: Double]?
      public var logScale: [String]?
      public var residual: String?
      /// The compute rule's text (absent in files before it: 6*N*D).
      public var compute: String?

      enum CodingKeys: String, CodingKey {
        case inputs, bounds, starts, residual, compute
        case logScale = "log_scale"
      }

      public init(_ spec: FormulaSpec) {
        inputs = spec.inputs
        bounds = spec.bounds.mapValues { [$0.lowerBound.isFinite ? $0.lowerBound : nil, $0.upperBound.isFinite ? $0.upperBound : nil] }
        starts = spec.starts
        logScale = spec.logScale.sorted()
        residual = spec.residual.rawValue
        compute = spec.compute ?? ComputeRule.standardText
      }

      /// The spec of `formula` with these settings; nil for a record that does not make one.
      public func spec(formula: String) -> FormulaSpec? {
        var b: [String: ClosedRange<Double>] = [:]
        for (k, v) in bounds ?? [:] {
          guard v.count == 2 else { return nil }
          let lo = v[0] ?? -.infinity, hi = v[1] ?? .infinity
          guard lo < hi else { return nil }
          b[k] = lo...hi
        }
        guard let r = FormulaSpec.Residual(rawValue: residual ?? "log") else { return nil }
        let rule = compute.flatMap { $0 == ComputeRule.standardText ? nil : $0 }
        return FormulaSpec(formula, inputs: inputs ?? [:], bounds: b, starts: starts ?? [:], logScale: Set(logScale ?? []), residual: r, compute: rule)
      }
    }

    /// A formula law's spec as recorded (nil for a built-in law's record).
    public var formulaSpec: FormulaSpec? {
      guard lawName?.kind == .formula, let text = formula else { return nil }
      return (formulaLaw ?? FormulaRecord(FormulaSpec(text))).spec(formula: text)
    }

    /// One prior: on `parameter` ("alpha") or on log10 of it ("log10(C)"), mean and SD.
    public struct PriorRecord: Decodable, Sendable, Equatable {
      public var on: String
      public var mean: Double
      public var sd: Double

      /// The prior it records (nil: a label that is not a parameter name or log10(name)).
      public var prior: Prior? { try? Prior.parse("\(on)=\(mean)+-\(sd)") }
    }

    public struct AutoRecord: Decodable, Sendable {
      public var design: String
      public var chosen: String
      public var reason: String
      public var candidates: [Candidate]

      public struct Candidate: Decodable, Sendable {
        public var name: String
        public var backtestError: Double?
        public var points: Int

        enum CodingKeys: String, CodingKey {
          case name, points
          case backtestError = "backtest_error"
        }
      }
    }

    public struct Bootstrap: Decodable, Sendable {
      public var resamples: Int?
      public var seed: Double?
      public var unit: String?
      public var search: String?
      public var confidence: Double?
      public var failed: Int?
      /// Resamples with a parameter at a search bound, and resamples far from the rest.
      public var atBound: Int?
      public var outlying: Int?
      /// The robust standard errors (1.4826 × MAD over the resamples).
      public var stderr: [String: Double?]?
      public var covariance: [String: [String: Double?]]?
      public var derived: [Derived]?

      enum CodingKeys: String, CodingKey {
        case resamples, seed, unit, search, confidence, failed, outlying, stderr, covariance, derived
        case atBound = "at_bound"
      }

      /// A quantity derived from each resample (e.g. a = beta/(alpha+beta)) with its interval.
      public struct Derived: Decodable, Sendable {
        public var name: String
        public var value: Double?
        public var interval: [Double?]
      }
    }

    public struct Holdout: Decodable, Sendable {
      public var criterion: String
      public var points: Int
      public var meanAbsRelError: Double?
      public var maxAbsRelError: Double?
      /// Metric laws only: errors in the metric's own units.
      public var meanAbsError: Double?
      public var maxAbsError: Double?
      public var predictions: [Point]
      /// Held-out runs ending more than 2% above a smaller model's run of the same length, and the errors
      /// without them.
      public var stalledRuns: [String]?
      public var withoutStalledRuns: Summary?
      /// Held-out runs trained at a peak learning rate outside the fitted runs' range, and the two ranges.
      public var peakRateRuns: [String]?
      public var peakRateHeldOut: [Double]?
      public var peakRateFitted: [Double]?

      public struct Summary: Decodable, Sendable {
        public var points: Int
        public var meanAbsRelError: Double?
        public var maxAbsRelError: Double?
        enum CodingKeys: String, CodingKey {
          case points
          case meanAbsRelError = "mean_abs_rel_error"
          case maxAbsRelError = "max_abs_rel_error"
        }
      }

      enum CodingKeys: String, CodingKey {
        case criterion, points, predictions
        case stalledRuns = "stalled_runs"
        case withoutStalledRuns = "without_stalled_runs"
        case peakRateRuns = "peak_lr_outside_runs"
        case peakRateHeldOut = "peak_lr_held_out"
        case peakRateFitted = "peak_lr_fitted"
        case meanAbsRelError = "mean_abs_rel_error"
        case maxAbsRelError = "max_abs_rel_error"
        case meanAbsError = "mean_abs_error"
        case maxAbsError = "max_abs_error"
      }

      public struct Point: Decodable, Sendable {
        public var line: Int
        public var params: Double?
        public var tokens: Double?
        public var flops: Double?
        /// Metric laws only.
        public var x: Double?
        public var error: Double?
        public var observed: Double?
        public var predicted: Double?
        public var relError: Double?
        public var interval: [Double?]?

        enum CodingKeys: String, CodingKey {
          case line, params, tokens, flops, x, error, observed, predicted, interval
          case relError = "rel_error"
        }
      }
    }

    public struct DataRecord: Decodable, Sendable {
      public var rowsRead: Int?
      /// Column role → the header name it was read from (or how it was derived).
      public var columns: [String: String]?
      public var derivations: [String]?
      public var schedule: [String: Scalar]?
      public var lossMin: Double?
      public var flopsMax: Double?
      /// The range of D/N over the fitted points (laws of N and D).
      public var tokensPerParamMin: Double?
      public var tokensPerParamMax: Double?
      /// The range of the fitted runs' peak learning rates (data with schedules).
      public var peakLRMin: Double?
      public var peakLRMax: Double?
      /// A chinchilla-lr fit's planning schedule: the end of a run with the largest model's
      /// longest schedule (`ScheduleEnd`), what `plan --law FILE` plans with.
      public var planningSchedule: PlanningSchedule?
      public var filters: [Filter]?

      public struct PlanningSchedule: Decodable, Sendable {
        public var run: String
        public var meanRelativeRate: Double
        public var annealing: Double
        public var peakLR: Double
        public var finalLR: Double
        public var annealingMax: Double?
        enum CodingKeys: String, CodingKey {
          case run
          case annealingMax = "annealing_max_observed"
          case meanRelativeRate = "mean_relative_rate"
          case annealing = "annealing_limit"
          case peakLR = "peak_lr"
          case finalLR = "final_lr"
        }
      }

      public struct Filter: Decodable, Sendable {
        public var filter: String
        public var removed: Int
      }

      enum CodingKeys: String, CodingKey {
        case columns, schedule, derivations, filters
        case rowsRead = "rows_read"
        case lossMin = "loss_min"
        case flopsMax = "flops_max"
        case tokensPerParamMin = "tokens_per_param_min"
        case tokensPerParamMax = "tokens_per_param_max"
        case peakLRMin = "peak_lr_min"
        case peakLRMax = "peak_lr_max"
        case planningSchedule = "planning_schedule"
      }
    }

    /// The law the record names (its kind and irreducible term); nil for a name no law has.
    public var lawName: LawName? { LawName(law) }

    /// The values of `names`, in order (nil if any is missing or not finite).
    public func values(_ names: [String]) -> [Double]? {
      let v = names.compactMap { parameters[$0] ?? nil }
      return v.count == names.count ? v : nil
    }

    /// The first parameter that contradicts what the record says of its own fit, as a sentence,
    /// or nil (a file edited by hand, or pieced together from two fits):
    /// - a tied parameter that differs from the one it is tied to, or a fixed one from its value;
    /// - a loss floor (E, L0) more than 2% above the lowest loss the fit was fitted on (no law
    ///   with that floor can reach the data it came from);
    /// - a value outside its own bootstrap resamples' range widened by that range's width on each
    ///   side (a parameter resting on a bound, or in a flat valley, sits at the edge of its
    ///   resamples or just past it, never that far).
    public func consistencyViolation(names: [String]) -> String? {
      func value(_ n: String) -> Double? { parameters[n] ?? nil }
      for (dep, src) in (tied ?? [:]).sorted(by: { $0.key < $1.key }) {
        if let a = value(dep), let b = value(src), abs(a - b) > 1e-9 * max(abs(a), abs(b)) {
          return "\(dep) = \(fmt(a)), but the fit ties \(dep) to \(src) = \(fmt(b))"
        }
      }
      for (name, v) in (fixed ?? [:]).sorted(by: { $0.key < $1.key }) {
        if let a = value(name), abs(a - v) > 1e-9 * max(abs(a), abs(v)) {
          return "\(name) = \(fmt(a)), but the fit holds \(name) fixed at \(fmt(v))"
        }
      }
      if let lowest = data?.lossMin, lowest > 0 {
        for floor in ["E", "L0"] where names.contains(floor) {
          if let e = value(floor), e > lowest * 1.02 {
            return "\(floor) = \(fmt(e)) is above the lowest loss the fit was fitted on (\(fmt(lowest))): a loss floor cannot lie above the data it came from"
          }
        }
      }
      let resamples = samples(names)
      if resamples.count >= 2 {
        for (k, name) in names.enumerated() {
          guard let v = value(name) else { continue }
          let column = resamples.map { $0[k] }
          let lo = column.min()!, hi = column.max()!
          let pad = (hi - lo) + 1e-6 * max(abs(lo), abs(hi), abs(v))
          if v < lo - pad || v > hi + pad {
            return "\(name) = \(fmt(v)) lies outside the range of its own \(resamples.count) bootstrap resamples [\(fmt(lo)), \(fmt(hi))]: the parameters and the resamples are not of one fit"
          }
        }
      }
      return nil
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
    try self.init(data: data, path: path)
  }

  /// The fit file in `data`, read from `path` (named in errors): a {"fits": [...]} document, or
  /// the JSON Lines of `fit --format jsonl` (one record per line; a failed fit's line is skipped).
  public init(data: Data, path: String) throws {
    do {
      try self.init(reading: data, path: path)
    } catch let e as ReadError {
      // Asked only when reading failed (it parses the file once more): a clearer line for
      // mixed record kinds and malformed versions than the decoder's.
      throw Self.recordProblem(data, path: path).map { ReadError(description: $0) } ?? e
    }
  }

  private init(reading data: Data, path: String) throws {
    let notAFitFile = ReadError(description: "\(path): not a \(OptionName.fitFile) file (no \"fits\" array)")
    do {
      self = try JSONDecoder().decode(FitDocument.self, from: data)
    } catch let DecodingError.keyNotFound(key, context) where !context.codingPath.isEmpty {
      throw ReadError(description: "\(path): a fit lacks '\(key.stringValue)' (at \(Self.where(context.codingPath)))")
    } catch let DecodingError.typeMismatch(_, context) where context.codingPath.count > 1 {
      throw ReadError(description: "\(path): unexpected value at \(Self.where(context.codingPath))")
    } catch let DecodingError.valueNotFound(_, context) where context.codingPath.count > 1 {
      throw ReadError(description: "\(path): unexpected value at \(Self.where(context.codingPath))")
    } catch let DecodingError.dataCorrupted(context) where context.codingPath.count > 1 {
      // A number of the wrong kind (schema_version 1.5).
      let key = context.codingPath.last?.stringValue ?? ""
      let what = key == "schema_version" ? "schema_version must be a whole number (0, 1, ...)" : "unexpected value"
      throw ReadError(description: "\(path): \(what) at \(Self.where(context.codingPath))")
    } catch {
      guard let lines = try Self.jsonLines(data, path: path) else {
        // Say which: not JSON at all (truncated or malformed), or JSON of another shape.
        if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil {
          let text = String(decoding: data.prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
          if text.hasPrefix("{") || text.hasPrefix("[") {
            throw ReadError(description: "\(path): not valid JSON (truncated or malformed: its brackets or quotes do not close); write it again with `scaling fit --format json`")
          }
        }
        throw notAFitFile
      }
      try Self.checkVersions(lines, path: path)
      self.init(fits: lines)
      return
    }
    if fits.isEmpty { throw ReadError(description: "\(path): not a \(OptionName.fitFile) file (no \"fits\" array)") }
    try Self.checkVersions(fits, path: path)
  }

  /// The records of `data` as JSON objects with their line (JSON Lines) or index (a {"fits": [...]}
  /// document), or nil when it is neither.
  static func rawRecords(_ data: Data) -> [(label: String, object: [String: Any])]? {
    if let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
      guard let fits = root["fits"] as? [Any] else { return nil }
      return fits.enumerated().compactMap { i, f in (f as? [String: Any]).map { ("fit \(i + 1)", $0) } }
    }
    var out: [(String, [String: Any])] = []
    for line in JSONLines(data) {
      guard let object = line.object else { return nil }
      out.append(("line \(line.number)", object))
    }
    return out.isEmpty ? nil : out
  }

  /// One line on what is wrong with the records of `data` that the decoders would report only
  /// as a raw error, or nil: records of two kinds (an Approach fit beside law fits), or a
  /// schema_version that is not a whole number.
  public static func recordProblem(_ data: Data, path: String) -> String? {
    guard let records = rawRecords(data) else { return nil }
    for (label, object) in records {
      if let v = object["schema_version"], !(v is NSNull) {
        guard let n = v as? NSNumber, n.doubleValue == n.doubleValue.rounded(), n.doubleValue >= 0 else {
          return "\(path): \(label): schema_version \(v) is not a whole number (0, 1, ...); the file was edited or is not a fit file"
        }
      }
    }
    let kinds = records.filter { $0.object["error"] == nil || $0.object["law"] != nil || $0.object["approach"] != nil }
    if let approach = kinds.first(where: { $0.object["approach"] != nil }),
      let law = kinds.first(where: { $0.object["approach"] == nil && $0.object["law"] != nil })
    {
      return "\(path): mixes record kinds: \(approach.label) is an Approach fit (\(approach.object["approach"] ?? "")) and \(law.label) a law fit (\(law.object["law"] ?? "")); a fit file holds one kind (write each kind to its own file)"
    }
    return nil
  }

  /// Refuses records of a schema newer than this build reads.
  static func checkVersions(_ records: [Record], path: String) throws {
    if let (i, r) = records.enumerated().first(where: { ($0.element.schemaVersion ?? 0) > schemaVersion }) {
      throw ReadError(
        description: "\(path): fit \(i + 1) \(newerSchema(r.schemaVersion!))")
    }
  }

  /// The refusal of a record newer than this build: "has schema_version v; this scaling reads …".
  static func newerSchema(_ version: Int) -> String {
    "has schema_version \(version); this scaling reads fit files up to schema_version \(schemaVersion) (a newer scaling wrote it)"
  }

  /// The records of a JSON Lines fit file, or nil when the first line that is not blank is not a
  /// JSON object with a "law" or an "error" (the data is not JSON Lines).
  static func jsonLines(_ data: Data, path: String) throws -> [Record]? {
    var records: [Record] = []
    var failed = 0
    var sawLine = false
    for line in JSONLines(data) {
      if !sawLine {
        guard let object = line.object, object["law"] != nil || object["error"] != nil else { return nil }
        sawLine = true
      }
      if line.isFailure(recordKey: "law") {
        failed += 1
        continue
      }
      let k = line.number
      do {
        records.append(try JSONDecoder().decode(Record.self, from: line.bytes))
      } catch let DecodingError.keyNotFound(key, context) {
        let at = context.codingPath.isEmpty ? "" : " (at \(Self.where(context.codingPath)))"
        throw ReadError(description: "\(path):\(k): a fit lacks '\(key.stringValue)'\(at)")
      } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
        throw ReadError(description: "\(path):\(k): unexpected value at \(Self.where(context.codingPath))")
      } catch {
        throw ReadError(description: "\(path):\(k): not a JSON object")
      }
    }
    if records.isEmpty && failed > 0 {
      throw ReadError(description: "\(path): every line is a failed fit (\(failed) lines with \"error\")")
    }
    return sawLine ? records : nil
  }

  /// "fits[0].parameters.E" for a coding path.
  static func `where`(_ path: [CodingKey]) -> String {
    path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
  }

  /// The fit of `group` among `candidates` (or the only one), with errors that list the groups.
  public static func pick(
    _ candidates: [Record], group: String?, path: String, what: String = "fit"
  ) throws -> Record {
    // A name (a report's fit file), a group value, a file (a fit of several files without
    // groups) or FILE:GROUP (several files with groups) picks the fit.
    let files = Set(candidates.map { $0.file ?? "" })
    func label(_ r: Record) -> String {
      if let n = r.name { return n }
      switch (r.group, files.count > 1) {
      case (let g?, true): return "\(r.file ?? ""):\(g)"
      case (let g?, false): return g
      case (nil, _): return r.file ?? "null"
      }
    }
    let chosen = group.map { g in
      for rule in [{ (r: Record) in r.name == g }, { $0.group == g }, { $0.group == nil && $0.file == g }, { label($0) == g }] {
        let matched = candidates.filter(rule)
        if !matched.isEmpty { return matched }
      }
      return []
    } ?? candidates
    guard chosen.count == 1, let fit = chosen.first else {
      let named = candidates.contains { $0.name != nil }
      let byFile = !named && (candidates.contains { $0.group == nil } || files.count > 1)
      let labels = candidates.map(label).joined(separator: ", ")
      let kind = named ? "names" : byFile ? "fits" : "groups"
      if let group {
        throw ReadError(description: "\(path): no \(what) \(named ? "named" : byFile ? "for" : "for group") '\(group)' (\(kind): \(labels))")
      }
      throw ReadError(description: "\(path): \(candidates.count) \(what)s; pick one with \(OptionName.group) (\(kind): \(labels))")
    }
    return fit
  }
}
