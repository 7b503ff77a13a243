extension Array where Element: Hashable {
  /// The indices of equal elements, grouped, groups in order of first appearance:
  /// ["a", "b", "a"] → [[0, 2], [1]]. Used for runs, model sizes, budgets and groups.
  public func groupedIndices() -> [[Int]] {
    var slot: [Element: Int] = [:]
    var groups: [[Int]] = []
    for (i, key) in enumerated() {
      if let s = slot[key] {
        groups[s].append(i)
      } else {
        slot[key] = groups.count
        groups.append([i])
      }
    }
    return groups
  }
}

extension Array {
  /// The elements at `indices`, in that order (duplicates allowed: bootstrap resamples).
  func picking(_ indices: [Int]) -> [Element] { indices.map { self[$0] } }
}
