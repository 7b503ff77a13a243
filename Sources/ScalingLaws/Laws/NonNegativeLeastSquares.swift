import LinearAlgebra

/// Active sets tried after the unconstrained solve: every non-empty proper subset of the
/// variables, largest first (2^dim − 2 of them; dim ≤ 4 here).
private func activeSets(_ dim: Int) -> [[Int]] {
  if dim < cachedActiveSets.count { return cachedActiveSets[dim] }
  return makeActiveSets(dim)
}

private func makeActiveSets(_ dim: Int) -> [[Int]] {
  var sets: [[Int]] = []
  for mask in 1..<max(1, (1 << dim) - 1) {
    sets.append((0..<dim).filter { mask & (1 << $0) != 0 })
  }
  return sets.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
}

/// The proper non-empty subsets of 0..<dim for dim ≤ 5, built once (the grids ask for them per cell).
private let cachedActiveSets: [[[Int]]] = (0...5).map { makeActiveSets($0) }

/// Non-negative least squares on a small normal-equation system (G c = rhs, dim ≤ 3), by
/// enumerating the active sets (dim ≤ 4), each solved by Cholesky (`Matrix.solveSymmetricPositiveDefinite`,
/// written out for these small orders), or by LAPACK's SVD `dgelsd` when near-singular, after Jacobi scaling. `yy` is Σ w y², so that
/// RSS = yy − 2 cᵀrhs + cᵀ G c. Returns nil if nothing is solvable.
func nonNegativeSolve(gram G: [Double], rhs: [Double], yy: Double) throws -> ([Double], Double)? {
  let dim = rhs.count
  var best: ([Double], Double)? = nil
  func rssOf(_ c: [Double]) -> Double {
    var r = yy
    for i in 0..<dim {
      r -= 2 * c[i] * rhs[i]
      for j in 0..<dim { r += c[i] * G[i * dim + j] * c[j] }
    }
    return r
  }
  let subsets = [Array(0..<dim)] + activeSets(dim)
  for (index, s) in subsets.enumerated() {
    let m = s.count
    var a = Matrix(rows: m, columns: m)
    var b = [Double](repeating: 0, count: m)
    var scale = [Double](repeating: 1, count: m)
    for p in 0..<m {
      let d = G[s[p] * dim + s[p]]
      scale[p] = d > 0 ? 1 / d.squareRoot() : 1
    }
    for p in 0..<m {
      b[p] = rhs[s[p]] * scale[p]
      for q in 0..<m { a[p, q] = G[s[p] * dim + s[q]] * scale[p] * scale[q] }
    }
    // Cholesky when the scaled Gram matrix is well conditioned, the SVD (dgelsd) otherwise.
    let solution: [Double]
    if isWellConditioned(a), (0..<m).allSatisfy({ a[$0, $0] > 0 }), let x = try? a.solveSymmetricPositiveDefinite(b) {
      solution = x
    } else if let sol = try? a.leastSquares(b, rcond: 1e-12) {
      solution = sol.solution
    } else {
      continue
    }
    var c = [Double](repeating: 0, count: dim)
    var feasible = true
    for (p, i) in s.enumerated() {
      c[i] = solution[p] * scale[p]
      if !(c[i] >= 0) || !c[i].isFinite { feasible = false }
    }
    if !feasible { continue }
    let r = rssOf(c)
    if best == nil || r < best!.1 { best = (c, r) }
    if index == 0 { return best }  // the unconstrained optimum is feasible: it is the NNLS optimum
  }
  return best
}

/// A unit-diagonal symmetric matrix is safely Cholesky-solvable when no off-diagonal entry is
/// within 1e-6 of ±1 (a cheap guard; near-collinear columns go to the SVD path).
private func isWellConditioned(_ a: Matrix) -> Bool {
  for i in 0..<a.rows {
    for j in 0..<i where abs(a[i, j]) > 1 - 1e-6 { return false }
  }
  return true
}
