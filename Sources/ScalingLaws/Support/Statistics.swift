import Foundation

/// Linear-interpolated percentile (numpy's default), q in [0, 1].
public func percentile(_ values: [Double], _ q: Double) -> Double {
  let s = values.sorted()
  guard !s.isEmpty else { return .nan }
  let pos = q * Double(s.count - 1)
  let i = Int(pos.rounded(.down))
  let f = pos - Double(i)
  return i + 1 < s.count ? s[i] + f * (s[i + 1] - s[i]) : s[i]
}

/// Pearson correlation of two equal-length samples (0 when either is constant).
func correlation(_ x: [Double], _ y: [Double]) -> Double {
  let n = Double(x.count)
  let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
  var sxy = 0.0, sxx = 0.0, syy = 0.0
  for i in 0..<x.count {
    sxy += (x[i] - mx) * (y[i] - my)
    sxx += (x[i] - mx) * (x[i] - mx)
    syy += (y[i] - my) * (y[i] - my)
  }
  return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
}

/// (Pᵀ)⁻¹ of a small square matrix by Gauss–Jordan elimination with partial pivoting (nil when
/// singular). Used on a law's 4 × 4 ∂p/∂θ, where a LAPACK call would cost more than it saves.
func invertTransposed(_ P: [[Double]]) -> [[Double]]? {
  let k = P.count
  var a = (0..<k).map { r in (0..<k).map { c in P[c][r] } }
  var inv = (0..<k).map { r in (0..<k).map { c in r == c ? 1.0 : 0.0 } }
  for col in 0..<k {
    guard let pivot = (col..<k).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), a[pivot][col] != 0,
      a[pivot][col].isFinite
    else { return nil }
    a.swapAt(col, pivot)
    inv.swapAt(col, pivot)
    let d = a[col][col]
    for j in 0..<k {
      a[col][j] /= d
      inv[col][j] /= d
    }
    for r in 0..<k where r != col {
      let f = a[r][col]
      guard f != 0 else { continue }
      for j in 0..<k {
        a[r][j] -= f * a[col][j]
        inv[r][j] -= f * inv[col][j]
      }
    }
  }
  return inv
}
