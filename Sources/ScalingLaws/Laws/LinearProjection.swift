import Foundation

/// The linear step of variable projection for laws L̂ = Σ_j c_j·x_j(θ_nonlinear) with c ≥ 0:
/// weighted non-negative least squares Σ_i (Σ_j c_j x_ij − L_i)² / L_i² (relative, i.e. log-like,
/// errors) for given columns x_j. Returns (rss, c), or nil if no active set is solvable.
func relativeNonNegativeFit(columns: [[Double]], loss: [Double]) throws -> (Double, [Double])? {
  let k = columns.count
  let n = loss.count
  var gram = [Double](repeating: 0, count: k * k)
  var rhs = [Double](repeating: 0, count: k)
  for i in 0..<n {
    let w = 1 / (loss[i] * loss[i])
    for a in 0..<k {
      let wa = w * columns[a][i]
      rhs[a] += wa * loss[i]
      for b in a..<k { gram[a * k + b] += wa * columns[b][i] }
    }
  }
  for a in 0..<k { for b in 0..<a { gram[a * k + b] = gram[b * k + a] } }
  guard gram.allSatisfy({ $0.isFinite }), rhs.allSatisfy({ $0.isFinite }) else { return nil }
  guard let (c, r) = try nonNegativeSolve(gram: gram, rhs: rhs, yy: Double(n)) else { return nil }
  return (r, c)
}

/// The same weighted NNLS for many cells that share most columns: `fixed` columns (the same in
/// every cell) and two families of varying columns, one from each, so that a cell's Gram matrix
/// needs only the cross product of its two varying columns (O(n)); everything else is summed
/// once per column. Column order in a cell: fixed[0], u, v, fixed[1...].
struct PairedProjection {
  let n: Int
  let w: [Double]
  let loss: [Double]
  let fixed: [[Double]]
  /// Σ w f_a f_b and Σ w f_a L for the fixed columns.
  let fixedGram: [[Double]]
  let fixedRHS: [Double]

  struct Column {
    var values: [Double]
    /// w·x per point.
    var weighted: [Double]
    var squares: Double
    var rhs: Double
    /// Σ w x f_a for each fixed column.
    var withFixed: [Double]
  }

  init(fixed: [[Double]], loss: [Double]) {
    n = loss.count
    self.loss = loss
    self.fixed = fixed
    w = loss.map { 1 / ($0 * $0) }
    var g = [[Double]](repeating: [Double](repeating: 0, count: fixed.count), count: fixed.count)
    var r = [Double](repeating: 0, count: fixed.count)
    for i in 0..<n {
      for a in 0..<fixed.count {
        r[a] += w[i] * fixed[a][i] * loss[i]
        for b in 0..<fixed.count { g[a][b] += w[i] * fixed[a][i] * fixed[b][i] }
      }
    }
    fixedGram = g
    fixedRHS = r
  }

  func column(_ x: [Double]) -> Column {
    var weighted = [Double](repeating: 0, count: n)
    var sq = 0.0, rhs = 0.0
    var wf = [Double](repeating: 0, count: fixed.count)
    for i in 0..<n {
      let wx = w[i] * x[i]
      weighted[i] = wx
      sq += wx * x[i]
      rhs += wx * loss[i]
      for a in 0..<fixed.count { wf[a] += wx * fixed[a][i] }
    }
    return Column(values: x, weighted: weighted, squares: sq, rhs: rhs, withFixed: wf)
  }

  /// (rss, coefficients in the order fixed[0], u, v, fixed[1...]).
  func solve(_ u: Column, _ v: Column) throws -> (Double, [Double])? {
    var cross = 0.0
    u.weighted.withUnsafeBufferPointer { p in
      v.values.withUnsafeBufferPointer { q in
        for i in 0..<n { cross += p[i] * q[i] }
      }
    }
    // Index map: 0 → fixed 0, 1 → u, 2 → v, 3... → fixed 1...
    let k = fixed.count + 2
    func fixedIndex(_ c: Int) -> Int? { c == 0 ? 0 : (c >= 3 ? c - 2 : nil) }
    var gram = [Double](repeating: 0, count: k * k)
    var rhs = [Double](repeating: 0, count: k)
    for a in 0..<k {
      switch a {
      case 1: rhs[a] = u.rhs
      case 2: rhs[a] = v.rhs
      default: rhs[a] = fixedRHS[fixedIndex(a)!]
      }
      for b in 0..<k {
        let value: Double
        switch (a, b) {
        case (1, 1): value = u.squares
        case (2, 2): value = v.squares
        case (1, 2), (2, 1): value = cross
        case (1, _): value = u.withFixed[fixedIndex(b)!]
        case (_, 1): value = u.withFixed[fixedIndex(a)!]
        case (2, _): value = v.withFixed[fixedIndex(b)!]
        case (_, 2): value = v.withFixed[fixedIndex(a)!]
        default: value = fixedGram[fixedIndex(a)!][fixedIndex(b)!]
        }
        gram[a * k + b] = value
      }
    }
    guard gram.allSatisfy({ $0.isFinite }), rhs.allSatisfy({ $0.isFinite }) else { return nil }
    guard let (c, r) = try nonNegativeSolve(gram: gram, rhs: rhs, yy: Double(n)) else { return nil }
    return (r, c)
  }
}
