import Fitting
import Foundation
import LinearAlgebra

/// The bootstrap of Approaches 1 and 2: whole runs (Approach 1) or points within each budget
/// (Approach 2), drawn by the shared `BlockResampler`, every resample refitted.
extension ApproachFitter {
  func bootstrap(_ d: Dataset, into result: inout ApproachResult) throws {
    let n = options.bootstrap
    let seed = options.seed
    var inner = self
    inner.options.bootstrap = 0
    let fitter = inner
    let approach = options.approach
    // Envelope: resample whole runs. IsoFLOP: resample points within each budget's bin.
    let runs = d.run ?? (0..<d.count).map { String($0) }
    let runBlocks = runs.groupedIndices()
    let binBlocks = result.budgets.map { $0.indices }.filter { !$0.isEmpty }
    let largest = result.largestBudget
    let resampler = BlockResampler(blocks: approach == .envelope ? runBlocks : binBlocks, seed: seed)
    let samples: [ApproachResult?] = parallelMap(n) { k in
      var indices: [Int] = []
      var names: [String] = []
      if approach == .envelope {
        // Each draw is its own curve, even when a run is drawn twice.
        for (draw, block) in resampler.drawBlocks(k).enumerated() {
          indices += block
          names += block.map { "\(runs[$0])#\(draw)" }
        }
      } else {
        // Each drawn point is a point of its own, even when it is drawn twice: a unique run
        // name keeps the "final point of each run" step from merging the copies.
        indices = resampler.drawWithinBlocks(k)
        names = indices.enumerated().map { "\(runs[$1])#\($0)" }
      }
      var sub = d.subset(indices)
      sub.run = names
      return try? fitter.run(sub)
    }
    let fitted = samples.compactMap { $0 }
    let ok = fitted.map { res in
      (res.a, res.b, res.kN * pow(largest, res.a), res.kD * pow(largest, res.b), res.lossLaw?.loss(flops: largest))
    }
    result.samples = fitted.map { AllocationFrontier($0, name: "") }
    result.bootstrapResamples = n
    result.bootstrapFailed = n - ok.count
    result.seed = seed
    result.confidence = options.confidence
    guard ok.count >= 2 else { return }
    let lo = (1 - options.confidence) / 2
    let cols: [(String, [Double])] = [
      ("a", ok.map { $0.0 }), ("b", ok.map { $0.1 }), ("params_at_largest", ok.map { $0.2 }), ("tokens_at_largest", ok.map { $0.3 }),
    ]
    for (k, v) in cols { result.intervals[k] = (percentile(v, lo), percentile(v, 1 - lo)) }
    let losses = ok.compactMap { $0.4 }
    if losses.count >= 2 { result.intervals["loss_at_largest"] = (percentile(losses, lo), percentile(losses, 1 - lo)) }
  }
}
