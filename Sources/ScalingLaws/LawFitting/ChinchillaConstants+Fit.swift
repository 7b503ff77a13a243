/// Chinchilla constants read from a fit (the fitted law's parameters, or one bootstrap resample).
extension ChinchillaConstants {
  /// From a Chinchilla fit's parameters, by name (nil when one is missing).
  public init?(fitted set: ParameterSet, name: String = "fit", source: String = "") {
    self.init(resample: set.parameters.map { $0.value }, of: set, name: name, source: source)
  }

  /// From one bootstrap resample of a Chinchilla fit (a vector laid out as `set`), by name.
  public init?(resample: [Double], of set: ParameterSet, name: String = "fit", source: String = "") {
    guard let p = set.values(Self.parameterNames, in: resample) else { return nil }
    self.init(name: name, source: source, E: p[0], A: p[1], B: p[2], alpha: p[3], beta: p[4])
  }
}
