import Foundation
import Fitting

/// The local minima of a score surface sampled on a `rows × columns` grid (row-major), in the
/// 8-neighbourhood sense, best first (ties by cell index, so the order is deterministic).
///
/// The fast searches start one local polish from each of the best few minima: taking the best
/// few *cells* instead would put every start in the same basin, next to each other.
func gridLocalMinima(_ scores: [Double], rows: Int, columns: Int) -> [Int] {
  var minima: [(Double, Int)] = []
  for r in 0..<rows {
    for c in 0..<columns {
      let v = scores[r * columns + c]
      guard v.isFinite else { continue }
      var isMin = true
      for dr in -1...1 {
        for dc in -1...1 where !(dr == 0 && dc == 0) {
          let rr = r + dr, cc = c + dc
          if rr < 0 || cc < 0 || rr >= rows || cc >= columns { continue }
          if scores[rr * columns + cc] < v { isMin = false }
        }
      }
      if isMin { minima.append((v, r * columns + c)) }
    }
  }
  minima.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
  return minima.map { $0.1 }
}

/// A score on every cell of a k × k grid (row-major; +∞ where `score` has no solution).
func gridSurface(_ k: Int, _ score: (_ row: Int, _ column: Int) throws -> Double?) rethrows -> [Double] {
  var surface = [Double](repeating: .infinity, count: k * k)
  for r in 0..<k {
    for c in 0..<k {
      if let v = try score(r, c) { surface[r * k + c] = v }
    }
  }
  return surface
}

/// The 5 × 5 refinement around a cell of the coarse (α, β) surface over the log-spaced `grid`
/// (successive values in the ratio `step`): five values of each exponent at a quarter of the
/// coarse spacing, centred on the cell's.
func fineExponents(around cell: Int, grid: [Double], step ratio: Double) -> (alphas: [Double], betas: [Double]) {
  let k = grid.count
  let a0 = grid[cell / k], b0 = grid[cell % k]
  return ((-2...2).map { a0 * pow(ratio, Double($0) / 4) }, (-2...2).map { b0 * pow(ratio, Double($0) / 4) })
}

extension ScalingLaw {
  /// Starts from a `rows × columns` exponent grid: `cell(r, c)` gives each cell's θ (its
  /// variable-projection solution) or nil; each θ is scored by the objective actually minimised,
  /// on at most 4,000 evenly strided points, and one start is taken from each of the six best
  /// local minima of that surface.
  func startsFromGrid(
    rows: Int, columns: Int, data: LogData, loss: RobustLoss, _ cell: (Int, Int) throws -> [Double]?
  ) rethrows -> FastStarts {
    let ranking = data.strided(maxCount: 4_000)
    var scores = [Double](repeating: .infinity, count: rows * columns)
    var thetas = [[Double]](repeating: [], count: rows * columns)
    for r in 0..<rows {
      for c in 0..<columns {
        guard let theta = try cell(r, c) else { continue }
        let f = objectiveValue(theta, ranking, loss: loss)
        guard f.isFinite else { continue }
        scores[r * columns + c] = f
        thetas[r * columns + c] = theta
      }
    }
    let minima = gridLocalMinima(scores, rows: rows, columns: columns)
    return FastStarts(starts: minima.prefix(6).map { thetas[$0] }, gridCells: rows * columns)
  }
}

/// The warning when the best local minimum of a square (α, β) grid over `grid` lies on its edge.
func exponentGridEdgeWarning(_ minima: [Int], _ grid: [Double]) -> [String] {
  let k = grid.count
  guard let best = minima.first else { return [] }
  let ia = best / k, ib = best % k
  guard ia == 0 || ia == k - 1 || ib == 0 || ib == k - 1 else { return [] }
  return [
    "the best cell of the (alpha, beta) search grid is on its edge (alpha = \(fmt(grid[ia])), beta = \(fmt(grid[ib])); grid [0.01, 2.5])"
  ]
}
