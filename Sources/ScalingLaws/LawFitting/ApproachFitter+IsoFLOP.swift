import Fitting
import Foundation
import LinearAlgebra

/// Approach 2: each IsoFLOP budget's optimum, from the shared shape (`SharedShapeVertices`) or
/// a parabola per budget (`ApproachOptions.vertex`).
extension ApproachFitter {
  func isoflop(_ d: Dataset) throws -> ([BudgetOptimum], [String]) {
    // Final point of each run (or every point when there are no runs).
    var idx = Array(0..<d.count)
    if let runs = d.run, Set(runs).count < runs.count {
      idx = lastCheckpoints(runs: runs, rows: idx) { d.step?[$0] ?? d.tokens[$0] }
    }
    // Bins: the budget column, or consecutive FLOPs within the relative tolerance.
    var bins: [[Int]] = []
    if let budget = d.budget {
      let keys = idx.map { budget[$0] }
      bins = keys.groupedIndices().map { g in g.map { idx[$0] } }.sorted { budget[$0[0]] < budget[$1[0]] }
    } else {
      let sorted = idx.sorted { d.flops[$0] < d.flops[$1] }
      var start = -1.0
      for i in sorted {
        if bins.isEmpty || d.flops[i] > start * (1 + options.isoflopTolerance) {
          bins.append([])
          start = d.flops[i]
        }
        bins[bins.count - 1].append(i)
      }
    }
    var out: [BudgetOptimum] = []
    var warnings: [String] = []
    var edge: [String] = []
    // The budgets with 3 or more sizes, their compute and (ln N, loss) points.
    var kept: [(C: Double, bin: [Int], xs: [Double], ys: [Double])] = []
    for bin in bins {
      let C = d.budget.map { $0[bin[0]] } ?? exp(bin.map { log(d.flops[$0]) }.reduce(0, +) / Double(bin.count))
      let xs = bin.map { log(d.params[$0]) }, ys = bin.map { d.loss[$0] }
      guard Set(xs).count >= 3 else { continue }
      kept.append((C, bin, xs, ys))
    }
    var shapeFit: SharedShapeVertices.Fit? = nil
    let shapes = SharedShapeVertices(bins: kept.map { SharedShapeVertices.Bin(xs: $0.xs, ys: $0.ys) })
    if options.vertex == .shape, !kept.isEmpty {
      shapeFit = shapes.fit()
      if shapeFit == nil { warnings.append("the shared-shape fit failed; each budget's vertex is its parabola's") }
    }
    for (k, item) in kept.enumerated() {
      let (C, bin, xs, ys) = item
      var found: BudgetOptimum?
      if let f = shapeFit {
        let b = shapes.bins[k]
        if let v = SharedShapeVertices.vertex(f, bin: b, k), let c = f.coefficients[k] {
          let range = xs.min()!...xs.max()!
          found = BudgetOptimum(
            flops: C, params: exp(v.x), tokens: C / (6 * exp(v.x)), loss: v.loss, points: xs.count,
            sampledParams: exp(range.lowerBound)...exp(range.upperBound), vertexInRange: range.contains(v.x))
          found!.shape = c + [b.mean, f.alpha, f.beta]
        }
      } else {
        found = try parabolaVertex(xs, ys, flops: C)
      }
      guard var o = found else {
        warnings.append("budget \(String(format: "%.3g", C)): the fitted curve has no minimum (the loss does not turn up at either end); excluded")
        continue
      }
      o.samples = bin.map { (d.params[$0], d.loss[$0]) }
      o.indices = bin
      if !o.vertexInRange {
        edge.append(String(format: "%.3g", C))
        o.used = options.allowEdgeMinima
      }
      out.append(o)
    }
    if !edge.isEmpty {
      warnings.append(
        "vertex outside the sampled model sizes at budget\(edge.count == 1 ? "" : "s") \(edge.joined(separator: ", "))"
          + (options.allowEdgeMinima ? " (kept: \(OptionName.allowEdgeMinima))" : "; excluded (use \(OptionName.allowEdgeMinima) to keep)"))
    }
    if out.isEmpty {
      throw FitError("\(d.file): no FLOP budget has 3 or more model sizes (bin tolerance \(options.isoflopTolerance); or give \(OptionName.budgetColumn))")
    }
    return (out, warnings)
  }

  /// The parabola L = c0 + c1 x + c2 x² through (x, L) by least squares (LAPACK), its vertex,
  /// and whether the vertex lies inside the sampled x range. nil if c2 ≤ 0.
  func parabolaVertex(_ xs: [Double], _ ys: [Double], flops C: Double) throws -> BudgetOptimum? {
    let mean = xs.reduce(0, +) / Double(xs.count)
    let A = Matrix(rowArrays: xs.map { [1, $0 - mean, ($0 - mean) * ($0 - mean)] })
    let c = try A.leastSquares(ys).solution
    guard c[2] > 0 else { return nil }
    let v = -c[1] / (2 * c[2])
    let x = v + mean
    let N = exp(x)
    let range = xs.min()!...xs.max()!
    let L = c[0] + c[1] * v + c[2] * v * v
    let centred = [c[0] - c[1] * mean + c[2] * mean * mean, c[1] - 2 * c[2] * mean, c[2]]
    return BudgetOptimum(
      flops: C, params: N, tokens: C / (6 * N), loss: L, points: xs.count,
      sampledParams: exp(range.lowerBound)...exp(range.upperBound), vertexInRange: range.contains(x), parabola: centred)
  }
}
