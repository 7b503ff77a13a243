/// The `scaling fit --format json` shape: {"fits": [ … ]} of ``FitDocument/Record``s. Keys kept
/// stable for other tools.
extension LawFit {
  /// The fit's object in the fit file: the typed record `predict` and `plan` read back, rendered.
  public var json: JSONValue { FitDocument.Record(self).json }

  /// Every bootstrap resample's parameters, one CSV row each (`--bootstrap-samples FILE`).
  public static func bootstrapSamplesCSV(_ fits: [LawFit]) -> String {
    var names: [String] = []
    for f in fits { for n in f.parameterNames where !names.contains(n) { names.append(n) } }
    var out = (["file", "group", "law", "resample"] + names).joined(separator: ",") + "\n"
    for f in fits {
      guard let b = f.bootstrap else { continue }
      for (k, s) in b.samples.enumerated() {
        var row = [csvEscape(f.file), csvEscape(f.group ?? ""), f.law, String(k)]
        for n in names { row.append(f.parameterNames.firstIndex(of: n).map { "\(s[$0])" } ?? "") }
        out += row.joined(separator: ",") + "\n"
      }
    }
    return out
  }

  /// The whole document for a list of fits.
  public static func jsonDocument(_ fits: [LawFit]) -> String {
    JSONValue.object([("fits", .array(fits.map { $0.json }))]).rendered() + "\n"
  }
}
