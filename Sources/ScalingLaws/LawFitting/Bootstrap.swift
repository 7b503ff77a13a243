import Fitting
import Foundation
import LinearAlgebra

extension LawFitter {
  /// The unit to resample when none is given: whole runs if the data have runs with more than
  /// one point (checkpoint curves), else points.
  public static func defaultUnit(_ d: Dataset) -> BootstrapUnit {
    if let runs = d.run, Set(runs).count < runs.count { return .run }
    return .point
  }

  /// The points of resample `index`: as many blocks as there are, drawn with replacement from
  /// the stream (seed, index); each drawn block contributes all of its points.
  public static func resample(blocks: [[Int]], seed: UInt64, index: Int) -> [Int] {
    BlockResampler(blocks: blocks, seed: seed).drawBlocks(index).flatMap { $0 }
  }

  /// What the resamples say that the fit alone does not: an irreducible loss E driven to ~0
  /// (`isDrivenToZero`, the fit's own rule) in enough resamples to reach the interval's lower end.
  public static func bootstrapWarnings(_ b: BootstrapResult, lossMin: Double) -> [String] {
    var out: [String] = []
    if !b.samples.isEmpty, b.atBound + b.outlying > 0 {
      var parts: [String] = []
      if b.atBound > 0 { parts.append("\(b.atBound) put a parameter at a bound of its search range") }
      if b.outlying > 0 { parts.append("\(b.outlying) ran far from the rest (a positive parameter more than 1,000 times its median, another more than 10 robust standard errors from it)") }
      out.append(
        "of \(b.samples.count) bootstrap resamples, " + parts.joined(separator: " and ")
          + ": the intervals are percentiles and the s.e. is the robust 1.4826 × MAD, so these resamples do not dominate them; a wide interval says the data leave a parameter loose")
    }
    return out + eDrivenToZero(b, lossMin: lossMin)
  }

  static func eDrivenToZero(_ b: BootstrapResult, lossMin: Double) -> [String] {
    guard let j = b.parameterNames.firstIndex(of: "E"), !b.samples.isEmpty else { return [] }
    let zero = b.samples.filter { isDrivenToZero($0[j], lossMin: lossMin) }.count
    guard Double(zero) >= (1 - b.confidence) / 2 * Double(b.samples.count) else { return [] }
    return [
      "E is driven to ~0 in \(zero) of \(b.samples.count) bootstrap resamples (\(String(format: "%.0f", 100 * Double(zero) / Double(b.samples.count)))%): the data do not determine the loss floor, and E's interval reaches 0"
    ]
  }

  /// Resample with replacement and refit each resample; summarise the parameters.
  public func bootstrap(_ dataset: Dataset, fit: LawFit, options: BootstrapOptions) throws -> BootstrapResult {
    let (full, law) = try laws(for: dataset, levelsBounded: fit.levelsBounded, priorScale: fit.priorScale)
    let unit = options.unit ?? Self.defaultUnit(dataset)
    let (blocks, pinnedRows) = try Self.blocks(dataset, unit: unit)
    let blockList = blocks
    let localSolver = LBFGS(options: LawFitter.polishOptions)
    let mainTheta = Self.constraints(of: law)?.project(fit.internalParameters) ?? fit.internalParameters
    let seed = options.seed
    let progress = options.progress
    let counter = ProgressCounter()
    let results: [[Double]?] = parallelMap(options.resamples) { k in
      let sample = dataset.subset(Self.resample(blocks: blockList, seed: seed, index: k) + pinnedRows)
      defer { progress?(counter.increment()) }
      guard sample.count >= law.parameterCount else { return nil }
      switch options.search {
      case .global:
        guard let r = try? self.minimize(sample, law: law), r.converged else { return nil }
        return Self.fullReported(law.reported(r.parameters), law)
      case .local:
        let data = LogData(sample, for: law)
        let loss = self.options.loss
        let r = localSolver.minimize(start: mainTheta) { t, g in law.objective(t, data, loss: loss, gradient: &g) }
        return r.converged ? Self.fullReported(law.reported(r.parameters), law) : nil
      }
    }
    // A resample whose refit ends with a parameter that is not finite (an unbounded scale on
    // constant data) failed like one that did not converge: it has no value to take a percentile of.
    let samples = results.compactMap { $0 }.filter { $0.allSatisfy { $0.isFinite } }
    let k = full.parameterCount
    let lo = (1 - options.confidence) / 2
    var intervals: [(Double, Double)] = []
    var se: [Double] = []
    var cov = Matrix(rows: k, columns: k)
    var means = [Double](repeating: 0, count: k)
    for j in 0..<k {
      let col = samples.map { $0[j] }
      intervals.append(samples.isEmpty ? (.nan, .nan) : (percentile(col, lo), percentile(col, 1 - lo)))
      means[j] = col.isEmpty ? .nan : col.reduce(0, +) / Double(col.count)
    }
    let m = Double(max(1, samples.count - 1))
    for a in 0..<k {
      for b in 0..<k {
        var s = 0.0
        for x in samples { s += (x[a] - means[a]) * (x[b] - means[b]) }
        cov[a, b] = s / m
      }
      let col = samples.map { $0[a] }.filter { $0.isFinite }
      se.append(Self.robustScale(col))
    }
    let (atBound, outlying) = Self.flagged(samples, full: full, standardErrors: se)
    let derived = law.kind == .chinchilla ? Self.chinchillaDerived(samples, set: fit.parameterSet, lower: lo) : []
    return BootstrapResult(
      resamples: options.resamples, seed: options.seed, unit: unit, search: options.search,
      confidence: options.confidence, failed: options.resamples - samples.count,
      parameterNames: full.parameterNames, samples: samples, intervals: intervals, standardErrors: se,
      covariance: cov, atBound: atBound, outlying: outlying, derived: derived)
  }

