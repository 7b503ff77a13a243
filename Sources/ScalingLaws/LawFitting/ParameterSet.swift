/// A fitted law's parameters by name, in the law's order (as lmfit's `Parameters`): each with its
/// value, standard error, the bounds the law keeps it in, and whether the user fixed it.
/// Code that needs a parameter asks for it by name (`set["E"]`, `set.values(["E", "A"])`), not
/// by its position in the law's vector.
public struct ParameterSet: Sendable, Equatable {
  public struct Parameter: Sendable, Equatable {
    public var name: String
    public var value: Double
    /// nil when the fit reports none (no covariance).
    public var standardError: Double?
    /// The range the law keeps the parameter in (nil: unbounded).
    public var bounds: ClosedRange<Double>?
    /// Fixed by the user (`--fix`): not fitted, standard error 0.
    public var isFixed: Bool
    /// A power-law exponent of the law (α, β, γ).
    public var isExponent: Bool
    /// Within 1e-6 (relative) of a bound: the bound, not the data, sets the value.
    public var isAtBound: Bool { bounds.map { ParameterSet.isAtBound(value, $0) } ?? false }
  }

  public var parameters: [Parameter]

  public init(_ parameters: [Parameter]) { self.parameters = parameters }

  public var names: [String] { parameters.map { $0.name } }

  /// Within 1e-6 (relative) of either end of `bounds` (the fitter's "at a bound" warning too).
  public static func isAtBound(_ value: Double, _ bounds: ClosedRange<Double>) -> Bool {
    value <= bounds.lowerBound * (1 + 1e-6) || value >= bounds.upperBound * (1 - 1e-6)
  }

  public subscript(_ name: String) -> Parameter? { parameters.first { $0.name == name } }

  /// The exponents, in the law's order.
  public var exponents: [Parameter] { parameters.filter { $0.isExponent } }

  /// The values of `names`, in that order; nil when any is missing.
  public func values(_ names: [String]) -> [Double]? { values(names, in: parameters.map { $0.value }) }

  /// The same lookup in a vector laid out as this set (a bootstrap resample of the parameters).
  public func values(_ names: [String], in vector: [Double]) -> [Double]? {
    var out: [Double] = []
    for n in names {
      guard let i = parameters.firstIndex(where: { $0.name == n }), i < vector.count else { return nil }
      out.append(vector[i])
    }
    return out
  }
}
