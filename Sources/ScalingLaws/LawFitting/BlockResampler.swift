import Fitting

/// The bootstrap's one resampler: resample `index` of a run draws from its own seeded stream
/// (seed, index), so that every resample is the same whatever the number of threads.
/// - `blocks`: as many whole blocks as there are, with replacement (a run, a model size, a
///   point): the law fitter's bootstrap and Approach 1's (whole training curves).
/// - `withinBlocks`: each block's own points, with replacement, block by block (stratified):
///   Approach 2's, which keeps every IsoFLOP budget's sample size.
public struct BlockResampler: Sendable {
  public let blocks: [[Int]]
  public let seed: UInt64

  public init(blocks: [[Int]], seed: UInt64) {
    self.blocks = blocks
    self.seed = seed
  }

  /// The blocks drawn for resample `index`, in draw order.
  public func drawBlocks(_ index: Int) -> [[Int]] {
    var rng = SplitMix64(seed: seed, stream: UInt64(index))
    return (0..<blocks.count).map { _ in blocks[rng.index(below: blocks.count)] }
  }

  /// The points drawn within each block for resample `index`, block by block.
  public func drawWithinBlocks(_ index: Int) -> [Int] {
    var rng = SplitMix64(seed: seed, stream: UInt64(index))
    var out: [Int] = []
    for block in blocks {
      for _ in 0..<block.count { out.append(block[rng.index(below: block.count)]) }
    }
    return out
  }
}
