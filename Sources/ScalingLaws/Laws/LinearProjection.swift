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
