import Fitting
import Foundation
import LinearAlgebra

extension FormulaLaw {
  /// Values per grid parameter for `count` parameters on the grid: 48 for one, 24 for two (the
  /// built-in laws' exponent grid), 12 for three, then fewer, so that the grid holds at most
  /// ~8,000 cells; beyond that a seeded Halton sample of 4,096 points.
  static func gridSize(_ count: Int) -> Int {
    switch count {
    case 0: return 1
    case 1: return 48
    case 2: return 24
    case 3: return 12
    case 4: return 8
    case 5: return 6
    case 6: return 4
    default: return 3
    }
  }

  /// The coarse values of parameter j (`count` of them, ascending) and whether they are
  /// log-spaced: a start alone; exponents log-spaced over [0.01, 2.5] (as the built-in laws);
  /// a finite range log- or linearly spaced inside it; a one-sided range over 20 decades from
  /// its bound (1e-4 to 1e16 away); no range: [-3, 3].
  func gridValues(_ j: Int, count m: Int) -> (values: [Double], logSpaced: Bool) {
    let name = parameterNames[j]
    if let s = spec.starts[name] { return ([s], false) }
    func geometric(_ lo: Double, _ hi: Double) -> [Double] {
      m == 1 ? [(lo * hi).squareRoot()] : (0..<m).map { lo * pow(hi / lo, Double($0) / Double(m - 1)) }
    }
    func arithmetic(_ lo: Double, _ hi: Double) -> [Double] {
      (0..<m).map { lo + (hi - lo) * (Double($0) + 0.5) / Double(m) }
    }
    switch transforms[j] {
    case .identity where spec.bounds[name] == nil: return (geometric(0.01, 2.5), true)
    case .identity: return (arithmetic(-3, 3), false)
    case .logAbove(let lo):
      if exponentNames.contains(name) && lo == 0 && spec.bounds[name] == nil { return (geometric(0.01, 2.5), true) }
      return (geometric(1e-4, 1e16).map { lo + $0 }, true)
    case .logBelow(let hi): return (geometric(1e-4, 1e16).map { hi - $0 }.reversed(), true)
    case .logistic(let lo, let hi):
      if lo > 0 && hi / lo >= 20 {
        let r = pow(hi / lo, 1 / Double(2 * m))
        return (geometric(lo * r, hi / r), true)
      }
      return (arithmetic(lo, hi), false)
    }
  }

  /// Starts for `--search hoffmann` and for a constrained law's template: the coarse grid's
  /// cells with every linear parameter at 1.
  public func gridStarts() -> [[Double]] {
    let m = min(Self.gridSize(gridParameters.count), 6)
    let axes = gridParameters.map { gridValues($0, count: m).values }
    var out: [[Double]] = []
    var p = [Double](repeating: 1, count: parameterNames.count)
    for (j, s) in spec.starts { p[parameterNames.firstIndex(of: j)!] = s }
    for cell in Self.cartesian(axes.map(\.count)) {
      for (a, j) in gridParameters.enumerated() { p[j] = axes[a][cell[a]] }
      out.append(internalParameters(p))
      if out.count >= 4_096 { break }
    }
    return out
  }

  static func cartesian(_ counts: [Int]) -> [[Int]] {
    var out: [[Int]] = [[]]
    for c in counts { out = out.flatMap { prefix in (0..<c).map { prefix + [$0] } } }
    return out
  }

