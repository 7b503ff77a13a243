import Foundation

/// Linear-interpolated percentile (numpy's default), q in [0, 1].
public func percentile(_ values: [Double], _ q: Double) -> Double {
  let s = values.sorted()
  guard !s.isEmpty else { return .nan }
  let pos = q * Double(s.count - 1)
  let i = Int(pos.rounded(.down))
  let f = pos - Double(i)
  // Equal neighbours (two infinities among them) and exact positions need no interpolation,
  // which would give inf − inf = NaN.
  guard i + 1 < s.count, f > 0, s[i] != s[i + 1] else { return s[i] }
  return s[i] + f * (s[i + 1] - s[i])
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

/// The standard normal quantile Φ⁻¹(p) for p in (0, 1), by Acklam's rational approximation
/// (relative error below 1.2e-9; Φ⁻¹(0.975) = 1.959964). Written here because the only caller,
/// the ladder's prediction interval, needs one number per run and swift-numerics has no quantile.
public func normalQuantile(_ p: Double) -> Double {
  guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
  let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
  let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
  let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
  let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
  let low = 0.02425
  if p < low {
    let q = (-2 * log(p)).squareRoot()
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  }
  if p > 1 - low { return -normalQuantile(1 - p) }
  let q = p - 0.5, r = q * q
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}
