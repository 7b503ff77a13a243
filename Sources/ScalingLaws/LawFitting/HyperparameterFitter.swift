import Foundation
import LinearAlgebra

/// Fits a learning-rate and batch-size sweep (`scaling hparams`): per (N, D) cell, a quadratic
/// surface of the loss in ln η and ln B over the runs near the cell's best, whose minimum is the
/// cell's optimum and whose curvature says what a miss costs; across cells, ln η* and ln B* by
/// ordinary least squares on ln N and ln D (power laws); bootstrap resampling of cells and of
/// runs within cells; and each cell predicted from the others.
///
/// Why a quadratic near the best: a loss against ln η is close to a parabola around its minimum
/// and steeper on the high side (divergence), so a surface fitted to every run is pulled away
/// from the optimum by the far runs; the window (3% of the best loss, at least 10 runs) keeps the
/// part a parabola describes. Chosen by the backtest of `scripts/hparams-window-backtest.py` (in
/// the README): the one window whose worst left-out cell stays within 0.05% of its optimum on
/// symmetric and on high-side-steepened surfaces alike (2% misses on the steepest, 5% too). StepLaw's own method takes the runs within 0.25% of the best and
/// averages them; a surface also gives the curvature and an optimum between grid points.
public struct HyperparameterFitter: Sendable {
  /// Runs with loss within this fraction of the cell's best enter the cell's surface.
  public var window = 0.03
  /// At least this many runs (the lowest) enter each surface.
  public var minimumRuns = 10
  public var bootstrap = 0
  public var seed: UInt64 = 0
  public var confidence = 0.95
  /// The batch law's exponents: nil chooses between B*(D) and B*(N, D) by leave-one-cell-out
  /// error of ln B*.
  public var batchForm: BatchForm? = nil

  public enum BatchForm: String, Sendable, CaseIterable {
    /// B* = a D^d (StepLaw's finding: the batch does not depend on N).
    case tokens = "D"
    /// B* = a N^n D^d.
    case paramsAndTokens = "N,D"
  }

  public struct FitFailure: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  public init() {}

  /// One cell's runs in logs.
  struct CellRuns {
    var N: Double, D: Double
    var x: [Double], y: [Double], L: [Double], lines: [Int]
  }

  /// A cell's surface.
  struct Surface {
    var xStar: Double?, yStar: Double?
    var loss: Double
    var curvature: HyperparameterLaw.Curvature?
    var windowRuns: Int
    var distinctX: Int, distinctY: Int
    var convex: Bool
  }

  static func distinct(_ v: [Double]) -> Int { Set(v).count }

