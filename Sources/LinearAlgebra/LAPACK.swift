internal import CLAPACKE

/// The only place in the package that calls LAPACKE. Every routine's `info` code is checked
/// and thrown as a ``LAPACKError``; every input is copied, so callers keep their values.
enum LAPACK {
  @inline(__always)
  static func check(_ info: clapacke_int, _ routine: String) throws {
    guard info == 0 else { throw LAPACKError(routine: routine, info: Int(info)) }
  }

  /// Minimum-norm least squares `min ‖A x − B‖` by the SVD (`dgelsd`). Singular values below
  /// `rcond · σ_max` are treated as zero. Returns the solutions (column-major, columns × nrhs),
  /// the effective rank and the singular values of A.
  static func dgelsd(
    _ a: Matrix, _ b: [Double], nrhs: Int, rcond: Double
  ) throws -> (solution: [Double], rank: Int, singularValues: [Double]) {
    let m = a.rows, n = a.columns
    let ldb = max(1, max(m, n))
    var aa = a.storage
    var bb = [Double](repeating: 0, count: ldb * nrhs)
    for k in 0..<nrhs {
      for i in 0..<m { bb[i + k * ldb] = b[i + k * m] }
    }
    var s = [Double](repeating: 0, count: max(1, min(m, n)))
    var rank: clapacke_int = 0
    let info = LAPACKE_dgelsd(
      LAPACK_COL_MAJOR, clapacke_int(m), clapacke_int(n), clapacke_int(nrhs),
      &aa, clapacke_int(max(1, m)), &bb, clapacke_int(ldb), &s, rcond, &rank)
    try check(info, "dgelsd")
    var x = [Double](repeating: 0, count: n * nrhs)
    for k in 0..<nrhs {
      for i in 0..<n { x[i + k * n] = bb[i + k * ldb] }
    }
    return (x, Int(rank), Array(s.prefix(min(m, n))))
  }

  /// Singular value decomposition `A = U Σ Vᵀ` (`dgesdd`, divide and conquer).
  /// With `vectors == false` only Σ is computed.
  static func dgesdd(
    _ a: Matrix, vectors: Bool
  ) throws -> (u: Matrix?, s: [Double], vt: Matrix?) {
    let m = a.rows, n = a.columns, k = min(m, n)
    var aa = a.storage
    var s = [Double](repeating: 0, count: max(1, k))
    if !vectors {
      var dummyU = [Double](repeating: 0, count: 1)
      var dummyVt = [Double](repeating: 0, count: 1)
      let info = LAPACKE_dgesdd(
        LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), clapacke_int(m), clapacke_int(n),
        &aa, clapacke_int(max(1, m)), &s, &dummyU, 1, &dummyVt, 1)
      try check(info, "dgesdd")
      return (nil, Array(s.prefix(k)), nil)
    }
    var u = [Double](repeating: 0, count: m * k)
    var vt = [Double](repeating: 0, count: k * n)
    let info = LAPACKE_dgesdd(
      LAPACK_COL_MAJOR, CChar(UInt8(ascii: "S")), clapacke_int(m), clapacke_int(n),
      &aa, clapacke_int(max(1, m)), &s, &u, clapacke_int(max(1, m)), &vt,
      clapacke_int(max(1, k)))
    try check(info, "dgesdd")
    return (
      Matrix(rows: m, columns: k, columnMajor: u), Array(s.prefix(k)),
      Matrix(rows: k, columns: n, columnMajor: vt)
    )
  }

  /// The triangular factor R (n × n) of A = QR for a tall A (m ≥ n), by Householder QR
  /// (`dgeqrf`) on `a`'s own storage: `a` is consumed (overwritten), so a caller that owns its
  /// matrix factors it without a second m × n copy. R has A's singular values and right
  /// singular vectors.
  static func dgeqrfR(_ a: inout Matrix) throws -> Matrix {
    let m = a.rows, n = a.columns
    precondition(m >= n, "dgeqrf here is for tall matrices.")
    var tau = [Double](repeating: 0, count: max(1, n))
    try check(
      LAPACKE_dgeqrf(LAPACK_COL_MAJOR, clapacke_int(m), clapacke_int(n), &a.storage, clapacke_int(max(1, m)), &tau),
      "dgeqrf")
    var r = Matrix(rows: n, columns: n)
    for j in 0..<n {
      for i in 0...j { r[i, j] = a.storage[i + j * m] }
    }
    return r
  }

  /// Inverse of a symmetric positive definite matrix by Cholesky (`dpotrf` + `dpotri`).
  static func dpotrfInverse(_ a: Matrix) throws -> Matrix {
    precondition(a.rows == a.columns, "dpotri needs a square matrix.")
    let n = a.rows
    var aa = a.storage
    try check(
      LAPACKE_dpotrf(
        LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), clapacke_int(n), &aa, clapacke_int(max(1, n))),
      "dpotrf")
    try check(
      LAPACKE_dpotri(
        LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), clapacke_int(n), &aa, clapacke_int(max(1, n))),
      "dpotri")
    var out = Matrix(rows: n, columns: n, columnMajor: aa)
    for j in 0..<n {
      for i in (j + 1)..<max(j + 1, n) { out[i, j] = out[j, i] }
    }
    return out
  }

  /// Solves `A X = B` for symmetric positive definite A by Cholesky (`dposv`).
  static func dposv(_ a: Matrix, _ b: [Double], nrhs: Int) throws -> [Double] {
    try squareSolve("dposv", a, b) { n, aa, ld, bb in
      LAPACKE_dposv(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), n, clapacke_int(nrhs), &aa, ld, &bb, ld)
    }
  }

  /// Solves the square system `A X = B` by LU with partial pivoting (`dgesv`).
  static func dgesv(_ a: Matrix, _ b: [Double], nrhs: Int) throws -> [Double] {
    var ipiv = [clapacke_int](repeating: 0, count: max(1, a.rows))
    return try squareSolve("dgesv", a, b) { n, aa, ld, bb in
      LAPACKE_dgesv(LAPACK_COL_MAJOR, n, clapacke_int(nrhs), &aa, ld, &ipiv, &bb, ld)
    }
  }

  /// A square solve on copies of A (column-major, leading dimension max(1, n)) and B: `routine`
  /// gets n, A, the leading dimension and B, and returns LAPACK's info; B holds X after it.
  private static func squareSolve(
    _ name: String, _ a: Matrix, _ b: [Double],
    _ routine: (clapacke_int, inout [Double], clapacke_int, inout [Double]) -> clapacke_int
  ) throws -> [Double] {
    precondition(a.rows == a.columns, "\(name) needs a square matrix.")
    var aa = a.storage
    var bb = b
    try check(routine(clapacke_int(a.rows), &aa, clapacke_int(max(1, a.rows)), &bb), name)
    return bb
  }
}
