import Foundation

/// The documented domain of a law's parameters, checked where fits are produced (a fit that ends
/// outside it is not converged) and where fit files are read (`predict`, `plan --law`): every
/// value finite; exponents (``ScalingLaw/exponentNames``) positive; scale constants (A, B, N_c,
/// D_c, S_c) in (0, 1e50]; irreducible losses (E, L0) not negative; a declared bound
/// (``ScalingLaw/parameterBounds``) respected. Without these a file with α = −0.5 or A = 1e308
/// made `plan` print inf, 0 or NaN with exit 0.
public enum ParameterDomain {
  static let scales: Set<String> = ["A", "B", "Nc", "Dc", "Sc"]
  static let floors: Set<String> = ["E", "L0"]
  /// The largest scale constant accepted: 1e50 is far beyond any fit (Kaplan's N_c 8.8e13; the
  /// mini-Pythia resamples reach 1e15) and far below where A/N^α overflows or prints 300 digits.
  static let maxScale = 1e50

  /// The first parameter outside the domain, as a sentence ("alpha = -0.5 is not positive (an
  /// exponent)"), or nil.
  public static func violation(names: [String], values: [Double], law: any ScalingLaw) -> String? {
    let formula = law.baseLaw as? FormulaLaw
    for (name, v) in zip(names, values) {
      if !v.isFinite { return "\(name) is \(v.isNaN ? "not a number" : v > 0 ? "infinite" : "infinite and negative")" }
      if let f = formula {
        // A formula law's domain is its declared ranges; without one, 0 or above.
        let r = f.spec.bounds[name] ?? 0...Double.infinity
        if !(v >= r.lowerBound - 1e-12 * max(1, abs(r.lowerBound)) && v <= r.upperBound + 1e-12 * max(1, abs(r.upperBound))) {
          return "\(name) = \(fmt(v)) is outside its range [\(fmt(r.lowerBound)), \(fmt(r.upperBound))]"
        }
        if f.exponentNames.contains(name) && f.spec.bounds[name] == nil && !(v > 0) {
          return "\(name) = \(fmt(v)) is not positive (an exponent of the formula)"
        }
        continue
      }
      if law.exponentNames.contains(name) && !(v > 0) { return "\(name) = \(fmt(v)) is not positive (an exponent of the \(law.name) law)" }
      if scales.contains(name) && !(v > 0 && v <= maxScale) {
        return "\(name) = \(fmt(v)) is outside (0, 1e50] (a scale constant; fitted ones sit between 1 and 1e16)"
      }
      if floors.contains(name) && v < 0 { return "\(name) = \(fmt(v)) is negative (an irreducible loss)" }
      if let r = law.parameterBounds[name], !(v >= r.lowerBound * (1 - 1e-9) - 1e-12 && v <= r.upperBound * (1 + 1e-9) + 1e-12) {
        return "\(name) = \(fmt(v)) is outside its range [\(fmt(r.lowerBound)), \(fmt(r.upperBound))]"
      }
    }
    return nil
  }

  /// What a parameter is in its law, for the checks of ties and priors.
  public enum Role: String, Sendable {
    case exponent, scale, floor, other

    var phrase: String {
      switch self {
      case .exponent: return "an exponent"
      case .scale: return "a scale constant"
      case .floor: return "an irreducible loss"
      case .other: return "a parameter"
      }
    }
  }

  public static func role(_ name: String, law: any ScalingLaw) -> Role {
    if law.exponentNames.contains(name) { return .exponent }
    if scales.contains(name) { return .scale }
    if floors.contains(name) { return .floor }
    return .other
  }

  /// A tie joining two kinds of parameter (`--tie E=A`: a loss floor equal to a scale constant,
  /// which no law means), as a sentence; nil for a tie of one kind (`beta=alpha`).
  public static func tieViolation(dependent: String, source: String, law: any ScalingLaw) -> String? {
    let a = role(dependent, law: law), b = role(source, law: law)
    guard a != b else { return nil }
    return "\(dependent) is \(a.phrase) and \(source) \(b.phrase) of the \(law.name) law; a tie joins two parameters of one kind (e.g. beta=alpha)"
  }

  /// A prior whose mean lies outside its parameter's domain (`alpha=-0.3+-0.1` for a positive
  /// exponent, a negative floor, a scale's linear mean at or below 0, a mean outside a declared
  /// bound), as a sentence; nil when the mean is a value the parameter can take.
  public static func priorViolation(_ p: Prior, law: any ScalingLaw) -> String? {
    guard p.scale == .linear else { return nil }
    let name = p.parameter, m = p.mean
    switch role(name, law: law) {
    case .exponent where !(m > 0):
      return "the mean \(fmt(m)) is not positive, and \(name) is an exponent of the \(law.name) law (positive)"
    case .scale where !(m > 0):
      return "the mean \(fmt(m)) is not positive, and \(name) is a scale constant (positive; a prior on log10(\(name)) takes any mean)"
    case .floor where m < 0:
      return "the mean \(fmt(m)) is negative, and \(name) is an irreducible loss (0 or more)"
    default: break
    }
    if let r = law.parameterBounds[name], !r.contains(m) {
      return "the mean \(fmt(m)) is outside \(name)'s range [\(fmt(r.lowerBound)), \(fmt(r.upperBound))]"
    }
    return nil
  }
}