  /// The cell's surface from the runs at `indices` (repeats allowed: a resample).
  func surface(_ c: CellRuns, _ indices: [Int]) -> Surface? {
    let order = indices.sorted { c.L[$0] < c.L[$1] }
    guard let first = order.first else { return nil }
    let best = c.L[first]
    let allX = Self.distinct(order.map { c.x[$0] }), allY = Self.distinct(order.map { c.y[$0] })
    var n = order.filter { c.L[$0] <= best * (1 + window) }.count
    n = min(order.count, max(n, minimumRuns))
    while n < order.count {
      let dx = Self.distinct(order[0..<n].map { c.x[$0] }), dy = Self.distinct(order[0..<n].map { c.y[$0] })
      if (dx >= 3 || dx == allX) && (dy >= 3 || dy == allY) { break }
      n += 1
    }
    let sel = Array(order[0..<n])
    let xs = sel.map { c.x[$0] }, ys = sel.map { c.y[$0] }, ls = sel.map { c.L[$0] }
    let dx = Self.distinct(xs), dy = Self.distinct(ys)
    let mx = xs.reduce(0, +) / Double(n), my = ys.reduce(0, +) / Double(n)
    let quadX = dx >= 3, quadY = dy >= 3
    // Columns: 1, x, x², y, y², xy as the values allow.
    var cols: [(Double, Double) -> Double] = [{ _, _ in 1 }]
    var iX = -1, iXX = -1, iY = -1, iYY = -1, iXY = -1
    if dx >= 2 { iX = cols.count; cols.append { x, _ in x } }
    if quadX { iXX = cols.count; cols.append { x, _ in x * x } }
    if dy >= 2 { iY = cols.count; cols.append { _, y in y } }
    if quadY { iYY = cols.count; cols.append { _, y in y * y } }
    if quadX && quadY { iXY = cols.count; cols.append { x, y in x * y } }
    guard n >= cols.count else { return nil }
    var a = Matrix(rows: n, columns: cols.count)
    for i in 0..<n {
      for (j, f) in cols.enumerated() { a[i, j] = f(xs[i] - mx, ys[i] - my) }
    }
    guard let s = try? a.leastSquares(ls), s.rank == cols.count else { return nil }
    let p = s.solution
    func coef(_ i: Int) -> Double { i >= 0 ? p[i] : 0 }
    let px = coef(iX), pxx = coef(iXX), py = coef(iY), pyy = coef(iYY), pxy = coef(iXY)
    var u: Double? = nil, v: Double? = nil
    var convex = true
    if quadX && quadY && pxx > 0 && pyy > 0 && 4 * pxx * pyy - pxy * pxy > 0 {
      let det = 4 * pxx * pyy - pxy * pxy
      u = (-2 * pyy * px + pxy * py) / det
      v = (-2 * pxx * py + pxy * px) / det
    } else {
      // Each axis at the best run's value of the other.
      let bx = c.x[first] - mx, by = c.y[first] - my
      if quadX {
        if pxx > 0 { u = -(px + pxy * by) / (2 * pxx) } else { convex = false }
      }
      if quadY {
        if pyy > 0 { v = -(py + pxy * bx) / (2 * pyy) } else { convex = false }
      }
      if quadX && quadY { convex = false }
    }
    let uu = u ?? (c.x[first] - mx), vv = v ?? (c.y[first] - my)
    var lossAt = 0.0
    for (j, f) in cols.enumerated() { lossAt += p[j] * f(uu, vv) }
    guard lossAt > 0, lossAt.isFinite else { return nil }
    let k = HyperparameterLaw.Curvature(learningRate: pxx / lossAt, batch: pyy / lossAt, cross: pxy / lossAt)
    return Surface(
      xStar: u.map { $0 + mx }, yStar: v.map { $0 + my }, loss: lossAt, curvature: k, windowRuns: n, distinctX: dx, distinctY: dy,
      convex: convex)
  }

  /// ln target = c0 + cN ln N + cD ln D by least squares, with the exponents `useN`/`useD`;
  /// coefficients (c0, cN, cD) with 0 for an unused one, and their standard errors.
  static func regress(_ points: [(lnN: Double, lnD: Double, t: Double)], useN: Bool, useD: Bool) -> (c: [Double], se: [Double])? {
    let p = 1 + (useN ? 1 : 0) + (useD ? 1 : 0)
    guard points.count >= p else { return nil }
    var a = Matrix(rows: points.count, columns: p)
    for (i, q) in points.enumerated() {
      a[i, 0] = 1
      var j = 1
      if useN { a[i, j] = q.lnN; j += 1 }
      if useD { a[i, j] = q.lnD }
    }
    guard let s = try? a.leastSquares(points.map(\.t)), s.rank == p else { return nil }
    var se = [Double](repeating: .nan, count: p)
    if points.count > p {
      let s2 = s.residualSumOfSquares / Double(points.count - p)
      var ata = Matrix(rows: p, columns: p)
      for i in 0..<points.count { for j in 0..<p { for k in 0..<p { ata[j, k] += a[i, j] * a[i, k] } } }
      if let inv = try? ata.symmetricInverse() {
        for j in 0..<p { se[j] = (s2 * inv.inverse[j, j]).squareRoot() }
      }
    }
    // An exponent the law does not have: 0, with no standard error (NaN).
    var c = [s.solution[0], 0, 0], e = [se[0], Double.nan, Double.nan]
    var j = 1
    if useN { c[1] = s.solution[j]; e[1] = se[j]; j += 1 }
    if useD { c[2] = s.solution[j]; e[2] = se[j] }
    return (c, e)
  }

  static func power(_ c: [Double]) -> HyperparameterLaw.PowerLaw {
    HyperparameterLaw.PowerLaw(coefficient: exp(c[0]), params: c[1], tokens: c[2])
  }

