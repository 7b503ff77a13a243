import Foundation

/// The law a planner answers with: a Chinchilla-form constant set (named, or from a fit), or
/// Kaplan's compute-efficient frontier.
public enum PlanningLaw: Sendable {
  case chinchilla(ChinchillaConstants, samples: [ChinchillaConstants])
  case kaplan(KaplanFrontier)

  public var name: String {
    switch self {
    case .chinchilla(let c, _): return c.name
    case .kaplan(let k): return k.name
    }
  }

  public var source: String {
    switch self {
    case .chinchilla(let c, _): return c.source
    case .kaplan(let k): return k.source
    }
  }

  /// Named laws: the `--law` values of `scaling plan` (default `chinchilla-epoch`).
  public static let namedLaws: [String] = ChinchillaConstants.named.map { $0.name } + ["kaplan"]

  public static func named(_ name: String) -> PlanningLaw? {
    if name == "kaplan" { return .kaplan(KaplanFrontier()) }
    return ChinchillaConstants.named.first { $0.name == name }.map { .chinchilla($0, samples: []) }
  }

  public struct LawFileError: Error, CustomStringConvertible {
    public let description: String
  }

  /// Reads a `scaling fit --format json` file and takes its Chinchilla fit (the one whose
  /// group matches `group`, or the only Chinchilla fit). Bootstrap samples, when the fit
  /// carries them, give every answer an interval.
  public static func fromFitFile(_ path: String, group: String?) throws -> PlanningLaw {
    let document: FitDocument
    do {
      document = try FitDocument(path: path)
    } catch let e as FitDocument.ReadError {
      throw LawFileError(description: e.description.replacingOccurrences(of: "cannot read the fit file", with: "cannot read the law file"))
    }
    let chinchilla = document.fits.filter { $0.law == "chinchilla" }
    guard !chinchilla.isEmpty else {
      throw LawFileError(description: "\(path): holds no chinchilla fit (fit with \(OptionName.law) chinchilla)")
    }
    let fit: FitDocument.Record
    do {
      fit = try FitDocument.pick(chinchilla, group: group, path: path, what: "chinchilla fit")
    } catch let e as FitDocument.ReadError {
      throw LawFileError(description: e.description)
    }
    let names = ["E", "A", "B", "alpha", "beta"]
    guard let p = fit.values(names) else {
      throw LawFileError(description: "\(path): the chinchilla fit lacks E, A, B, alpha or beta")
    }
    if fit.converged == false {
      throw LawFileError(description: "\(path): the chinchilla fit did not converge; refusing to plan with it")
    }
    let file = fit.file ?? path
    let name = "fit:\(path)" + (fit.group.map { "[\($0)]" } ?? "")
    var fitted = ChinchillaConstants(
      name: name, source: "fitted by scaling fit to \(file)", E: p[0], A: p[1], B: p[2], alpha: p[3], beta: p[4])
    fitted.fitWarnings = fit.warnings ?? []
    fitted.observedLossMin = fit.data?.lossMin
    fitted.observedFlopsMax = fit.data?.flopsMax
    if let lo = fit.data?.tokensPerParamMin, let hi = fit.data?.tokensPerParamMax, lo <= hi {
      fitted.observedTokensPerParam = lo...hi
    }
    let samples = fit.samples(names).map {
      ChinchillaConstants(name: name, source: "", E: $0[0], A: $0[1], B: $0[2], alpha: $0[3], beta: $0[4])
    }
    return .chinchilla(fitted, samples: samples)
  }
}
