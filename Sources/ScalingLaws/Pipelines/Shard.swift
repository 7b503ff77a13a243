/// One of N deterministic slices of a batch (`fit --shard K/N`): the K-th of N contiguous runs of
/// the (file, group) datasets in their order (file order, then each group's first appearance),
/// sizes differing by at most one. Every shard reads the same files and cuts the same slices, so
/// N machines fit disjoint slices that cover the batch, and their JSON Lines outputs, concatenated
/// in K order, are the unsharded output byte for byte.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
  /// 1-based.
  public let index: Int
  public let count: Int

  public init(index: Int, count: Int) {
    precondition(count >= 1 && index >= 1 && index <= count, "a shard K/N needs 1 <= K <= N")
    self.index = index
    self.count = count
  }

  public struct ParseError: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  /// "K/N" with 1 <= K <= N (e.g. "3/8"; a job array's 0-based index i is shard i+1).
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
      throw ParseError(description: "expected K/N (e.g. 3/8), got '\(text)'")
    }
    guard n >= 1 else { throw ParseError(description: "N must be at least 1, got '\(text)'") }
    guard k >= 1 && k <= n else {
      throw ParseError(description: "K must be between 1 and N (shards are numbered 1 to N), got '\(text)'")
    }
    self.init(index: k, count: n)
  }

  /// The indices of this shard's datasets among `total`: [⌊(K−1)·total/N⌋, ⌊K·total/N⌋).
  public func slice(of total: Int) -> Range<Int> {
    let lower = (index - 1) * total / count
    let upper = index * total / count
    return lower..<upper
  }

  public var description: String { "\(index)/\(count)" }
}
