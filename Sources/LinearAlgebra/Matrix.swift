/// A dense real matrix in column-major order, the layout LAPACK expects.
///
///     var m = Matrix(rows: 2, columns: 2)
///     m[0, 1] = 3      // row 0, column 1
///
/// `Matrix` is a plain value; the LAPACK routines that overwrite their input work on copies.
public struct Matrix: Sendable, Equatable {
  public let rows: Int
  public let columns: Int
  /// Column-major storage: element (i, j) is at `i + j * rows`.
  public var storage: [Double]

  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative.")
    self.rows = rows
    self.columns = columns
    self.storage = Array(repeating: value, count: rows * columns)
  }

  /// Builds a matrix from column-major storage.
  public init(rows: Int, columns: Int, columnMajor: [Double]) {
    precondition(columnMajor.count == rows * columns, "Storage does not match the dimensions.")
    self.rows = rows
    self.columns = columns
    self.storage = columnMajor
  }

  /// Builds a matrix from an array of rows.
  public init(rowArrays: [[Double]]) {
    let r = rowArrays.count
    let c = rowArrays.first?.count ?? 0
    self.init(rows: r, columns: c)
    for i in 0..<r {
      precondition(rowArrays[i].count == c, "Ragged rows in a matrix literal.")
      for j in 0..<c { self[i, j] = rowArrays[i][j] }
    }
  }

  @inlinable
  public subscript(row: Int, column: Int) -> Double {
    get { storage[row + column * rows] }
    set { storage[row + column * rows] = newValue }
  }

  public func column(_ j: Int) -> [Double] {
    Array(storage[(j * rows)..<((j + 1) * rows)])
  }

  /// The diagonal of a square (or rectangular) matrix.
  public var diagonal: [Double] {
    (0..<min(rows, columns)).map { self[$0, $0] }
  }
}
