import Fitting
import Foundation
import LinearAlgebra

/// Hoffmann et al. 2022's Approaches 1 and 2 (`scaling fit --approach`): estimate the
/// compute-optimal model size at each budget from the data directly, then fit
/// N_opt ∝ C^a and D_opt ∝ C^b by least squares in log space (LAPACK).
public enum Approach: String, Sendable, CaseIterable, Codable {
  /// Fit a parametric law (the default: `--law`).
  case parametric
  /// Approach 1: at log-spaced budgets, the lowest loss any run reaches (curves interpolated
  /// in log FLOPs).
  case envelope
  /// Approach 2: group final points by FLOP budget, fit a parabola of loss in ln N per budget,
  /// take its vertex.
  case isoflop
}

/// The compute-optimal point found at one budget.
public struct BudgetOptimum: Sendable {
  public var flops: Double
  public var params: Double
  public var tokens: Double
  public var loss: Double
  /// Points (IsoFLOP) or runs (envelope) that contributed.
  public var points: Int
  /// IsoFLOP: the sampled ln N range and whether the vertex lies inside it.
  public var sampledParams: ClosedRange<Double>? = nil
  public var vertexInRange = true
  /// IsoFLOP: the parabola L = c0 + c1 x + c2 x², x = ln N.
  public var parabola: [Double]? = nil
  /// Used in the exponent fit.
  public var used = true
  /// The (N, loss) points of an IsoFLOP budget (for plots).
  public var samples: [(Double, Double)] = []
  /// Their indices in the dataset.
  public var indices: [Int] = []
}

public struct ApproachOptions: Sendable {
  public var approach: Approach
  /// IsoFLOP binning: points within this relative distance of a bin's first budget share it.
  public var isoflopTolerance = 0.15
  public var allowEdgeMinima = false
  /// Log-spaced budgets for the envelope.
  public var envelopeBudgets = 40
  public var bootstrap: Int = 0
  public var seed: UInt64 = 42
  public var confidence = 0.95

  public init(approach: Approach) {
    self.approach = approach
  }
}

/// The result of Approach 1 or 2 on one dataset.
public struct ApproachResult: Sendable {
  public var approach: Approach
  public var file: String
  public var group: String?
  public var budgets: [BudgetOptimum]
  /// N_opt = kN · C^a, D_opt = kD · C^b.
  public var a: Double
  public var b: Double
  public var kN: Double
  public var kD: Double
  public var intervals: [String: (Double, Double)] = [:]
  public var bootstrapResamples = 0
  public var bootstrapFailed = 0
  public var seed: UInt64 = 0
  public var confidence = 0.95
  public var warnings: [String] = []
  public var notes: [String] = []
  public var dataset: Dataset

  /// The allocation the fitted exponents imply at the largest budget.
  public var largestBudget: Double { budgets.filter { $0.used }.map { $0.flops }.max() ?? .nan }
  public var paramsAtLargest: Double { kN * pow(largestBudget, a) }
  public var tokensAtLargest: Double { kD * pow(largestBudget, b) }
}

public struct ApproachFitter: Sendable {
  public var options: ApproachOptions

  public init(options: ApproachOptions) {
    self.options = options
  }

  public func run(_ d: Dataset) throws -> ApproachResult {
    let budgets: [BudgetOptimum]
    var warnings: [String] = []
    var notes: [String] = []
    switch options.approach {
    case .parametric:
      throw FitError("use LawFitter for the parametric approach")
    case .envelope:
      budgets = try envelope(d)
      notes.append("Approach 1 (envelope): the lowest loss any run reaches at each of \(budgets.count) log-spaced budgets, each curve interpolated linearly in (log C, log L).")
      let edge = budgets.filter { !$0.vertexInRange }.count
      if edge > 0 {
        warnings.append("\(edge) of \(budgets.count) budgets are won by the smallest or largest model (the optimum may lie beyond the sampled sizes)" + (options.allowEdgeMinima ? "; kept (--allow-edge-minima)" : "; excluded (use --allow-edge-minima to keep)"))
      }
      notes.append("Intermediate checkpoints of a cosine schedule are not compute-optimal for their budget; Hoffmann et al. trained four schedule lengths per size for this reason.")
    case .isoflop:
      let (b, w) = try isoflop(d)
      budgets = b
      warnings += w
      notes.append("Approach 2 (IsoFLOP): a parabola of loss in ln N per budget; its vertex is the budget's optimum.")
      notes.append("Known bias: the vertex depends on the width and centring of the sampled N grid, and on alpha != beta, even without noise (Open-Athena; SCALING_REFERENCE.md section 0 point 8).")
    }
    let used = budgets.filter { $0.used }
    guard used.count >= 2 else {
      throw FitError("\(d.file): \(used.count) usable budget\(used.count == 1 ? "" : "s"); the exponents need at least 2")
    }
    let (a, kN) = try powerLaw(used.map { $0.flops }, used.map { $0.params })
    let (b, kD) = try powerLaw(used.map { $0.flops }, used.map { $0.tokens })
    if Set(used.map { $0.params }).count < 2 {
      warnings.append("every budget picked the same model size: a and b are not identifiable from these sizes")
    }
    var result = ApproachResult(
      approach: options.approach, file: d.file, group: d.group, budgets: budgets, a: a, b: b, kN: kN, kD: kD,
      warnings: warnings, notes: notes, dataset: d)
    if options.bootstrap > 0 { try bootstrap(d, into: &result) }
    return result
  }

