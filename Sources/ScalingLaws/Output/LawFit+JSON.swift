/// The `scaling fit --format json` shape: {"fits": [ … ]}. Keys kept stable for other tools.
extension LawFit {
  public var json: JSONValue {
    func dict(_ values: [Double]?) -> JSONValue {
      guard let values else { return .null }
      return .object(zip(parameterNames, values).map { ($0, .num($1)) })
    }
    var corrJSON: JSONValue = .null
    if let c = correlation {
      corrJSON = .object(
        parameterNames.enumerated().map { (a, na) in
          (na, .object(parameterNames.enumerated().map { (b, nb) in (nb, .num(c[a, b])) }))
        })
    }
    let d = dataset
    return .object([
      ("file", .string(file)),
      ("group", group.map { .string($0) } ?? .null),
      ("law", .string(law)),
      ("formula", .string(formula)),
      ("points", .int(points)),
      ("objective", .num(objective)),
      ("objective_definition", .string(objectiveDefinition)),
      ("converged", .bool(converged)),
      ("termination", .string(termination.code)),
      ("termination_reason", .string(termination.description)),
      ("tolerances", .string(tolerances)),
      ("search", .string(search.rawValue)),
      ("starts", .int(starts)),
      ("starts_converged", .int(startsConverged)),
      ("iterations", .int(iterations)),
      ("evaluations", .int(evaluations)),
      ("gradient_norm", .num(gradientNorm)),
      ("parameters", dict(parameters)),
      ("stderr", dict(standardErrors)),
      ("correlation", corrJSON),
      ("condition_number", .num(conditionNumber)),
      ("rmse_log", .num(rmseLog)),
      ("r2_log", .num(r2Log)),
      ("warnings", .array(warnings.map { .string($0) })),
      (
        "data",
        .object([
          ("rows_read", .int(d.rowsRead)),
          (
            "columns",
            .object(
              Quantity.allCases.compactMap { q in d.sources[q].map { (q.rawValue, .string($0)) } })
          ),
          ("derivations", .array(d.derivations.map { .string($0) })),
          (
            "filters",
            .array(
              d.filters.map { .object([("filter", .string($0.filter)), ("removed", .int($0.removed))]) })
          ),
        ])
      ),
    ])
  }

  /// The whole document for a list of fits.
  public static func jsonDocument(_ fits: [LawFit]) -> String {
    JSONValue.object([("fits", .array(fits.map { $0.json }))]).rendered() + "\n"
  }
}