  /// A seeded Halton sequence in [0, 1)^dims (bases 2, 3, 5, …).
  static func halton(_ count: Int, dims: Int) -> [[Double]] {
    let primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71]
    return (1...count).map { i in
      (0..<dims).map { d in
        let b = primes[d % primes.count]
        var f = 1.0, r = 0.0, k = i
        while k > 0 {
          f /= Double(b)
          r += f * Double(k % b)
          k /= b
        }
        return r
      }
    }
  }

  /// One column of a tape over every point for parameters `p`.
  func column(_ t: FormulaTape, _ p: [Double], _ data: LogData) -> [Double] {
    var x = p + [Double](repeating: 0, count: features.count)
    var v = [Double](repeating: 0, count: t.slotCount)
    var out = [Double](repeating: 0, count: data.count)
    let P = p.count
    x.withUnsafeMutableBufferPointer { xp in
      v.withUnsafeMutableBufferPointer { vp in
        t.run(t.parameterSlots, xp.baseAddress!, vp.baseAddress!)
        for i in 0..<data.count {
          for k in 0..<features.count { xp[P + k] = data.inputs[k][i] }
          t.run(t.pointSlots, xp.baseAddress!, vp.baseAddress!)
          out[i] = vp[t.root]
        }
      }
    }
    return out
  }

  /// The global search: every cell of the grid over the parameters the formula is not linear
  /// in, with the linear ones solved by weighted least squares (weights 1/L² for log residuals:
  /// relative errors; non-negative where the parameter is kept at 0 or above), scored by that
  /// sum of squares; one start from each of the six best local minima of the surface, each
  /// refined on a finer grid around it (a quarter of the coarse spacing).
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts {
    let k = gridParameters.count
    let m = Self.gridSize(k)
    let axes = gridParameters.map { gridValues($0, count: m) }
    let counts = axes.map { $0.values.count }
    let total = counts.reduce(1, *)
    let useHalton = total > 8_000
    let ranking = data.strided(maxCount: 4_000)
    let scorer = Scorer(law: self, data: ranking)
    var base = [Double](repeating: 1, count: parameterNames.count)
    for (name, s) in spec.starts { base[parameterNames.firstIndex(of: name)!] = s }
    func point(_ values: [Double]) -> [Double] {
      var p = base
      for (a, j) in gridParameters.enumerated() { p[j] = values[a] }
      return p
    }
    var cells: [(score: Double, theta: [Double], index: [Int])] = []
    if useHalton {
      for u in Self.halton(4_096, dims: k) {
        let values = (0..<k).map { a -> Double in
          let vs = axes[a].values
          guard vs.count > 1 else { return vs[0] }
          let lo = vs.first!, hi = vs.last!
          return axes[a].logSpaced && lo > 0 ? lo * pow(hi / lo, u[a]) : lo + (hi - lo) * u[a]
        }
        if let (s, th) = try scorer.score(point(values)) { cells.append((s, th, [])) }
      }
      cells.sort { $0.score < $1.score }
      let chosen = cells.prefix(6)
      return FastStarts(starts: chosen.map(\.theta), gridCells: 4_096)
    }
    var surface = [Double](repeating: .infinity, count: total)
    var thetas = [[Double]](repeating: [], count: total)
    var strides = [Int](repeating: 1, count: k)
    for a in stride(from: k - 2, through: 0, by: -1) { strides[a] = strides[a + 1] * counts[a + 1] }
    for (flat, cell) in Self.cartesian(counts).enumerated() {
      let values = (0..<k).map { axes[$0].values[cell[$0]] }
      if let (s, th) = try scorer.score(point(values), cell: cell) {
        surface[flat] = s
        thetas[flat] = th
      }
    }
    // Local minima, best first: over the full 3^k neighbourhood for up to three grid
    // parameters (the built-in laws' 8-neighbourhood for two), along each axis beyond.
    let neighbourhood: [[Int]] = k <= 3
      ? Self.cartesian([Int](repeating: 3, count: k)).map { $0.map { $0 - 1 } }.filter { $0.contains { $0 != 0 } }
      : (0..<k).flatMap { a in [-1, 1].map { d in (0..<k).map { $0 == a ? d : 0 } } }
    var minima: [Int] = []
    for flat in 0..<total where surface[flat].isFinite {
      var idx = [Int](repeating: 0, count: k)
      var rest = flat
      for a in 0..<k {
        idx[a] = rest / strides[a]
        rest %= strides[a]
      }
      var isMin = true
      for offset in neighbourhood where isMin {
        var other = 0
        var inside = true
        for a in 0..<k {
          let j = idx[a] + offset[a]
          if j < 0 || j >= counts[a] { inside = false; break }
          other += j * strides[a]
        }
        if inside && surface[other] < surface[flat] { isMin = false }
      }
      if isMin { minima.append(flat) }
    }
    minima.sort { surface[$0] < surface[$1] || (surface[$0] == surface[$1] && $0 < $1) }
    var warnings: [String] = []
    if let best = minima.first {
      var rest = best
      var edges: [String] = []
      for a in 0..<k {
        let idx = rest / strides[a]
        rest %= strides[a]
        if counts[a] > 2, idx == 0 || idx == counts[a] - 1, exponentNames.contains(parameterNames[gridParameters[a]]),
          spec.bounds[parameterNames[gridParameters[a]]] == nil
        {
          edges.append("\(parameterNames[gridParameters[a]]) = \(fmt(axes[a].values[idx]))")
        }
      }
      if !edges.isEmpty {
        warnings.append("the best cell of the search grid is on its edge (\(edges.joined(separator: ", ")); exponents searched in [0.01, 2.5])")
      }
    }
    // Refinement: a finer grid around each of the best minima (k ≤ 3).
    var refined: [(Double, [Double])] = []
    let fine = k <= 2 ? 5 : (k == 3 ? 3 : 1)
    for flat in minima.prefix(6) {
      var best = (surface[flat], thetas[flat])
      if fine > 1 {
        var rest = flat
        var centre: [Int] = []
        for a in 0..<k {
          centre.append(rest / strides[a])
          rest %= strides[a]
        }
        let offsets = (0..<fine).map { Double($0 - fine / 2) / 4 }
        for cell in Self.cartesian([Int](repeating: fine, count: k)) {
          let values = (0..<k).map { a -> Double in
            let vs = axes[a].values
            let c = vs[centre[a]]
            guard vs.count > 1 else { return c }
            let o = offsets[cell[a]]
            if axes[a].logSpaced, c > 0, vs[1] > 0 { return c * pow(vs[1] / vs[0], o) }
            return c + (vs[1] - vs[0]) * o
          }
          if let (s, th) = try scorer.score(point(values)), s < best.0 { best = (s, th) }
        }
      }
      refined.append(best)
    }
    refined.sort { $0.0 < $1.0 }
    let cellsExamined = total + refined.count * Int(pow(Double(fine), Double(k)))
    return FastStarts(starts: refined.map { $0.1 }, warnings: warnings, gridCells: cellsExamined)
  }

  /// Scores a grid point: the linear parameters solved by weighted (bounded) least squares, or,
  /// without any, the objective itself; returns (score, θ). On the Cartesian grid every column,
  /// and every entry of the normal equations, is computed once per combination of the grid
  /// values it depends on (for E + A/N^alpha + B/D^beta only the A–B cross product is new in a
  /// cell: the built-in Chinchilla projection's saving, found from the formula).
  final class Scorer {
    let law: FormulaLaw
    let data: LogData
    let weights: [Double]
    let minLoss: Double
    /// The target the linear part fits: L − (the terms without a linear parameter), when those
    /// terms read no grid parameter (then it is the same in every cell).
    let fixedTarget: [Double]?

    struct Column {
      var values: [Double]
      var weighted: [Double]
      var squares: Double
      var rhs: Double
      var constant: Bool
      var peak: Double
    }
    var columns: [[[Int]: Column]]
    var crosses: [Int: [[Int]: Double]] = [:]

    init(law: FormulaLaw, data: LogData) {
      self.law = law
      self.data = data
      weights = law.linearResponse ? [Double](repeating: 1, count: data.count) : data.loss.map { 1 / ($0 * $0) }
      minLoss = data.loss.map { abs($0) }.filter { $0 > 0 }.min() ?? 1
      columns = Array(repeating: [:], count: law.linearTerms.count)
      if let off = law.offset {
        if off.uses.allSatisfy({ !law.gridParameters.contains($0) }) {
          let p = [Double](repeating: 1, count: law.parameterNames.count).enumerated().map { i, v in
            law.spec.starts[law.parameterNames[i]] ?? v
          }
          let h = law.column(off.tape, p, data)
          fixedTarget = zip(data.loss, h).map { $0 - $1 }
        } else {
          fixedTarget = nil
        }
      } else {
        fixedTarget = data.loss
      }
    }

    func key(_ uses: [Int], _ cell: [Int]?) -> [Int]? {
      guard let cell else { return nil }
      return uses.map { j in law.gridParameters.firstIndex(of: j).map { cell[$0] } ?? -1 }
    }

    func makeColumn(_ values: [Double], target: [Double]) -> Column {
      let n = values.count
      var weighted = [Double](repeating: 0, count: n)
      var sq = 0.0, rhs = 0.0, peak = 0.0
      for i in 0..<n {
        let wx = weights[i] * values[i]
        weighted[i] = wx
        sq += wx * values[i]
        rhs += wx * target[i]
        peak = max(peak, abs(values[i]))
      }
      return Column(values: values, weighted: weighted, squares: sq, rhs: rhs, constant: values.allSatisfy { $0 == values.first }, peak: peak)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
      var s = 0.0
      a.withUnsafeBufferPointer { p in
        b.withUnsafeBufferPointer { q in
          for i in 0..<p.count { s += p[i] * q[i] }
        }
      }
      return s
    }

    func score(_ p: [Double], cell: [Int]? = nil) throws -> (Double, [Double])? {
      var p = p
      let terms = law.linearTerms
      guard !terms.isEmpty else {
        let theta = law.internalParameters(p)
        let f = law.objectiveValue(theta, data, loss: .squared)
        return f.isFinite ? (f, theta) : nil
      }
      let n = data.count
      let target: [Double]
      let cacheable = fixedTarget != nil && cell != nil
      if let t = fixedTarget {
        target = t
      } else {
        let h = law.column(law.offset!.tape, p, data)
        target = (0..<n).map { data.loss[$0] - h[$0] }
      }
      var cols: [Column] = []
      var keys: [[Int]] = []
      for (t, term) in terms.enumerated() {
        let k = key(term.uses, cell) ?? []
        keys.append(k)
        if cacheable, let c = columns[t][k] {
          cols.append(c)
        } else {
          let c = makeColumn(law.column(term.column, p, data), target: target)
          if cacheable { columns[t][k] = c }
          cols.append(c)
        }
      }
      let m = terms.count
      var gram = [Double](repeating: 0, count: m * m)
      var rhs = [Double](repeating: 0, count: m)
      var yy = 0.0
      for i in 0..<n { yy += weights[i] * target[i] * target[i] }
      for a in 0..<m {
        rhs[a] = cols[a].rhs
        gram[a * m + a] = cols[a].squares
        for b in (a + 1)..<max(a + 1, m) {
          let v: Double
          if cacheable {
            let pair = a * m + b
            let k = keys[a] + [-2] + keys[b]
            if let c = crosses[pair]?[k] { v = c } else {
              v = Self.dot(cols[a].weighted, cols[b].values)
              crosses[pair, default: [:]][k] = v
            }
          } else {
            v = Self.dot(cols[a].weighted, cols[b].values)
          }
          gram[a * m + b] = v
          gram[b * m + a] = v
        }
      }
      guard yy.isFinite, gram.allSatisfy({ $0.isFinite }), rhs.allSatisfy({ $0.isFinite }) else { return nil }
      let nonNegative = terms.map { law.transforms[$0.parameter] != .identity }
      let solved: ([Double], Double)?
      if nonNegative.allSatisfy({ $0 }) && m <= 5 {
        solved = try nonNegativeSolve(gram: gram, rhs: rhs, yy: yy)
      } else {
        solved = try boundedLinearSolve(gram: gram, rhs: rhs, yy: yy, nonNegative: nonNegative)
      }
      guard let (c, rss) = solved else { return nil }
      for (a, term) in terms.enumerated() {
        var value = c[a]
        if nonNegative[a] {
          // A coefficient at 0 cannot be a log-scale start: a constant term (a floor) starts at
          // 1e-4 of the smallest loss, any other at 1e-8 (the built-in Chinchilla search's rule).
          let c0 = cols[a].values.first ?? 1
          value = max(value, cols[a].constant ? 1e-4 * minLoss / (c0 == 0 ? 1 : abs(c0)) : 1e-8)
        }
        p[term.parameter] = value
      }
      let theta = law.internalParameters(p)
      guard theta.allSatisfy({ $0.isFinite }) else { return nil }
      return (max(rss, 0), theta)
    }
  }
}

