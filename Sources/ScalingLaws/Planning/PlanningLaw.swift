import Foundation

/// The law a planner answers with: a Chinchilla-form constant set (named, or from a fit), or
/// Kaplan's compute-efficient frontier.
public enum PlanningLaw: Sendable {
  case chinchilla(ChinchillaConstants, samples: [ChinchillaConstants])
  case kaplan(KaplanFrontier)
  /// An Approach 1 or 2 fit (`fit --approach isoflop|envelope`): the optimum at each budget.
  case frontier(AllocationFrontier, samples: [AllocationFrontier])
  /// A formula law fitted by `scaling fit --formula`: optimised numerically (``FittedLaw``).
  case fitted(FittedLaw, samples: [FittedLaw])

  public var name: String {
    switch self {
    case .chinchilla(let c, _): return c.name
    case .kaplan(let k): return k.name
    case .frontier(let f, _): return f.name
    case .fitted(let f, _): return f.name
    }
  }

  public var source: String {
    switch self {
    case .chinchilla(let c, _): return c.source
    case .kaplan(let k): return k.source
    case .frontier(let f, _): return f.source
    case .fitted(let f, _): return f.source
    }
  }

  /// What the law's N counts: non-embedding parameters for Kaplan's frontier (Kaplan et al. 2020),
  /// every parameter for the Chinchilla-form laws (Hoffmann et al. 2022 count embeddings too).
  public var parameterCount: TransformerShape.ParameterCount {
    if case .kaplan = self { return .nonEmbedding }
    return .total
  }

  /// Named laws: the `--law` values of `scaling plan` (default `chinchilla-epoch`): the
  /// Chinchilla-form sets, Kaplan's frontier, and the named formula laws with published
  /// constants (`vocab`, `data-constrained`), planned numerically like a fitted formula.
  public static let namedLaws: [String] =
    ChinchillaConstants.named.map { $0.name } + ["kaplan"] + NamedFormula.all.filter { $0.publishedValues != nil }.map { $0.name }

  public static func named(_ name: String) -> PlanningLaw? {
    if name == "kaplan" { return .kaplan(KaplanFrontier()) }
    if let f = NamedFormula.named(name), let p = f.publishedValues {
      // The texts and constants are fixed and tested (every named formula has N and D).
      guard let law = try? FittedLaw(name: f.name, source: f.publishedSource ?? f.source, law: f.law(), parameters: p) else {
        preconditionFailure("named law \(name) does not plan")
      }
      return .fitted(law, samples: [])
    }
    return ChinchillaConstants.named.first { $0.name == name }.map { .chinchilla($0, samples: []) }
  }

  public struct LawFileError: Error, CustomStringConvertible {
    public let description: String
  }

  /// The law with its formula inputs other than N, D and C held at `values` (a fitted formula
  /// law; other laws have none and are returned as they are).
  public func holding(_ values: [String: Double]) -> PlanningLaw {
    guard case .fitted(var f, let samples) = self else { return self }
    f.fixedInputs.merge(values) { $1 }
    return .fitted(f, samples: samples.map { var s = $0; s.fixedInputs.merge(values) { $1 }; return s })
  }

  /// The law with its formula inputs in `ranges` chosen by the plan (a fitted formula law; others
  /// are returned as they are).
  public func choosing(_ ranges: [String: ClosedRange<Double>]) -> PlanningLaw {
    guard case .fitted(var f, let samples) = self else { return self }
    f.chosenInputs.merge(ranges) { $1 }
    return .fitted(f, samples: samples.map { var s = $0; s.chosenInputs.merge(ranges) { $1 }; return s })
  }

  /// The law under another name (a fitted formula law; others are returned as they are).
  func renamed(_ name: String) -> PlanningLaw {
    guard case .fitted(var f, let samples) = self else { return self }
    f.name = name
    return .fitted(f, samples: samples)
  }

  /// A formula fit of a fit file as a planning law, with a law per bootstrap resample.
  static func fromFormulaRecord(_ fit: FitDocument.Record, path: String) throws -> PlanningLaw {
    if fit.converged == false {
      throw LawFileError(description: "\(path): the formula fit did not converge; refusing to plan with it")
    }
    guard let spec = fit.formulaSpec else {
      throw LawFileError(description: "\(path): the formula fit records no formula (or unreadable formula_law settings)")
    }
    let law: FormulaLaw
    do {
      law = try FormulaLaw(spec)
    } catch let e as FormulaError {
      throw LawFileError(description: "\(path): the fit's formula '\(spec.text)' does not make a law: \(e)")
    }
    let names = law.parameterNames
    guard let p = fit.values(names) else {
      throw LawFileError(description: "\(path): the formula fit lacks one of its parameters \(names.joined(separator: ", "))")
    }
    if let bad = ParameterDomain.violation(names: names, values: p, law: law) ?? fit.consistencyViolation(names: names) {
      throw LawFileError(description: "\(path): the formula fit's \(bad); refusing to plan with it")
    }
    let name = "fit:\(path)" + (fit.group.map { "[\($0)]" } ?? "")
    let source = "\(law.formula) fitted by scaling fit to \(fit.file ?? path)"
    var f: FittedLaw
    do {
      f = try FittedLaw(name: name, source: source, law: law, parameters: p)
    } catch let e as FittedLaw.PlanningError {
      throw LawFileError(description: "\(path): \(e.description)")
    }
    let d = fit.data
    f.fitWarnings = fit.warnings ?? []
    f.observedLossMin = d?.lossMin
    f.observedFlopsMax = d?.flopsMax
    f.observedTokensPerParam = d.flatMap { d in d.tokensPerParamMin.flatMap { lo in d.tokensPerParamMax.flatMap { lo <= $0 ? lo...$0 : nil } } }
    let samples = fit.samples(names).map { s -> FittedLaw in
      var g = f
      g.parameters = s
      return g
    }
    return .fitted(f, samples: samples)
  }

