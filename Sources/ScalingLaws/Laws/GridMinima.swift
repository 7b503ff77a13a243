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