/// Least squares on normal equations G c = rhs with the coefficients flagged `nonNegative` kept
/// at 0 or above: the unconstrained solve, then each active set of those coefficients held at 0
/// (fewest first), keeping the best feasible. `yy` = Σ w y², so RSS = yy − 2cᵀrhs + cᵀGc.
func boundedLinearSolve(gram G: [Double], rhs: [Double], yy: Double, nonNegative: [Bool]) throws -> ([Double], Double)? {
  let dim = rhs.count
  func rss(_ c: [Double]) -> Double {
    var r = yy
    for i in 0..<dim {
      r -= 2 * c[i] * rhs[i]
      for j in 0..<dim { r += c[i] * G[i * dim + j] * c[j] }
    }
    return r
  }
  let constrained = (0..<dim).filter { nonNegative[$0] }
  var masks = Array(0..<(1 << constrained.count))
  masks.sort { $0.nonzeroBitCount < $1.nonzeroBitCount || ($0.nonzeroBitCount == $1.nonzeroBitCount && $0 < $1) }
  var best: ([Double], Double)? = nil
  for mask in masks {
    let held = Set(constrained.indices.filter { mask & (1 << $0) != 0 }.map { constrained[$0] })
    let free = (0..<dim).filter { !held.contains($0) }
    var c = [Double](repeating: 0, count: dim)
    if !free.isEmpty {
      let mfree = free.count
      var a = Matrix(rows: mfree, columns: mfree)
      var b = [Double](repeating: 0, count: mfree)
      var scale = [Double](repeating: 1, count: mfree)
      for (p, i) in free.enumerated() { scale[p] = G[i * dim + i] > 0 ? 1 / G[i * dim + i].squareRoot() : 1 }
      for (p, i) in free.enumerated() {
        b[p] = rhs[i] * scale[p]
        for (q, j) in free.enumerated() { a[p, q] = G[i * dim + j] * scale[p] * scale[q] }
      }
      guard let sol = try? a.leastSquares(b, rcond: 1e-12) else { continue }
      for (p, i) in free.enumerated() { c[i] = sol.solution[p] * scale[p] }
    }
    guard c.allSatisfy({ $0.isFinite }), constrained.allSatisfy({ c[$0] >= 0 }) else { continue }
    let r = rss(c)
    if best == nil || r < best!.1 { best = (c, r) }
    // The unconstrained optimum is feasible: it is the constrained one.
    if mask == 0 { break }
  }
  return best
}
