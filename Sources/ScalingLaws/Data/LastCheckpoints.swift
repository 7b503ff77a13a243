/// The row of each run's last checkpoint among `rows`: the largest progress (step, else tokens),
/// the earliest such row on ties; ascending. Used by `--final-only` and the final-loss default,
/// the IsoFLOP approach and `scaling predict`'s final-checkpoint errors.
func lastCheckpoints(runs: [String], rows: [Int], progress: (Int) -> Double) -> [Int] {
  var last: [String: Int] = [:]
  for i in rows {
    if let j = last[runs[i]], progress(j) >= progress(i) { continue }
    last[runs[i]] = i
  }
  return last.values.sorted()
}
