import ArgumentParser
import Fitting
import Foundation
import ScalingLaws

extension LawKind: ExpressibleByArgument {
  public static var allValueStrings: [String] { named.map(\.rawValue) }
}

/// `--law`: a built-in law, or a named law fitted as a formula (``NamedFormula``).
struct LawArgument: ExpressibleByArgument, Sendable {
  enum Value: Sendable {
    case builtin(LawKind)
    case named(NamedFormula)
  }
  let value: Value

  init?(argument: String) {
    if let k = LawKind(rawValue: argument) {
      value = .builtin(k)
    } else if let n = NamedFormula.named(argument) {
      value = .named(n)
    } else {
      return nil
    }
  }

  static var allValueStrings: [String] { LawKind.named.map(\.rawValue) + NamedFormula.all.map(\.name) }

  var text: String {
    switch value {
    case .builtin(let k): return k.rawValue
    case .named(let n): return n.name
    }
  }
}
extension SearchStrategy: ExpressibleByArgument {}
extension BootstrapUnit: ExpressibleByArgument {}
extension BootstrapSearch: ExpressibleByArgument {}
extension Approach: ExpressibleByArgument {}
extension VertexEstimator: ExpressibleByArgument {}

enum ObjectiveOption: String, ExpressibleByArgument, CaseIterable {
  case huber, squared
}

/// Law, objective, search, bootstrap and holdout flags (shared by `fit` and `report`).
struct AnalysisOptions: ParsableArguments {
  /// The smallest `--huber-delta` accepted (log residuals of real fits are 1e-4 to 1e-1).
  static let minimumHuberDelta = 1e-8

  @Option(name: .customLong("law"), help: ArgumentHelp("The law to fit (default chinchilla; --formula for a law of your own).", valueName: "law"))
  var lawOption: LawArgument?
  @OptionGroup var formula: FormulaOptions

  /// The law the flags name: the formula's, else --law (default chinchilla).
  var law: LawKind {
    if formula.formula != nil { return .formula }
    switch lawOption?.value {
    case .builtin(let k): return k
    case .named: return .formula
    case nil: return .chinchilla
    }
  }

  /// The formula law of --formula or of a named --law (nil for a built-in law).
  func formulaLaw() throws -> FormulaLaw? {
    if let f = try formula.law() { return f }
    if case .named(let n) = lawOption?.value { return n.law(columns: formula.namedColumns) }
    return nil
  }

  /// The law object: the formula law, or --law's.
  func model() throws -> any ScalingLaw {
    if let f = try formulaLaw() { return f }
    return law.makeLaw(irreducible: irreducible)
  }
  @Flag(help: "Add an irreducible loss E to kaplan-n, kaplan-d and kaplan-c.")
  var irreducible = false
  @Option(help: "Per-point loss on the residuals (log L for loss laws, y for sigmoid). Default: huber; squared for sigmoid.")
  var objective: ObjectiveOption?
  @Option(help: "Huber delta (with --objective huber).")
  var huberDelta: RealArgument = RealArgument(1e-3)
  @Option(help: "Global search: fast (variable projection + polish) or hoffmann (4,500-start grid).")
  var search: SearchStrategy = .fast

  @Option(help: ArgumentHelp("Hold a parameter at a value, e.g. b=0.25 (chance level of 4-way multiple choice); repeatable.", valueName: "name=value"))
  var fix: [String] = []
  @Option(help: ArgumentHelp("Tie a parameter to another, e.g. beta=alpha (one exponent for N and D: E + A/N^alpha + B/D^alpha); repeatable.", valueName: "name=other"))
  var tie: [String] = []
  @Option(help: ArgumentHelp("A Gaussian prior (a MAP fit): alpha=0.34+-0.1, log10(C)=0.3+-0.5 for a scale parameter, a named set (multi-power, chinchilla), or none; repeatable.", valueName: "name=mean+-sd|set|none"))
  var prior: [String] = []
  @Option(help: ArgumentHelp("sigmoid: keep both levels of the curve (b and a + b) inside lo,hi; 'none' for no bounds. Default: 0,1 when every y is in [0, 1].", valueName: "lo,hi|none"))
  var yRange: String?

