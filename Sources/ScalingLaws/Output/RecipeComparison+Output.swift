import Foundation

extension RecipeComparison {
  public var text: String {
    var out = "[[Compare]] \(candidate) against \(baseline)\n"
    out += "    law          = \(formula)\n"
    out += "    multiplier   = k = C / C_\(candidate)(L_\(baseline)*(C)): \(candidate) reaches \(baseline)'s compute-optimal loss with C/k\n"
    if samples > 0 { out += "    intervals    = \(Int((confidence * 100).rounded()))% percentiles over \(samples) bootstrap samples\n" }
    out += "    \("C".padding(toLength: 11, withPad: " ", startingAt: 0))  \("L_" + baseline)  \("L_" + candidate)  k       interval\n"
    for r in rows {
      let interval = r.interval.map { "\(number("%.4g", $0.0)) – \(number("%.4g", $0.1))" } ?? ""
      out += "    \(number("%.3e", r.flops))  \(number("%.4f", r.baselineLoss))  \(number("%.4f", r.candidateLoss))  \(number("%.4g", r.multiplier))  \(interval)\n"
    }
    return out
  }

  public var json: JSONValue {
    .object([
      ("baseline", .string(baseline)), ("candidate", .string(candidate)), ("formula", .string(formula)),
      ("confidence", .num(confidence)), ("samples", .int(samples)),
      ("rows", .array(rows.map { r in
        .object([
          ("flops", .num(r.flops)), ("baseline_loss", .num(r.baselineLoss)), ("candidate_loss", .num(r.candidateLoss)),
          ("multiplier", .num(r.multiplier)), ("interval", r.interval.map { .array([.num($0.0), .num($0.1)]) } ?? .null),
        ])
      })),
    ])
  }
}