  /// Reads a `scaling fit --format json` file and takes its Chinchilla fit (the one whose
  /// group matches `group`, or the only Chinchilla fit); without one, its chinchilla-lr fit at
  /// the end of a run with the schedule the fit recorded for planning (`ScheduleEnd`: the
  /// largest model's longest run). Bootstrap samples, when the fit carries them, give every
  /// answer an interval.
  public static func fromFitFile(_ path: String, group: String?) throws -> PlanningLaw {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw LawFileError(description: "\(path): cannot read the law file")
    }
    return try fromFitData(data, path: path, group: group)
  }

  /// The same from the file's bytes (`path` names it in errors).
  public static func fromFitData(_ data: Data, path: String, group: String?) throws -> PlanningLaw {
    if ApproachDocument.isApproachFile(data) {
      return try fromApproachFile(path, data: data, group: group)
    }
    let document: FitDocument
    do {
      document = try FitDocument(data: data, path: path)
    } catch let e as FitDocument.ReadError {
      throw LawFileError(description: e.description.replacingOccurrences(of: "cannot read the fit file", with: "cannot read the law file"))
    }
    let chinchilla = document.fits.filter { $0.lawName == LawName(.chinchilla) }
    let curve = document.fits.filter { $0.lawName == LawName(.chinchillaLR) }
    let formulas = document.fits.filter { $0.lawName?.kind == .formula }
    if chinchilla.isEmpty && curve.isEmpty && !formulas.isEmpty {
      // A group of a joint fit (--shared): that fit with the group's indicators held.
      if let g = group, !formulas.contains(where: { $0.group == g || $0.name == g }),
        let joint = formulas.first(where: { $0.formulaSpec?.inputs.values.contains("#group=\(g)") == true })
      {
        let law = try fromFormulaRecord(joint, path: path)
        guard case .fitted(let f, _) = law, let held = RecipeComparison.groups(of: f.law)[g] else { return law }
        return law.holding(held).renamed("fit:\(path)[\(g)]")
      }
      do {
        return try fromFormulaRecord(FitDocument.pick(formulas, group: group, path: path, what: "formula fit"), path: path)
      } catch let e as FitDocument.ReadError {
        throw LawFileError(description: e.description)
      }
    }
    guard !chinchilla.isEmpty || !curve.isEmpty else {
      throw LawFileError(description: "\(path): holds no chinchilla fit (fit with \(OptionName.law) chinchilla, or a formula law of N and D with \(OptionName.formula))")
    }
    // A file with both (a report's): the chinchilla fit, unless --group names a chinchilla-lr one.
    let named = { (r: FitDocument.Record) in r.name == group || r.group == group }
    let isCurve = chinchilla.isEmpty || (group != nil && !chinchilla.contains(where: named) && curve.contains(where: named))
    let what = isCurve ? "chinchilla-lr fit" : "chinchilla fit"
    let fit: FitDocument.Record
    do {
      fit = try FitDocument.pick(isCurve ? curve : chinchilla, group: group, path: path, what: what)
    } catch let e as FitDocument.ReadError {
      throw LawFileError(description: e.description)
    }
    if fit.converged == false {
      throw LawFileError(description: "\(path): the \(what) did not converge; refusing to plan with it")
    }
    let file = fit.file ?? path
    let name = "fit:\(path)" + (fit.group.map { "[\($0)]" } ?? "")
    let names = isCurve ? ChinchillaConstants.curveLawNames : ChinchillaConstants.parameterNames
    guard let p = fit.values(names) else {
      throw LawFileError(description: "\(path): the \(what) lacks one of \(names.joined(separator: ", "))")
    }
    let law = (isCurve ? LawKind.chinchillaLR : LawKind.chinchilla).makeLaw(irreducible: false)
    if let bad = ParameterDomain.violation(names: names, values: p, law: law) ?? fit.consistencyViolation(names: names) {
      throw LawFileError(description: "\(path): the \(what)'s \(bad); refusing to plan with it")
    }
    // Chinchilla constants from one vector of `names` (the fit, or a bootstrap resample).
    var convert: ([Double]) -> ChinchillaConstants? = {
      ChinchillaConstants(name: name, source: "", E: $0[0], A: $0[1], B: $0[2], alpha: $0[3], beta: $0[4])
    }
    var source = "fitted by scaling fit to \(file)"
    var extraWarnings: [String] = []
    if isCurve {
      guard let s = fit.data?.planningSchedule else {
        throw LawFileError(description: "\(path): the chinchilla-lr fit records no schedule to plan with (refit it with this version of scaling)")
      }
      let end = ScheduleEnd(
        run: s.run, meanRelativeRate: s.meanRelativeRate, annealing: s.annealing, peakLR: s.peakLR, finalLR: s.finalLR,
        observedAnnealingMax: s.annealingMax)
      extraWarnings = end.annealingWarning(c: p[3]).map { [$0] } ?? []
      convert = { ChinchillaConstants(curveLaw: $0, at: end, name: name) }
      source += " (chinchilla-lr at the end of a run with the schedule of \(s.run): kappa = \(String(format: "%.4f", s.meanRelativeRate)), S2 = \(fmt(s.annealing)))"
    }
    guard var fitted = convert(p) else {
      throw LawFileError(description: "\(path): the chinchilla-lr fit's annealing bonus C*S2 reaches its floor E at the end of a long run: no Chinchilla law to plan with")
    }
    fitted.source = source
    let d = fit.data
    fitted.observe(
      warnings: (fit.warnings ?? []) + extraWarnings, lossMin: d?.lossMin, flopsMax: d?.flopsMax,
      tokensPerParam: d.flatMap { d in d.tokensPerParamMin.flatMap { lo in d.tokensPerParamMax.flatMap { lo <= $0 ? lo...$0 : nil } } })
    let samples = fit.samples(names).compactMap(convert)
    return .chinchilla(fitted, samples: samples)
  }

  /// An Approach 1 or 2 file: its frontier (the one of `group`, or the only one), with a frontier
  /// per bootstrap resample for intervals.
  static func fromApproachFile(_ path: String, data: Data, group: String?) throws -> PlanningLaw {
    let doc: ApproachDocument
    do {
      doc = try ApproachDocument.decode(data)
    } catch {
      // The file is parsed once more only when reading failed, for the clearer line.
      if let problem = FitDocument.recordProblem(data, path: path) { throw LawFileError(description: problem) }
      switch error {
      case let e as FitDocument.ReadError:
        throw LawFileError(description: "\(path): \(e.description)")
      case DecodingError.keyNotFound(let key, let context):
        throw LawFileError(description: "\(path): an Approach fit lacks '\(key.stringValue)' (at \(FitDocument.where(context.codingPath)))")
      default:
        throw LawFileError(description: "\(path): an Approach fit file that cannot be read (not valid JSON, or values of the wrong type)")
      }
    }
    let candidates = group.map { g in doc.fits.filter { $0.group == g } } ?? doc.fits
    guard candidates.count == 1, let r = candidates.first else {
      let groups = doc.fits.map { $0.group ?? "(none)" }.joined(separator: ", ")
      throw LawFileError(
        description: candidates.isEmpty
          ? "\(path): no Approach fit of group '\(group ?? "")' (groups: \(groups))"
          : "\(path): holds \(candidates.count) Approach fits; pick one with \(OptionName.group) (groups: \(groups))")
    }
    let what = r.approach == "isoflop" ? "IsoFLOP (Approach 2\(r.vertex.map { ", \($0) vertices" } ?? ""))" : "envelope (Approach 1)"
    let name = "fit:\(path)" + (r.group.map { "[\($0)]" } ?? "")
    for (label, v) in [("a", r.a), ("b", r.b), ("n_opt_scale", r.nOptScale), ("d_opt_scale", r.dOptScale)] where !(v.isFinite && v > 0) {
      throw LawFileError(description: "\(path): the \(what) fit's \(label) = \(v) is not a positive finite number; refusing to plan with it")
    }
    let (f, samples) = r.frontier(name: name, source: "\(what) frontier fitted by scaling fit to \(r.file ?? path)")
    // N*(C) and D*(C) grow with C, each more slowly than C: exponents in (0, 1].
    for (label, v) in [("a", r.a), ("b", r.b)] where v > 1 {
      throw LawFileError(description: "\(path): the \(what) fit's \(label) = \(v) is above 1 (N* and D* grow more slowly than C); refusing to plan with it")
    }
    for C in [1e15, 1e30] {
      let (n, d) = (f.optimalParams(flops: C), f.optimalTokens(flops: C))
      guard n.isFinite, d.isFinite, n > 0, d > 0 else {
        throw LawFileError(description: "\(path): the \(what) fit gives no finite allocation at \(String(format: "%.0e", C)) FLOPs; refusing to plan with it")
      }
    }
    if let l = f.lossLaw, !(l.E >= 0 && l.E.isFinite && l.k > 0 && l.k.isFinite && l.gamma > 0 && l.gamma.isFinite) {
      throw LawFileError(description: "\(path): the \(what) fit's loss law (E \(l.E), k \(l.k), gamma \(l.gamma)) is outside E >= 0, k > 0, gamma > 0; refusing to plan with it")
    }
    return .frontier(f, samples: samples)
  }
}
