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
    for (name, v) in zip(names, values) {
      if !v.isFinite { return "\(name) = \(v) is not finite" }
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
}
