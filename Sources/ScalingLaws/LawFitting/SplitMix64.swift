/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seeded generator. Each bootstrap
/// resample gets its own stream derived from (seed, index), so results do not depend on how
/// many threads ran them.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// The stream for item `index` of a run seeded with `seed`.
  public init(seed: UInt64, stream index: UInt64) {
    var mixer = SplitMix64(seed: seed ^ (0x9E37_79B9_7F4A_7C15 &* (index &+ 1)))
    state = mixer.next()
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform integer in 0..<n without modulo bias (Lemire's method).
  public mutating func index(below n: Int) -> Int {
    precondition(n > 0)
    let bound = UInt64(n)
    var m = next().multipliedFullWidth(by: bound)
    if m.low < bound {
      let t = (0 &- bound) % bound
      while m.low < t { m = next().multipliedFullWidth(by: bound) }
    }
    return Int(m.high)
  }
}