  /// The cells of a sweep, ordered by N then D.
  static func cells(_ s: HyperparameterSweep) -> [CellRuns] {
    var index: [[Double]: Int] = [:]
    var out: [CellRuns] = []
    for i in 0..<s.count {
      let key = [s.params[i], s.tokens[i]]
      let k: Int
      if let j = index[key] {
        k = j
      } else {
        k = out.count
        index[key] = k
        out.append(CellRuns(N: s.params[i], D: s.tokens[i], x: [], y: [], L: [], lines: []))
      }
      out[k].x.append(log(s.learningRate[i]))
      out[k].y.append(log(s.batchTokens[i]))
      out[k].L.append(s.loss[i])
      out[k].lines.append(s.lines[i])
    }
    return out.sorted { ($0.N, $0.D) < ($1.N, $1.D) }
  }

  /// The laws from cells' surfaces (nil where `surfaces[i]` is nil or lacks the part).
  struct Laws {
    var lr: (c: [Double], se: [Double])
    var batch: (c: [Double], se: [Double])?
  }

  func laws(_ cells: [CellRuns], _ surfaces: [Surface?], useN: Bool, useD: Bool, batchForm: BatchForm, batchUseD: Bool) -> Laws? {
    var lrPoints: [(lnN: Double, lnD: Double, t: Double)] = [], bPoints: [(lnN: Double, lnD: Double, t: Double)] = []
    for (c, s) in zip(cells, surfaces) {
      guard let s else { continue }
      if let x = s.xStar { lrPoints.append((log(c.N), log(c.D), x)) }
      if let y = s.yStar { bPoints.append((log(c.N), log(c.D), y)) }
    }
    guard let lr = Self.regress(lrPoints, useN: useN, useD: useD) else { return nil }
    let b = bPoints.isEmpty ? nil : Self.regress(bPoints, useN: batchForm == .paramsAndTokens && useN, useD: batchUseD)
    return Laws(lr: lr, batch: b)
  }

