import Foundation

/// Text, JSON (the hyperparameter fit file `plan --hparams` reads) and CSV of a sweep's fit.
extension HyperparameterFit {
  static func interval(_ i: (Double, Double)?, _ f: (Double) -> String) -> String {
    i.map { "[\(f($0.0)), \(f($0.1))]" } ?? ""
  }

  public var text: String {
    var s = "[[Hyperparameters]] \(file)\n"
    s += "    runs         = \(runs) in \(cells.count) cells (N, D)\n"
    for (k, v) in columns.sorted(by: { $0.key < $1.key }) { s += "    column       = \(k) <- \(v)\n" }
    s += "    method       = \(method)\n"
    s += "    bootstrap    = \(resamples == 0 ? "none (--bootstrap N for intervals)" : "\(resamples) resamples of cells and of runs within cells, seed \(seed); \(law.samples.count) fitted")\n"
    s += "[[Laws]]\n"
    func lawLine(_ name: String, _ p: HyperparameterLaw.PowerLaw, _ se: [Double]?, _ samples: [HyperparameterLaw.PowerLaw]) -> String {
      var t = "    \(name) = \(p.text)\n"
      let parts = [("ln a", log(p.coefficient), 0, samples.map { log($0.coefficient) }), ("N exponent", p.paramsExponent, 1, samples.map(\.paramsExponent)), ("D exponent", p.tokensExponent, 2, samples.map(\.tokensExponent))]
      for (label, v, i, sv) in parts {
        if i > 0 && v == 0 && !(se?[i] ?? .nan).isFinite { continue }
        let e = se.map { $0[i].isFinite ? " +/- \(number("%.3g", $0[i]))" : " (no residual degrees of freedom)" } ?? ""
        let b = sv.count >= 2 ? "  bootstrap 95% [\(number("%.4g", percentile(sv, 0.025))), \(number("%.4g", percentile(sv, 0.975)))]" : ""
        t += "        \(label.padding(toLength: 10, withPad: " ", startingAt: 0)) = \(number("%.6g", v))\(e)\(b)\n"
      }
      return t
    }
    s += lawLine("eta*", law.learningRate, learningRateErrors, law.samples.map(\.learningRate))
    if let b = law.batch {
      s += lawLine("B*  ", b, batchErrors, law.samples.compactMap(\.batch))
      s += "        form       = \(batchFormNote)\n"
    }
    if let k = law.curvature {
      let l2 = log(2.0) * log(2.0)
      s += "    a 2x miss    = +\(number("%.3g", 100 * k.learningRate * l2))% loss in the learning rate, +\(number("%.3g", 100 * k.batch * l2))% in the batch (median cell)\n"
    }
    s += "[[Cells]]\n"
    var table = [["N", "D", "runs", "best loss", "eta*", "interval", "B* (tokens)", "interval", "2x eta", "2x B"]]
    for c in cells {
      table.append([
        shortCount(c.params), shortCount(c.tokens), "\(c.runs)", number("%.4f", c.bestLoss),
        c.learningRate.map { number("%.3g", $0) } ?? "-", Self.interval(c.learningRateInterval) { number("%.3g", $0) },
        c.batchTokens.map(shortCount) ?? "-", Self.interval(c.batchInterval, shortCount),
        c.learningRatePenalty2x.map { "+\(number("%.2g", 100 * $0))%" } ?? "-", c.batchPenalty2x.map { "+\(number("%.2g", 100 * $0))%" } ?? "-",
      ])
    }
    s += Self.render(table)
    if !heldOut.isEmpty {
      s += "[[Leave one cell out]] (each cell's optimum predicted by the laws fitted to the others; its own surface's loss there)\n"
      var t = [["N", "D", "eta predicted", "B predicted", "loss above the cell's optimum"]]
      for h in heldOut {
        t.append([shortCount(h.params), shortCount(h.tokens), number("%.3g", h.learningRate), h.batchTokens.map(shortCount) ?? "-", "+\(number("%.3g", 100 * h.penalty))%"])
      }
      s += Self.render(t)
      s += "    worst        = +\(number("%.3g", 100 * (heldOut.map(\.penalty).max() ?? 0)))%, mean +\(number("%.3g", 100 * heldOut.map(\.penalty).reduce(0, +) / Double(heldOut.count)))%\n"
    }
    if !warnings.isEmpty {
      s += "[[Warnings]]\n"
      for w in warnings { s += "    - \(w)\n" }
    }
    return s
  }

  static func render(_ table: [[String]]) -> String {
    let widths = (0..<table[0].count).map { c in table.map { $0[c].count }.max()! }
    return table.map { row in "    " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingTrailingSpaces() }
      .joined(separator: "\n") + "\n"
  }

  static func powerJSON(_ p: HyperparameterLaw.PowerLaw) -> JSONValue {
    .object([
      ("coefficient", .num(p.coefficient)), ("params_exponent", .num(p.paramsExponent)), ("tokens_exponent", .num(p.tokensExponent)),
      ("flops_exponent", .num(p.flopsExponent)),
    ])
  }

