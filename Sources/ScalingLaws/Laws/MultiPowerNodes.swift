import Foundation

/// The loss-reduction sum of the multi-power law at each checkpoint,
///
///     LD(t) = Σ_{k=1..t} (η_{k−1} − η_k)·G(η_k^−γ·S_k(t)),  S_k(t) = Σ_{τ=k..t} η_τ,
///
/// as a short list of quadrature nodes (drop, S, ln η) per checkpoint, built once per data set
/// (the nodes do not depend on the law's parameters). Exact terms for the 16 steps before the
/// checkpoint and for every single-step jump of the rate (above 0.1% of the peak and 4× the
/// neighbouring steps' changes: a two-stage switch); further back, blocks whose width grows as 8% of their
/// distance from the checkpoint (narrower where ln η changes by more than 0.2 across the block,
/// as on a warm-up ramp), each carrying the block's exact total drop at its midpoint
/// (S averaged over the block, ln η at the block's centre). The 100M `cosine_24000` curve of the
/// lr-schedules data (171 checkpoints, a 2,160-step warm-up) costs 117–162 nodes per checkpoint,
/// 25,473 in all (measured), instead of up to 24,000 terms each; the warm-up ramp, where ln η
/// moves fast, takes about a third of them;
/// against the exact sum the predicted losses differ by < 1e-5 relative (the data scatter by ~3e-4) on the lr-schedules data
/// (`MultiPowerFitTests`).
public struct MultiPowerNodes: Sendable {
  /// Nodes of point i: start[i] ..< start[i + 1].
  public var start: [Int]
  public var drop: [Double]
  public var area: [Double]
  public var logRate: [Double]
  /// S1(t) per point.
  public var s1: [Double]

  static let exactSteps = 16
  static let relativeWidth = 0.08
  static let jumpFraction = 1e-3
  static let maxLogSpan = 0.2

  public init(_ c: CurveFeatures) {
    var start = [0], drop: [Double] = [], area: [Double] = [], logRate: [Double] = [], s1: [Double] = []
    struct Prepared { var prefix: [Double]; var smooth: [Double]; var jumps: [Int]; var logEta: [Double] }
    var cache: [Int: Prepared] = [:]
    func prepared(_ r: Int) -> Prepared {
      if let p = cache[r] { return p }
      let eta = c.schedules[r].rates
      let peak = c.schedules[r].peakLR
      let floor = log(max(peak, 1e-300) * 1e-12)
      var prefix = [Double](repeating: 0, count: eta.count + 1)
      for i in 0..<eta.count { prefix[i + 1] = prefix[i] + eta[i] }
      // smooth[k] = Σ_{j=1..k} of the drops that are not jumps.
      var smooth = [Double](repeating: 0, count: eta.count)
      var jumps: [Int] = []
      // A jump is a single-step change above 0.1% of the peak that stands out from its
      // neighbours (more than 4× each adjacent step's change: a two-stage switch, the end of a
      // warm-up). A steep but smooth stretch (a short linear decay, an lr column interpolated
      // between close checkpoints) changes by similar amounts step after step: its steps are not
      // jumps but go to the blocks, which narrow where ln η moves fast; taking them all exactly
      // made the nodes O(t) per checkpoint.
      func change(_ k: Int) -> Double { k >= 1 && k < eta.count ? abs(eta[k - 1] - eta[k]) : 0 }
      for k in 1..<max(eta.count, 1) {
        let d = eta[k - 1] - eta[k]
        if abs(d) > Self.jumpFraction * peak && abs(d) > 4 * change(k - 1) && abs(d) > 4 * change(k + 1) {
          jumps.append(k)
          smooth[k] = smooth[k - 1]
        } else {
          smooth[k] = smooth[k - 1] + d
        }
      }
      let p = Prepared(prefix: prefix, smooth: smooth, jumps: jumps, logEta: eta.map { max(log($0), floor) })
      cache[r] = p
      return p
    }
    for i in 0..<c.runIndex.count {
      let r = c.runIndex[i], t = c.step[i]
      let p = prepared(r)
      let eta = c.schedules[r].rates
      let total = p.prefix[t + 1]
      s1.append(total)
      func add(_ d: Double, _ s: Double, _ le: Double) {
        guard d != 0 else { return }
        drop.append(d)
        area.append(s)
        logRate.append(le)
      }
      // Exact terms next to the checkpoint.
      let exactFrom = max(1, t - Self.exactSteps + 1)
      if t >= 1 {
        for k in stride(from: t, through: exactFrom, by: -1) {
          add(eta[k - 1] - eta[k], total - p.prefix[k], p.logEta[k])
        }
      }
      // Blocks further back, with jumps taken exactly.
      var hi = exactFrom - 1
      var jumpIndex = upperBound(p.jumps, hi) - 1  // the last jump ≤ hi
      while hi >= 1 {
        let w = max(1, Int(Self.relativeWidth * Double(t - hi)))
        var lo = max(1, hi - w + 1)
        // Narrower where the rate changes by more than maxLogSpan in log (a warm-up ramp from 0).
        while lo < hi && abs(p.logEta[hi] - p.logEta[lo]) > Self.maxLogSpan { lo = (lo + hi + 1) / 2 }
        let d = p.smooth[hi] - p.smooth[lo - 1]
        add(d, total - 0.5 * (p.prefix[lo] + p.prefix[hi]), 0.5 * (p.logEta[lo] + p.logEta[hi]))
        while jumpIndex >= 0 && p.jumps[jumpIndex] >= lo {
          let k = p.jumps[jumpIndex]
          add(eta[k - 1] - eta[k], total - p.prefix[k], p.logEta[k])
          jumpIndex -= 1
        }
        hi = lo - 1
      }
      start.append(drop.count)
    }
    (self.start, self.drop, self.area, self.logRate, self.s1) = (start, drop, area, logRate, s1)
  }
}

/// The number of elements of sorted `a` that are ≤ x.
private func upperBound(_ a: [Int], _ x: Int) -> Int {
  var lo = 0, hi = a.count
  while lo < hi {
    let mid = (lo + hi) / 2
    if a[mid] <= x { lo = mid + 1 } else { hi = mid }
  }
  return lo
}
