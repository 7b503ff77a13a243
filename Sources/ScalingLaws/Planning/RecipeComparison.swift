import Foundation

/// How much compute recipe B saves over recipe A under one joint fit (`scaling compare`): at a
/// budget C, A's compute-optimal loss L_A*(C), and the effective compute multiplier
/// k(C) = C / C_B(L_A*(C)), where C_B(L) is the least compute with which B reaches L (k > 1: B
/// reaches A's loss with C/k). Intervals are percentiles of the same under each bootstrap
/// resample of the joint fit.
public struct RecipeComparison: Sendable {
  public struct Row: Sendable {
    public var flops: Double
    public var baselineLoss: Double
    public var candidateLoss: Double
    public var multiplier: Double
    public var interval: (Double, Double)?
  }

  public var baseline: String
  public var candidate: String
  public var rows: [Row]
  public var confidence: Double
  public var samples: Int
  public var formula: String

  public struct ComparisonError: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  /// The groups of a joint fit's law and each one's indicator values.
  public static func groups(of law: FormulaLaw) -> [String: [String: Double]] {
    let marker = "#group="
    let indicators = law.spec.inputs.filter { $0.value.hasPrefix(marker) }
    var out: [String: [String: Double]] = [:]
    for (name, column) in indicators {
      let g = String(column.dropFirst(marker.count))
      out[g] = Dictionary(uniqueKeysWithValues: indicators.keys.map { ($0, $0 == name ? 1.0 : 0.0) })
    }
    return out
  }

  public static func multiplier(_ a: FittedLaw, _ b: FittedLaw, flops C: Double) -> (Double, Double, Double)? {
    guard let la = a.optimum(flops: C)?.loss, let lb = b.optimum(flops: C)?.loss, let cb = b.flops(forLoss: la) else { return nil }
    return (la, lb, C / cb)
  }

  public init(law: FittedLaw, samples: [FittedLaw], baseline: String, candidate: String, budgets: [Double], confidence: Double = 0.95) throws {
    let groups = Self.groups(of: law.law)
    let names = groups.keys.sorted()
    guard !groups.isEmpty else {
      throw ComparisonError(description: "the fit is not a joint fit of several groups (fit with --group-column G --shared NAMES)")
    }
    for g in [baseline, candidate] where groups[g] == nil {
      throw ComparisonError(description: "no group '\(g)' in the joint fit (its groups: \(names.joined(separator: ", ")))")
    }
    guard baseline != candidate else { throw ComparisonError(description: "--baseline and --candidate name the same group '\(baseline)'") }
    func held(_ f: FittedLaw, _ g: String) -> FittedLaw {
      var h = f
      h.fixedInputs.merge(groups[g]!) { $1 }
      return h
    }
    let a = held(law, baseline), b = held(law, candidate)
    if let missing = a.missingInput() { throw ComparisonError(description: missing.description) }
    let lo = (1 - confidence) / 2
    rows = try budgets.map { C in
      guard let (la, lb, k) = Self.multiplier(a, b, flops: C) else {
        throw ComparisonError(description: "at \(String(format: "%.3g", C)) FLOPs the fitted law gives no compute-optimal loss for both groups, or \(candidate) cannot reach \(baseline)'s loss within 1e12 to 1e40 FLOPs")
      }
      let ks = samples.compactMap { s in Self.multiplier(held(s, baseline), held(s, candidate), flops: C)?.2 }.filter { $0.isFinite }
      let interval = ks.count >= 2 ? (percentile(ks, lo), percentile(ks, 1 - lo)) : nil
      return Row(flops: C, baselineLoss: la, candidateLoss: lb, multiplier: k, interval: interval)
    }
    self.baseline = baseline
    self.candidate = candidate
    self.confidence = confidence
    self.samples = samples.count
    formula = law.law.formula
  }
}