  /// The resampling blocks (indices of the points in each) and the pinned rows (the ladder's
  /// anchors), which are in no block and join every resample.
  static func blocks(_ dataset: Dataset, unit: BootstrapUnit) throws -> (blocks: [[Int]], pinned: [Int]) {
    var blocks: [[Int]]
    switch unit {
    case .point:
      blocks = (0..<dataset.count).map { [$0] }
    case .run:
      guard let runs = dataset.run else {
        throw FitError("\(dataset.file): \(OptionName.bootstrapUnit) run needs a run column (name it with \(OptionName.runColumn))")
      }
      blocks = runs.groupedIndices()
    case .group:
      blocks = dataset.params.groupedIndices()
    }
    let pinnedRows = dataset.pinned.map { p in (0..<dataset.count).filter { p[$0] } } ?? []
    if !pinnedRows.isEmpty {
      let pinnedSet = Set(pinnedRows)
      blocks = blocks.map { $0.filter { !pinnedSet.contains($0) } }.filter { !$0.isEmpty }
    }
    if blocks.count < 2 {
      let advice: String
      switch unit {
      case .point: advice = "too few points to resample"
      case .run:
        advice = "resample its checkpoints with \(OptionName.bootstrapUnit) point (they are correlated along the run, so the intervals come out too narrow), or give more runs"
      case .group:
        advice = "resample points or runs with \(OptionName.bootstrapUnit) point or run, or give more model sizes"
      }
      throw FitError("\(dataset.file): cannot bootstrap by \(unit.rawValue): only \(blocks.count) \(unit.rawValue); \(advice)")
    }
    return (blocks, pinnedRows)
  }

  /// Resamples that reached a bound of the search range, and resamples far from the rest.
  static func flagged(_ samples: [[Double]], full: any ScalingLaw, standardErrors se: [Double]) -> (atBound: Int, outlying: Int) {
    let k = full.parameterCount
    let bounds: [ClosedRange<Double>?] = full.parameterNames.map { full.parameterBounds[$0] }
    let medians: [Double] = (0..<k).map { j in percentile(samples.map { $0[j] }.filter { $0.isFinite }, 0.5) }
    var atBound = 0, outlying = 0
    for x in samples {
      var bound = false, far = false
      for j in 0..<k {
        if let b = bounds[j], ParameterSet.isAtBound(x[j], b) { bound = true }
        // Diverged: not finite; a positive parameter (a scale such as A or B) above 1,000 times
        // its median (one driven to ~0, E's known corner, has its own warning); a signed one more
        // than 10 robust standard errors from its median.
        if !x[j].isFinite {
          far = true
        } else if medians[j] > 0 && x[j] > 0 {
          if x[j] > 1000 * medians[j] { far = true }
        } else if se[j] > 0 && abs(x[j] - medians[j]) > 10 * se[j] {
          far = true
        }
      }
      if bound { atBound += 1 }
      if far { outlying += 1 }
    }
    return (atBound, outlying)
  }

  /// A Chinchilla fit's derived quantities with their percentile intervals over the resamples:
  /// the allocation exponents a and b, and D/N at 1e21, 1e23 and 1e25 FLOPs.
  static func chinchillaDerived(_ samples: [[Double]], set: ParameterSet, lower lo: Double) -> [DerivedQuantity] {
    var derived: [DerivedQuantity] = []
    if let main = ChinchillaConstants(fitted: set) {
      let resampled = samples.compactMap { ChinchillaConstants(resample: $0, of: set) }
      var quantities: [(String, (ChinchillaConstants) -> Double)] = [
        ("a = beta/(alpha+beta)", { $0.a }),
        ("b = alpha/(alpha+beta)", { $0.b }),
      ]
      for C in [1e21, 1e23, 1e25] {
        quantities.append((
          "tokens per parameter at \(String(format: "%.0e", C)) FLOPs",
          { $0.optimalTokens(flops: C) / $0.optimalParams(flops: C) }
        ))
      }
      for (name, f) in quantities {
        let col = resampled.map(f).filter { $0.isFinite }
        guard !col.isEmpty else { continue }
        derived.append(DerivedQuantity(name: name, value: f(main), interval: (percentile(col, lo), percentile(col, 1 - lo))))
      }
    }
    return derived
  }

  /// 1.4826 × the median absolute deviation from the median (NaN for no values).
  static func robustScale(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let m = percentile(values, 0.5)
    return 1.4826 * percentile(values.map { abs($0 - m) }, 0.5)
  }
}

/// A thread-safe counter for progress reporting.
final class ProgressCounter: @unchecked Sendable {
  private var value = 0
  private let lock = NSLock()
  func increment() -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += 1
    return value
  }
}
