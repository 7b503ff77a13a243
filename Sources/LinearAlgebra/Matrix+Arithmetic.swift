extension Matrix {
  /// Matrix product `self · other` (plain loops: the matrices here are at most a few
  /// dozen columns wide, where a BLAS call would cost more than it saves).
  public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(lhs.columns == rhs.rows, "Matrix product dimension mismatch.")
    var out = Matrix(rows: lhs.rows, columns: rhs.columns)
    for j in 0..<rhs.columns {
      for k in 0..<lhs.columns {
        let b = rhs[k, j]
        if b == 0 { continue }
        for i in 0..<lhs.rows { out.storage[i + j * lhs.rows] += lhs.storage[i + k * lhs.rows] * b }
      }
    }
    return out
  }

  /// Matrix–vector product.
  public static func * (lhs: Matrix, rhs: [Double]) -> [Double] {
    precondition(lhs.columns == rhs.count, "Matrix-vector dimension mismatch.")
    var out = [Double](repeating: 0, count: lhs.rows)
    for k in 0..<lhs.columns {
      let b = rhs[k]
      for i in 0..<lhs.rows { out[i] += lhs.storage[i + k * lhs.rows] * b }
    }
    return out
  }

  /// `selfᵀ · self`, the Gram matrix (symmetric, columns × columns).
  public var gram: Matrix {
    var g = Matrix(rows: columns, columns: columns)
    for a in 0..<columns {
      for b in a..<columns {
        var s = 0.0
        for i in 0..<rows { s += storage[i + a * rows] * storage[i + b * rows] }
        g[a, b] = s
        g[b, a] = s
      }
    }
    return g
  }
}