  public func fit(_ sweep: HyperparameterSweep) throws -> HyperparameterFit {
    let cells = Self.cells(sweep)
    var warnings: [String] = []
    func label(_ c: CellRuns) -> String { "cell N = \(shortCount(c.N)), D = \(shortCount(c.D))" }
    for c in cells where Self.distinct(c.x) < 2 {
      throw FitFailure(
        description: "\(sweep.file):\(c.lines[0]): \(label(c)) has one learning rate (\(number("%g", exp(c.x[0])))) over its \(c.x.count) run\(c.x.count == 1 ? "" : "s"): a sweep needs at least 3 per cell to place an optimum")
    }
    let surfaces = cells.map { surface($0, Array($0.x.indices)) }
    var out: [HyperparameterFit.Cell] = []
    for (c, s) in zip(cells, surfaces) {
      let dx = Self.distinct(c.x), dy = Self.distinct(c.y)
      if dx < 3 { warnings.append("\(label(c)): \(dx) distinct learning rates (3 are needed to place an optimum): its learning rate is not used") }
      if dy == 2 { warnings.append("\(label(c)): 2 distinct batch sizes (3 are needed to place an optimum): its batch is not used") }
      guard let s else {
        warnings.append("\(label(c)): its surface cannot be fitted (too few runs for its terms): the cell is not used")
        continue
      }
      if !s.convex { warnings.append("\(label(c)): the loss surface has no interior minimum near the best runs (not convex there): the optimum is taken along each axis at the best run") }
      let xr = c.x.min()!...c.x.max()!, yr = c.y.min()!...c.y.max()!
      for (what, star, r) in [("learning-rate", s.xStar, xr), ("batch", s.yStar, yr)] {
        guard let v = star else { continue }
        if v > r.upperBound + 1e-9 {
          warnings.append("\(label(c)): the \(what) optimum \(number("%.3g", exp(v))) is \(number("%.2g", (v - r.upperBound) / log(2))) factors of 2 above the largest tried (\(number("%.3g", exp(r.upperBound)))): outside what was tried")
        } else if v < r.lowerBound - 1e-9 {
          warnings.append("\(label(c)): the \(what) optimum \(number("%.3g", exp(v))) is \(number("%.2g", (r.lowerBound - v) / log(2))) factors of 2 below the smallest tried (\(number("%.3g", exp(r.lowerBound)))): outside what was tried")
        }
      }
      let ln2sq = log(2.0) * log(2.0)
      out.append(
        HyperparameterFit.Cell(
          params: c.N, tokens: c.D, runs: c.x.count, windowRuns: s.windowRuns, distinctLearningRates: dx, distinctBatches: dy,
          bestLoss: c.L.min()!, learningRate: s.xStar.map(exp), batchTokens: s.yStar.map(exp), optimumLoss: s.loss,
          learningRatePenalty2x: s.xStar != nil ? s.curvature!.learningRate * ln2sq : nil,
          batchPenalty2x: s.yStar != nil ? s.curvature!.batch * ln2sq : nil, curvature: s.curvature,
          learningRateRange: exp(xr.lowerBound)...exp(xr.upperBound), batchRange: exp(yr.lowerBound)...exp(yr.upperBound)))
    }
    let used = zip(cells, surfaces).filter { $0.1?.xStar != nil }.map(\.0)
    let useN = Self.distinct(used.map(\.N)) >= 2, useD = Self.distinct(used.map(\.D)) >= 2
    if !useN { warnings.append("the cells with a learning-rate optimum have one model size: eta* is fitted against D only") }
    if !useD { warnings.append("the cells with a learning-rate optimum have one token count: eta* is fitted against N only") }
    let bUsed = zip(cells, surfaces).filter { $0.1?.yStar != nil }.map(\.0)
    let bUseD = Self.distinct(bUsed.map(\.D)) >= 2
    if bUsed.isEmpty { warnings.append("no cell has 3 distinct batch sizes: no batch law (the learning rate is fitted at the batches tried)") }
    // The batch law's form: forced, or the one that predicts left-out cells better.
    var form = batchForm ?? .tokens
    var formNote = batchForm.map { "B*(\($0.rawValue)) as asked" } ?? "B*(D)"
    if batchForm == nil, bUsed.count >= 4, useN, Self.distinct(bUsed.map(\.N)) >= 2 {
      func looError(_ f: BatchForm) -> Double? {
        var sq = 0.0, n = 0
        for k in cells.indices where surfaces[k]?.yStar != nil {
          var s = surfaces
          s[k] = nil
          guard let l = laws(cells, s, useN: useN, useD: useD, batchForm: f, batchUseD: bUseD), let b = l.batch else { return nil }
          let pred = b.c[0] + b.c[1] * log(cells[k].N) + b.c[2] * log(cells[k].D)
          sq += pow(pred - surfaces[k]!.yStar!, 2)
          n += 1
        }
        return n > 0 ? (sq / Double(n)).squareRoot() : nil
      }
      if let d = looError(.tokens), let nd = looError(.paramsAndTokens) {
        form = nd < d ? .paramsAndTokens : .tokens
        formNote = "B*(\(form.rawValue)): leave-one-cell-out RMSE of ln B* \(number("%.3g", d)) for B*(D), \(number("%.3g", nd)) for B*(N,D)"
      }
    }
    guard let main = laws(cells, surfaces, useN: useN, useD: useD, batchForm: form, batchUseD: bUseD) else {
      throw FitFailure(
        description: "\(sweep.file): \(used.count) cell\(used.count == 1 ? "" : "s") with a learning-rate optimum: too few to fit eta*(N, D) (a sweep needs cells at 2 or more model sizes or token counts)")
    }
    var law = HyperparameterLaw(
      name: "hparams:\(sweep.file)",
      source: "fitted by scaling hparams to \(sweep.file) (\(sweep.count) runs, \(cells.count) cells)",
      definitions: "N, D and the batch (tokens) as in \(sweep.file); eta the peak learning rate",
      learningRate: Self.power(main.lr.c), batch: main.batch.map { Self.power($0.c) })
    law.paramsRange = cells.map(\.N).min()!...cells.map(\.N).max()!
    law.tokensRange = cells.map(\.D).min()!...cells.map(\.D).max()!
    let ks = out.compactMap(\.curvature)
    if !ks.isEmpty {
      law.curvature = HyperparameterLaw.Curvature(
        learningRate: percentile(ks.map(\.learningRate), 0.5), batch: percentile(ks.map(\.batch), 0.5), cross: percentile(ks.map(\.cross), 0.5))
    }
    // Leave one cell out.
    var held: [HyperparameterFit.HeldOut] = []
    for k in cells.indices {
      guard let s = surfaces[k], let x = s.xStar, let kk = s.curvature else { continue }
      var rest = surfaces
      rest[k] = nil
      guard let l = laws(cells, rest, useN: useN, useD: useD, batchForm: form, batchUseD: bUseD) else { continue }
      let lnN = log(cells[k].N), lnD = log(cells[k].D)
      let px = l.lr.c[0] + l.lr.c[1] * lnN + l.lr.c[2] * lnD
      let py = l.batch.map { $0.c[0] + $0.c[1] * lnN + $0.c[2] * lnD }
      let v = (py != nil && s.yStar != nil) ? py! - s.yStar! : 0
      held.append(
        HyperparameterFit.HeldOut(params: cells[k].N, tokens: cells[k].D, learningRate: exp(px), batchTokens: py.map(exp), penalty: kk.penalty(px - x, v)))
    }
    // Bootstrap: cells with replacement, runs with replacement within each drawn cell.
    var rng = SplitMix64(seed: seed)
    var cellSamples: [[(Double?, Double?)]] = Array(repeating: [], count: cells.count)
    if bootstrap > 0 {
      for _ in 0..<bootstrap {
        var drawnCells: [CellRuns] = [], drawn: [Surface?] = []
        for _ in cells.indices {
          let k = Int(rng.next() % UInt64(cells.count))
          let c = cells[k]
          let idx = (0..<c.x.count).map { _ in Int(rng.next() % UInt64(c.x.count)) }
          var s = surface(c, idx)
          // A resample whose optimum lands more than two factors of 2 beyond the cell's grid
          // has not located it (a parabola through a few repeated runs): that part is left out.
          let slack = 2 * log(2.0)
          if let x = s?.xStar, x < c.x.min()! - slack || x > c.x.max()! + slack { s?.xStar = nil }
          if let y = s?.yStar, y < c.y.min()! - slack || y > c.y.max()! + slack { s?.yStar = nil }
          drawnCells.append(c)
          drawn.append(s)
          cellSamples[k].append((s?.xStar, s?.yStar))
        }
        let dn = Self.distinct(zip(drawnCells, drawn).filter { $0.1?.xStar != nil }.map(\.0.N)) >= 2
        let dd = Self.distinct(zip(drawnCells, drawn).filter { $0.1?.xStar != nil }.map(\.0.D)) >= 2
        guard dn == useN, dd == useD, let l = laws(drawnCells, drawn, useN: useN, useD: useD, batchForm: form, batchUseD: bUseD) else { continue }
        if main.batch != nil && l.batch == nil { continue }
        law.samples.append((Self.power(l.lr.c), l.batch.map { Self.power($0.c) }))
      }
      let q = (1 - confidence) / 2
      for i in out.indices {
        guard let k = cells.firstIndex(where: { $0.N == out[i].params && $0.D == out[i].tokens }) else { continue }
        let xs = cellSamples[k].compactMap(\.0), ys = cellSamples[k].compactMap(\.1)
        if xs.count >= 2, out[i].learningRate != nil { out[i].learningRateInterval = (exp(percentile(xs, q)), exp(percentile(xs, 1 - q))) }
        if ys.count >= 2, out[i].batchTokens != nil { out[i].batchInterval = (exp(percentile(ys, q)), exp(percentile(ys, 1 - q))) }
      }
      if law.samples.count < bootstrap {
        warnings.append("\(bootstrap - law.samples.count) of \(bootstrap) bootstrap resamples could not fit the laws (too few distinct cells drawn) and were left out")
      }
    }
    return HyperparameterFit(
      file: sweep.file, runs: sweep.count, sweep: sweep, cells: out, law: law, learningRateErrors: main.lr.se, batchErrors: main.batch?.se,
      batchForm: main.batch == nil ? "none" : form.rawValue, batchFormNote: main.batch == nil ? "no batch law" : formNote, heldOut: held,
      warnings: warnings, window: window, minimumRuns: minimumRuns, resamples: bootstrap, seed: seed, columns: sweep.columns)
  }
}