  static func pair(_ i: (Double, Double)?) -> JSONValue { i.map { .array([.num($0.0), .num($0.1)]) } ?? .null }

  /// The fit file: `plan --hparams FILE` reads `learning_rate`, `batch`, `curvature`, the ranges
  /// and the bootstrap samples.
  public var json: JSONValue {
    var kv: [(String, JSONValue)] = [
      ("kind", .string("hparams")), ("file", .string(file)), ("runs", .int(runs)), ("method", .string(method)),
      ("window", .num(window)), ("minimum_runs", .int(minimumRuns)),
      ("columns", .object(columns.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
      ("learning_rate", Self.powerJSON(law.learningRate)),
      ("learning_rate_standard_errors", .array(learningRateErrors.map { .num($0) })),
      ("batch", law.batch.map(Self.powerJSON) ?? .null),
      ("batch_standard_errors", batchErrors.map { .array($0.map { .num($0) }) } ?? .null),
      ("batch_form", .string(batchForm)), ("batch_form_note", .string(batchFormNote)),
    ]
    if let k = law.curvature {
      kv.append(("curvature", .object([("learning_rate", .num(k.learningRate)), ("batch", .num(k.batch)), ("cross", .num(k.cross))])))
    }
    if let r = law.paramsRange { kv.append(("params_range", .array([.num(r.lowerBound), .num(r.upperBound)]))) }
    if let r = law.tokensRange { kv.append(("tokens_range", .array([.num(r.lowerBound), .num(r.upperBound)]))) }
    kv.append((
      "cells",
      .array(cells.map { c in
        .object([
          ("params", .num(c.params)), ("tokens", .num(c.tokens)), ("runs", .int(c.runs)), ("window_runs", .int(c.windowRuns)),
          ("distinct_learning_rates", .int(c.distinctLearningRates)), ("distinct_batches", .int(c.distinctBatches)),
          ("best_loss", .num(c.bestLoss)), ("optimum_loss", .num(c.optimumLoss)),
          ("learning_rate", c.learningRate.map { .num($0) } ?? .null), ("learning_rate_interval", Self.pair(c.learningRateInterval)),
          ("batch_tokens", c.batchTokens.map { .num($0) } ?? .null), ("batch_tokens_interval", Self.pair(c.batchInterval)),
          ("learning_rate_penalty_2x", c.learningRatePenalty2x.map { .num($0) } ?? .null),
          ("batch_penalty_2x", c.batchPenalty2x.map { .num($0) } ?? .null),
          ("learning_rate_tried", .array([.num(c.learningRateRange.lowerBound), .num(c.learningRateRange.upperBound)])),
          ("batch_tried", .array([.num(c.batchRange.lowerBound), .num(c.batchRange.upperBound)])),
        ])
      })))
    kv.append((
      "leave_one_cell_out",
      .array(heldOut.map { h in
        .object([
          ("params", .num(h.params)), ("tokens", .num(h.tokens)), ("learning_rate", .num(h.learningRate)),
          ("batch_tokens", h.batchTokens.map { .num($0) } ?? .null), ("penalty", .num(h.penalty)),
        ])
      })))
    kv.append((
      "bootstrap",
      .object([
        ("resamples", .int(resamples)), ("seed", .int(Int(seed))), ("confidence", .num(0.95)),
        ("learning_rate", .array(law.samples.map { s in .array([.num(log(s.learningRate.coefficient)), .num(s.learningRate.paramsExponent), .num(s.learningRate.tokensExponent)]) })),
        ("batch", .array(law.samples.compactMap { s in s.batch.map { b in .array([.num(log(b.coefficient)), .num(b.paramsExponent), .num(b.tokensExponent)]) } })),
      ])))
    kv.append(("warnings", .array(warnings.map { .string($0) })))
    return .object(kv)
  }

  /// One row per cell.
  public var csv: String {
    var out = "file,params,tokens,runs,best_loss,optimum_loss,learning_rate,learning_rate_lower,learning_rate_upper,batch_tokens,batch_tokens_lower,batch_tokens_upper,learning_rate_penalty_2x,batch_penalty_2x\n"
    for c in cells {
      let r: [String] = [
        file, csvNumber(c.params), csvNumber(c.tokens), "\(c.runs)", csvNumber(c.bestLoss), csvNumber(c.optimumLoss),
        c.learningRate.map(csvNumber) ?? "", c.learningRateInterval.map { csvNumber($0.0) } ?? "", c.learningRateInterval.map { csvNumber($0.1) } ?? "",
        c.batchTokens.map(csvNumber) ?? "", c.batchInterval.map { csvNumber($0.0) } ?? "", c.batchInterval.map { csvNumber($0.1) } ?? "",
        c.learningRatePenalty2x.map(csvNumber) ?? "", c.batchPenalty2x.map(csvNumber) ?? "",
      ]
      out += r.map(csvEscape).joined(separator: ",") + "\n"
    }
    return out
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