  /// log y = log k + e log x by linear least squares (LAPACK dgelsd).
  func powerLaw(_ x: [Double], _ y: [Double]) throws -> (exponent: Double, scale: Double) {
    let A = Matrix(rowArrays: x.map { [1, log($0)] })
    let s = try A.leastSquares(y.map { log($0) })
    return (s.solution[1], exp(s.solution[0]))
  }

  // MARK: Approach 1

  func envelope(_ d: Dataset) throws -> [BudgetOptimum] {
    guard let runs = d.run else {
      throw FitError("\(d.file): --approach envelope needs a run column (training curves); name it with --run-column")
    }
    struct Curve { let params: Double; let logC: [Double]; let logL: [Double] }
    let curves: [Curve] = runs.groupedIndices().compactMap { members in
      let idx = members.filter { d.flops[$0] > 0 }.sorted { d.flops[$0] < d.flops[$1] }
      guard idx.count >= 2 else { return nil }
      return Curve(params: d.params[idx[0]], logC: idx.map { log(d.flops[$0]) }, logL: idx.map { log(d.loss[$0]) })
    }
    guard curves.count >= 2 else { throw FitError("\(d.file): --approach envelope needs at least 2 runs with 2 or more points") }
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

  // MARK: Approach 2

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
    for bin in bins {
      let C = d.budget.map { $0[bin[0]] } ?? exp(bin.map { log(d.flops[$0]) }.reduce(0, +) / Double(bin.count))
      let xs = bin.map { log(d.params[$0]) }, ys = bin.map { d.loss[$0] }
      guard Set(xs).count >= 3 else { continue }
      guard let opt = try parabolaVertex(xs, ys, flops: C) else {
        warnings.append("budget \(String(format: "%.3g", C)): the parabola opens downwards (no minimum); excluded")
        continue
      }
      var o = opt
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
          + (options.allowEdgeMinima ? " (kept: --allow-edge-minima)" : "; excluded (use --allow-edge-minima to keep)"))
    }
    if out.isEmpty {
      throw FitError("\(d.file): no FLOP budget has 3 or more model sizes (bin tolerance \(options.isoflopTolerance); or give --budget-column)")
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

  // MARK: Bootstrap

  func bootstrap(_ d: Dataset, into result: inout ApproachResult) throws {
    let n = options.bootstrap
    let seed = options.seed
    var inner = self
    inner.options.bootstrap = 0
    let fitter = inner
    let approach = options.approach
    // Envelope: resample whole runs. IsoFLOP: resample points within each budget's bin.
    let runs = d.run ?? (0..<d.count).map { String($0) }
    let runBlocks = runs.groupedIndices()
    let binBlocks = result.budgets.map { $0.indices }.filter { !$0.isEmpty }
    let largest = result.largestBudget
    let samples: [(Double, Double, Double, Double)?] = parallelMap(n) { k in
      var rng = SplitMix64(seed: seed, stream: UInt64(k))
      var indices: [Int] = []
      var names: [String] = []
      if approach == .envelope {
        // Each draw is its own curve, even when a run is drawn twice.
        for draw in 0..<runBlocks.count {
          let block = runBlocks[rng.index(below: runBlocks.count)]
          indices += block
          names += block.map { "\(runs[$0])#\(draw)" }
        }
      } else {
        // Each drawn point is a point of its own, even when it is drawn twice: a unique run
        // name keeps the "final point of each run" step from merging the copies.
        for block in binBlocks {
          for _ in 0..<block.count {
            let i = block[rng.index(below: block.count)]
            names.append("\(runs[i])#\(indices.count)")
            indices.append(i)
          }
        }
      }
      var sub = d.subset(indices)
      sub.run = names
      guard let res = try? fitter.run(sub) else { return nil }
      return (res.a, res.b, res.kN * pow(largest, res.a), res.kD * pow(largest, res.b))
    }
    let ok = samples.compactMap { $0 }
    result.bootstrapResamples = n
    result.bootstrapFailed = n - ok.count
    result.seed = seed
    result.confidence = options.confidence
    guard ok.count >= 2 else { return }
    let lo = (1 - options.confidence) / 2
    let cols: [(String, [Double])] = [
      ("a", ok.map { $0.0 }), ("b", ok.map { $0.1 }), ("params_at_largest", ok.map { $0.2 }), ("tokens_at_largest", ok.map { $0.3 }),
    ]
    for (k, v) in cols { result.intervals[k] = (percentile(v, lo), percentile(v, 1 - lo)) }
  }
}