  @Flag(help: "Choose by backtest: when the fit warns that the data leave a parameter undetermined (at a bound, s.e. > 100%, |corr| > 0.99), refit with the law's named priors and tied exponents, backtest each inside the data, and keep the one that predicts best.")
  var auto = false

  @Option(help: "Bootstrap resamples (0: none).")
  var bootstrap: Int = 0
  @Option(help: "Seed of the bootstrap's random numbers.")
  var seed: UInt64 = 42
  @Option(help: "Level of the percentile intervals.")
  var confidence: RealArgument = RealArgument(0.95)
  @Option(help: "Resample points, whole runs, or whole model sizes (group). Default: run for checkpoint files, else point.")
  var bootstrapUnit: BootstrapUnit?
  @Option(help: "Refit each resample with the global search, or one local solve from the main optimum. Default: global (the ladder's step 2: local).")
  var bootstrapSearch: BootstrapSearch?

  @Option(help: "Extrapolation check: fit on models up to this size, predict the larger ones.")
  var holdoutAboveParams: Count?
  @Option(help: "Extrapolation check: fit on points up to this compute, predict the rest.")
  var holdoutAboveFlops: Count?

  @Flag(help: "Progress on stderr even when it is not a terminal.")
  var verbose = false

  func validate() throws {
    if formula.formula != nil, let l = lawOption {
      throw ValidationError("--law \(l.text) and --formula name two laws: give one (the formula is the law).")
    }
    if !formula.namedColumns.isEmpty {
      let named: NamedFormula? = { if case .named(let n) = lawOption?.value { return n } else { return nil } }()
      for (input, _) in formula.namedColumns.sorted(by: { $0.key < $1.key }) where !(named?.inputs.contains { $0.name == input } ?? false) {
        let flag = FormulaOptions.columnFlags.first { $0.input == input }?.flag ?? input
        throw ValidationError("\(flag) applies to a named law with that input (\(NamedFormula.all.filter { $0.inputs.contains { $0.name == input } }.map(\.name).joined(separator: ", "))); with --formula, use --input \(input)=COLUMN.")
      }
    }
    if case .builtin(.formula) = lawOption?.value {
      throw ValidationError("--law formula: give the formula itself with --formula '...' (e.g. --formula 'E + A/N^alpha + B/D^beta').")
    }
    if !(huberDelta.value > 0) || !huberDelta.value.isFinite {
      throw ValidationError("--huber-delta must be a positive number (got \(huberDelta.value)).")
    }
    // Below this every residual lies in the Huber loss's linear part scaled by delta: the
    // objective and its gradient fall under the fitter's tolerances, and the start passes for
    // the optimum.
    if huberDelta.value < AnalysisOptions.minimumHuberDelta {
      throw ValidationError(
        "--huber-delta \(huberDelta.value) makes the objective numerically flat (below \(AnalysisOptions.minimumHuberDelta), every residual is in its linear part, scaled by delta); use a delta near the residuals' size (default 1e-3) or --objective squared.")
    }
    if irreducible && !(law == .kaplanN || law == .kaplanD || law == .kaplanC) {
      throw ValidationError("--irreducible applies to kaplan-n, kaplan-d and kaplan-c only.")
    }
    if bootstrap < 0 || bootstrap > 1_000_000 {
      throw ValidationError("--bootstrap must be between 0 and 1000000 (got \(bootstrap)).")
    }
    if !(confidence.value > 0 && confidence.value < 1) {
      throw ValidationError("--confidence must be in (0, 1) (got \(confidence.value)).")
    }
    if holdoutAboveParams != nil && holdoutAboveFlops != nil {
      throw ValidationError("Give --holdout-above-params or --holdout-above-flops, not both.")
    }
    _ = try fixedParameters()
    _ = try parsedYRange()
    if yRange != nil && !law.isMetricLaw {
      throw ValidationError("--y-range applies to --law sigmoid only.")
    }
    if !formula.shared.isEmpty {
      guard try formulaLaw() != nil else {
        throw ValidationError("--shared applies to a formula law (--formula, or a named law such as --law data-constrained).")
      }
      // The joint law's names (p_GROUP) are known once the groups are read: fixes, ties and
      // priors are checked by the fit then.
      return
    }
    let model = try self.model()
    let names = model.parameterNames
    let known = "(its parameters: \(names.joined(separator: ", ")))"
    let fixed = try fixedParameters()
    if let name = fixed.keys.sorted().first(where: { !names.contains($0) }) {
      throw ValidationError("--fix \(name): the \(model.name) law has no parameter '\(name)' \(known).")
    }
    let ties = try tiedParameters()
    for (dep, src) in ties.sorted(by: { $0.key < $1.key }) {
      for n in [dep, src] where !names.contains(n) {
        throw ValidationError("--tie \(dep)=\(src): the \(model.name) law has no parameter '\(n)' \(known).")
      }
      if dep == src { throw ValidationError("--tie \(dep)=\(src): a parameter cannot be tied to itself.") }
      if let bad = ParameterDomain.tieViolation(dependent: dep, source: src, law: model) {
        throw ValidationError("--tie \(dep)=\(src): \(bad).")
      }
      for n in [dep, src] where fixed[n] != nil {
        throw ValidationError("--tie \(dep)=\(src): \(n) is fixed by --fix; fix both, or tie without the --fix.")
      }
    }
    do {
      _ = try ConstrainedLaw(model, fixed: fixed, tied: ties)
    } catch let e as FitError {
      throw ValidationError("--\(ties.isEmpty ? "fix" : "tie"): \(e.message).")
    }
    let explicit = Set(prior.compactMap { try? Prior.parse($0).parameter })
    // A named set's priors are on its laws' own parameters, with fixed and tied ones left out.
    for p in try priors() where explicit.contains(p.parameter) {
      guard names.contains(p.parameter) else {
        throw ValidationError("--prior \(p.label): the \(model.name) law has no parameter '\(p.parameter)' \(known).")
      }
      if fixed[p.parameter] != nil {
        throw ValidationError("--prior \(p.label): \(p.parameter) is fixed by --fix; give the prior or the --fix, not both.")
      }
      if let src = ties[p.parameter] {
        throw ValidationError("--prior \(p.label): \(p.parameter) is tied to \(src) by --tie; put the prior on \(src).")
      }
      if let bad = ParameterDomain.priorViolation(p, law: model) {
        throw ValidationError("--prior \(p.description): \(bad).")
      }
    }
  }

