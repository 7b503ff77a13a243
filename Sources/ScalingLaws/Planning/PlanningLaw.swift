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
    guard let data = FileManager.default.contents(atPath: path) else {
      throw LawFileError(description: "\(path): cannot read the law file")
    }
    guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let fits = json["fits"] as? [[String: Any]]
    else {
      throw LawFileError(description: "\(path): not a `scaling fit --format json` file (no \"fits\" array)")
    }
    let chinchilla = fits.filter { ($0["law"] as? String) == "chinchilla" }
    guard !chinchilla.isEmpty else {
      throw LawFileError(description: "\(path): holds no chinchilla fit (fit with --law chinchilla)")
    }
    let candidates = group.map { g in chinchilla.filter { ($0["group"] as? String) == g } } ?? chinchilla
    guard candidates.count == 1, let fit = candidates.first else {
      let groups = chinchilla.map { ($0["group"] as? String) ?? "null" }.joined(separator: ", ")
      if group != nil {
        throw LawFileError(description: "\(path): no chinchilla fit for group '\(group!)' (groups: \(groups))")
      }
      throw LawFileError(description: "\(path): \(chinchilla.count) chinchilla fits; pick one with --group (groups: \(groups))")
    }
    guard let p = fit["parameters"] as? [String: Any],
      let E = p["E"] as? Double, let A = p["A"] as? Double, let B = p["B"] as? Double,
      let alpha = p["alpha"] as? Double, let beta = p["beta"] as? Double
    else {
      throw LawFileError(description: "\(path): the chinchilla fit lacks E, A, B, alpha or beta")
    }
    if let converged = fit["converged"] as? Bool, !converged {
      throw LawFileError(description: "\(path): the chinchilla fit did not converge; refusing to plan with it")
    }
    let file = (fit["file"] as? String) ?? path
    let name = "fit:\(path)" + ((fit["group"] as? String).map { "[\($0)]" } ?? "")
    let constants = ChinchillaConstants(
      name: name, source: "fitted by scaling fit to \(file)", E: E, A: A, B: B, alpha: alpha, beta: beta)
    var fitted = constants
    fitted.fitWarnings = (fit["warnings"] as? [String]) ?? []
    if let d = fit["data"] as? [String: Any] {
      fitted.observedLossMin = d["loss_min"] as? Double
      fitted.observedFlopsMax = d["flops_max"] as? Double
    }
    var samples: [ChinchillaConstants] = []
    if let boot = fit["bootstrap_samples"] as? [[String: Any]] {
      for s in boot {
        if let E = s["E"] as? Double, let A = s["A"] as? Double, let B = s["B"] as? Double,
          let al = s["alpha"] as? Double, let be = s["beta"] as? Double
        {
          samples.append(ChinchillaConstants(name: name, source: "", E: E, A: A, B: B, alpha: al, beta: be))
        }
      }
    }
    return .chinchilla(fitted, samples: samples)
  }
}
