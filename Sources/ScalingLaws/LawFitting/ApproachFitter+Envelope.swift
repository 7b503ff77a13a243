import Fitting
import Foundation
import LinearAlgebra

/// Approach 1: the lower envelope of the training curves.
extension ApproachFitter {
  func envelope(_ d: Dataset) throws -> [BudgetOptimum] {
    guard let runs = d.run else {
      throw FitError("\(d.file): \(OptionName.approach) envelope needs a run column (training curves); name it with \(OptionName.runColumn)")
    }
    struct Curve { let params: Double; let logC: [Double]; let logL: [Double] }
    let curves: [Curve] = runs.groupedIndices().compactMap { members in
      let idx = members.filter { d.flops[$0] > 0 }.sorted { d.flops[$0] < d.flops[$1] }
      guard idx.count >= 2 else { return nil }
      return Curve(params: d.params[idx[0]], logC: idx.map { log(d.flops[$0]) }, logL: idx.map { log(d.loss[$0]) })
    }
    guard curves.count >= 2 else { throw FitError("\(d.file): \(OptionName.approach) envelope needs at least 2 runs with 2 or more points") }
    let lo = curves.map { $0.logC.first! }.min()!, hi = curves.map { $0.logC.last! }.max()!
    let smallest = curves.map { $0.params }.min()!, largest = curves.map { $0.params }.max()!
    var out: [BudgetOptimum] = []
    for k in 0..<options.envelopeBudgets {
      let lc = lo + (hi - lo) * Double(k) / Double(options.envelopeBudgets - 1)
      var best: (Double, Double)? = nil
      var covering = 0
      for c in curves where c.logC.first! <= lc && lc <= c.logC.last! {
        covering += 1
        var j = 0
        while j + 1 < c.logC.count - 1 && c.logC[j + 1] < lc { j += 1 }
        let t = c.logC[j + 1] > c.logC[j] ? (lc - c.logC[j]) / (c.logC[j + 1] - c.logC[j]) : 0
        let ll = c.logL[j] + t * (c.logL[j + 1] - c.logL[j])
        if best == nil || ll < best!.0 { best = (ll, c.params) }
      }
      guard let best, covering >= 2 else { continue }
      let C = exp(lc)
      var o = BudgetOptimum(flops: C, params: best.1, tokens: C / (6 * best.1), loss: exp(best.0), points: covering)
      // The smallest or largest size winning means the optimum may lie beyond the sampled
      // sizes: the budget is at the edge and is not used for the exponents.
      o.vertexInRange = best.1 > smallest && best.1 < largest
      o.used = o.vertexInRange || options.allowEdgeMinima
      out.append(o)
    }
    return out
  }
}