  /// `--tie dep=src`, each parsed.
  func tiedParameters() throws -> [String: String] {
    var out: [String: String] = [:]
    for item in tie {
      let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw ValidationError("--tie '\(item)': expected name=other, e.g. beta=alpha.")
      }
      guard out[parts[0]] == nil else { throw ValidationError("--tie \(parts[0]) is given twice.") }
      out[parts[0]] = parts[1]
    }
    return out
  }

  /// The priors of `--prior` (named sets expanded; `none`: no priors, not even a law's default).
  func priors() throws -> [Prior] {
    var out: [Prior] = []
    for item in prior {
      let text = item.trimmingCharacters(in: .whitespaces)
      if text == "none" {
        guard prior.count == 1 else { throw ValidationError("--prior none cannot be combined with other priors.") }
        return []
      }
      if let set = PriorSet.named(text) {
        guard set.laws.contains(law) else {
          throw ValidationError(
            "--prior \(text): the \(text) set is for the \(set.laws.map { $0.rawValue }.joined(separator: " and ")) law\(set.laws.count == 1 ? "" : "s"), not \(law.rawValue).")
        }
        // A set's prior on a parameter that is fixed or tied is left out (the tie's source keeps its own).
        let held = Set(((try? fixedParameters()) ?? [:]).keys).union(((try? tiedParameters()) ?? [:]).keys)
        out += set.priors.filter { !held.contains($0.parameter) }
        continue
      }
      do {
        out.append(try Prior.parse(text))
      } catch let e as FitError {
        throw ValidationError("--prior \(e.message).")
      }
    }
    var seen: Set<String> = []
    for p in out where !seen.insert(p.parameter).inserted {
      throw ValidationError("--prior: two priors on \(p.parameter).")
    }
    return out
  }

  /// `--fix name=value`, each parsed.
  func fixedParameters() throws -> [String: Double] { try Self.parseFix(fix, flag: "--fix") }

  /// `--y-range lo,hi` or `none` (`.auto`: the default, decided on the data).
  func parsedYRange() throws -> YRange { try Self.parseYRange(yRange, flag: "--y-range") }

  /// name=value items of a fix flag.
  static func parseFix(_ items: [String], flag: String) throws -> [String: Double] {
    var out: [String: Double] = [:]
    for item in items {
      let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, !parts[0].isEmpty else {
        throw ValidationError("\(flag) '\(item)': expected name=value, e.g. b=0.25.")
      }
      guard let v = Double(parts[1]), v.isFinite else {
        throw ValidationError("\(flag) '\(item)': '\(parts[1])' is not a finite number.")
      }
      guard out[parts[0]] == nil else { throw ValidationError("\(flag) \(parts[0]) is given twice.") }
      out[parts[0]] = v
    }
    return out
  }

  /// lo,hi or none of a y-range flag.
  static func parseYRange(_ value: String?, flag: String) throws -> YRange {
    guard let text = value?.trimmingCharacters(in: .whitespaces) else { return .auto }
    if text.lowercased() == "none" { return .none }
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2, let lo = parts[0], let hi = parts[1], lo.isFinite, hi.isFinite else {
      throw ValidationError("\(flag) '\(text)': expected lo,hi (e.g. 0,1) or none.")
    }
    guard hi > lo else { throw ValidationError("\(flag) '\(text)': hi must be greater than lo.") }
    return .range(lo...hi)
  }

  var fitOptions: FitOptions {
    var o = FitOptions()
    o.law = law
    o.formulaLaw = try? formulaLaw()
    o.irreducible = irreducible
    let chosen = objective ?? (law.isMetricLaw ? .squared : .huber)
    o.loss = chosen == .huber ? .huber(delta: huberDelta.value) : .squared
    o.fixed = (try? fixedParameters()) ?? [:]
    o.tied = (try? tiedParameters()) ?? [:]
    o.priors = prior.isEmpty ? nil : ((try? priors()) ?? [])
    o.yRange = (try? parsedYRange()) ?? .auto
    o.search = search
    return o
  }

  /// The analysis the flags ask for; `resamples` replaces `--bootstrap`'s count when given (the
  /// report's `--downstream-bootstrap`; 0: no bootstrap).
  func analysis(progressTotal: Int, resamples: Int? = nil) -> FitAnalysis {
    var b: BootstrapOptions? = nil
    let bootstrap = resamples ?? self.bootstrap
    if bootstrap > 0 {
      var o = BootstrapOptions(resamples: bootstrap, seed: seed)
      o.confidence = confidence.value
      o.unit = bootstrapUnit
      o.search = bootstrapSearch ?? .global
      if verbose || isatty(2) != 0 {
        o.progress = ProgressBar(total: bootstrap * progressTotal).update
      }
      b = o
    }
    var h: HoldoutCriterion? = nil
    if let x = holdoutAboveParams?.value { h = .paramsAbove(x) }
    if let c = holdoutAboveFlops?.value { h = .flopsAbove(c) }
    return FitAnalysis(fitOptions: fitOptions, bootstrap: b, holdout: h, auto: auto)
  }
}

/// A one-line progress bar on stderr: resamples done, rate, ETA.
final class ProgressBar: @unchecked Sendable {
  let total: Int
  let start = Date()
  private var done = 0
  private var lastDraw = Date.distantPast
  private let lock = NSLock()

  init(total: Int) { self.total = total }

  func update(_: Int) {
    lock.lock()
    defer { lock.unlock() }
    done += 1
    let now = Date()
    guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = now
    let elapsed = now.timeIntervalSince(start)
    let rate = Double(done) / max(elapsed, 1e-9)
    let eta = Double(total - done) / max(rate, 1e-9)
    let width = 30
    let filled = Int(Double(width) * Double(done) / Double(max(total, 1)))
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    var line = "\rbootstrap [\(bar)] \(done)/\(total)  \(String(format: "%.0f", rate))/s  ETA \(String(format: "%.0f", eta))s"
    if done == total { line += "\n" }
    FileHandle.standardError.write(Data(line.utf8))
  }
}
