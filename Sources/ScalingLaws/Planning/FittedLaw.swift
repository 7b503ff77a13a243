import Fitting
import Foundation

/// A fitted formula law as the planner uses it (`plan --law FIT.json` of a `fit --formula` fit):
/// the loss at any (N, D) with the law's other inputs held at given values (`--at`) or chosen by
/// the plan within a range (`--choose`), under the law's compute rule (6ND unless the law says).
/// Every answer is found numerically: the compute-optimal split is the root of dL/d ln N along
/// the rule at fixed C (exact derivatives through the formula's and the rule's programs),
/// bracketed by a scan of ln N; a chosen input is searched on a log scale around it (a scan,
/// then golden sections); budgets, sizes and token counts are found by bisection of the monotone
/// optimum. For a Chinchilla-form formula the answers agree with the closed forms (Hoffmann eq. 4).
public struct FittedLaw: Sendable {
  public var name: String
  public var source: String
  public let law: FormulaLaw
  public var parameters: [Double]
  /// Values of the law's inputs other than N, D and C (`--at U=25B`, `--unique-tokens`).
  public var fixedInputs: [String: Double] = [:]
  /// Inputs the plan chooses, each within its range (`--choose E=1:64`): every optimum minimises
  /// the loss over them too.
  public var chosenInputs: [String: ClosedRange<Double>] = [:]
  public var fitWarnings: [String] = []
  public var observedLossMin: Double? = nil
  public var observedFlopsMax: Double? = nil
  public var observedTokensPerParam: ClosedRange<Double>? = nil

  public struct PlanningError: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  /// A compute-optimal point: N, D, the loss, and the values of the chosen inputs (with those
  /// that ended at an end of their range).
  public struct Optimum: Sendable {
    public var params: Double
    public var tokens: Double
    public var loss: Double
    public var inputs: [String: Double] = [:]
    public var atRangeEnd: [String] = []
  }

  public init(name: String, source: String, law: FormulaLaw, parameters: [Double]) throws {
    guard law.inputNames.contains("N") else {
      throw PlanningError(description: "the formula \(law.formula) has no input N: planning splits a budget between N and D, so the law needs both")
    }
    guard law.inputNames.contains("D") || law.inputNames.contains("C") else {
      throw PlanningError(description: "the formula \(law.formula) has neither D nor C: planning splits a budget between N and D, so the law needs D (or C)")
    }
    if law.inputNames.contains("S") {
      throw PlanningError(description: "the formula \(law.formula) is a law of the step S: plan with a law of N and D (its final loss)")
    }
    self.name = name
    self.source = source
    self.law = law
    self.parameters = parameters
  }

  /// The law's compute rule.
  public var compute: ComputeRule { law.compute }

  /// The inputs other than N, D and C, which a plan needs values (or ranges) for.
  public var otherInputs: [String] {
    var out = law.inputNames.filter { !["N", "D", "C"].contains($0) }
    for n in compute.inputNames where !["N", "D"].contains(n) && !out.contains(n) { out.append(n) }
    return out
  }

  /// The first input without a value or a range, as the error a plan gives.
  public func missingInput() -> PlanningError? {
    guard let name = otherInputs.first(where: { fixedInputs[$0] == nil && chosenInputs[$0] == nil }) else { return nil }
    let column = law.spec.inputs[name].map { " (fitted from column '\($0)')" } ?? ""
    return PlanningError(
      description: "the law's input \(name)\(column) has no value: give --at \(name)=VALUE\(name == "U" ? " (or --unique-tokens)" : "") or let the plan choose it with --choose \(name)=LO:HI")
  }

  func values(_ N: Double, _ D: Double, _ held: [String: Double]) -> [String: Double] {
    var v = held
    v["N"] = N
    v["D"] = D
    return v
  }

  func point(_ N: Double, _ D: Double, _ held: [String: Double]) -> [Double] {
    law.inputNames.map { n in
      switch n {
      case "N": return N
      case "D": return D
      case "C": return compute.flops(values(N, D, held))
      default: return held[n] ?? .nan
      }
    }
  }

  func loss(_ N: Double, _ D: Double, _ held: [String: Double]) -> Double {
    law.tape.value(parameters + point(N, D, held))
  }

  /// The loss of N parameters on D tokens at the held inputs.
  public func loss(params N: Double, tokens D: Double) -> Double { loss(N, D, fixedInputs) }

  /// The compute rule's FLOPs for N parameters on D tokens at the held inputs.
  public func flops(params N: Double, tokens D: Double) -> Double { compute.flops(values(N, D, fixedInputs)) }

  func tokens(_ N: Double, flops C: Double, _ held: [String: Double]) -> Double? {
    compute.tokens(flops: C, values(N, 1, held))
  }

  /// dL/d ln N along the compute rule at fixed C: N ∂L/∂N + D ∂L/∂D · d ln D/d ln N, with
  /// d ln D/d ln N = −(N ∂C/∂N)/(D ∂C/∂D) (−1 for 6ND); an input C is held.
  func slope(_ N: Double, _ D: Double, _ held: [String: Double]) -> Double {
    let (_, g) = law.valueAndInputGradient(parameters, inputs: point(N, D, held))
    let r = compute.flopsAndSlopes(values(N, D, held))
    let dlnD = -(N * r.dN) / (D * r.dD)
    var s = 0.0
    for (k, n) in law.inputNames.enumerated() {
      if n == "N" { s += N * g[k] }
      if n == "D" { s += D * g[k] * dlnD }
    }
    return s
  }

  /// The compute-optimal N for C at the held inputs: a scan of `steps` points of ln N over
  /// 1e3 ≤ N ≤ C/6e3, then the root of the slope inside the best scan cell (nil: the scan's best
  /// point is at an end, no interior optimum).
  func optimalParams(flops C: Double, _ held: [String: Double], steps: Int = 400) -> Double? {
    guard C > 0, C.isFinite else { return nil }
    let lo = log(1e3), hi = log(C / 6 / 1e3)
    guard hi > lo else { return nil }
    var best = -1, bestValue = Double.infinity
    for k in 0...steps {
      let n = exp(lo + (hi - lo) * Double(k) / Double(steps))
      guard let d = tokens(n, flops: C, held), d > 0 else { continue }
      let v = loss(n, d, held)
      if v < bestValue { (best, bestValue) = (k, v) }
    }
    guard best > 0 && best < steps else { return nil }
    let h = (hi - lo) / Double(steps)
    let a = lo + h * Double(best - 1), b = lo + h * Double(best + 1)
    let g: (Double) -> Double = { u in
      let n = exp(u)
      guard let d = self.tokens(n, flops: C, held) else { return .nan }
      return self.slope(n, d, held)
    }
    if let u = try? Scalar.root(in: a...b, tolerance: 1e-15, g) { return exp(u) }
    let (u, _) = Scalar.minimize(in: a...b, tolerance: 1e-13) { u in
      let n = exp(u)
      return self.tokens(n, flops: C, held).map { self.loss(n, $0, held) } ?? .infinity
    }
    return exp(u)
  }

  /// The compute-optimal N for C at the held inputs (the plan's chosen inputs chosen).
  public func optimalParams(flops C: Double) -> Double? { optimum(flops: C)?.params }

  func innerOptimum(flops C: Double, _ held: [String: Double], steps: Int) -> Optimum? {
    guard let n = optimalParams(flops: C, held, steps: steps), let d = tokens(n, flops: C, held) else { return nil }
    return Optimum(params: n, tokens: d, loss: loss(n, d, held))
  }

  /// (N, D, L) at the compute-optimal split of C, and the chosen inputs' values: one chosen input
  /// is searched over its range on a log scale (a scan of 17 points, golden sections inside the
  /// best cell's neighbours to 1e-10 in ln x); with none, the held values.
  public func optimum(flops C: Double) -> Optimum? {
    guard let (name, range) = chosenInputs.first else { return innerOptimum(flops: C, fixedInputs, steps: 400) }
    var held = fixedInputs
    let lo = log(range.lowerBound), hi = log(range.upperBound)
    let f: (Double) -> Double = { u in
      held[name] = exp(u)
      return self.innerOptimum(flops: C, held, steps: 64)?.loss ?? .infinity
    }
    let m = 16
    let grid = (0...m).map { lo + (hi - lo) * Double($0) / Double(m) }
    let values = grid.map(f)
    guard let k = values.indices.min(by: { values[$0] < values[$1] }), values[k].isFinite else { return nil }
    var u = grid[k]
    let (v, fv) = Scalar.minimize(in: grid[max(k - 1, 0)]...grid[min(k + 1, m)], tolerance: 1e-10, f)
    if fv <= values[k] { u = v }
    // At an end of the range the answer is that end, exactly (not exp(ln x) a rounding off it).
    let atLow = u - lo < 1e-6 * max(1, abs(lo)), atHigh = hi - u < 1e-6 * max(1, abs(hi))
    let x = atLow ? range.lowerBound : atHigh ? range.upperBound : exp(u)
    held[name] = x
    guard var o = innerOptimum(flops: C, held, steps: 400) else { return nil }
    o.inputs[name] = x
    if atLow || atHigh { o.atRangeEnd.append(name) }
    return o
  }

  /// The budget in [1e12, 1e40] at which `f(optimum)` crosses `target`, with f increasing in C
  /// (bisection on ln C); nil when it does not cross there.
  func budget(where f: (Optimum) -> Double, reaches target: Double) -> Double? {
    var lo = log(1e12), hi = log(1e40)
    guard let a = optimum(flops: exp(lo)).map(f), let b = optimum(flops: exp(hi)).map(f) else { return nil }
    guard (a - target) * (b - target) <= 0 else { return nil }
    let increasing = b > a
    for _ in 0..<200 {
      let mid = 0.5 * (lo + hi)
      guard let v = optimum(flops: exp(mid)).map(f) else { return nil }
      if (v < target) == increasing { lo = mid } else { hi = mid }
      if hi - lo < 1e-15 * abs(mid) { break }
    }
    return exp(0.5 * (lo + hi))
  }

  /// The least compute whose optimum reaches loss L.
  public func flops(forLoss L: Double) -> Double? { budget(where: { -$0.loss }, reaches: -L) }
  /// The budget whose optimal model has N parameters.
  public func flops(forParams N: Double) -> Double? { budget(where: { $0.params }, reaches: N) }
  /// The budget whose optimal model trains on D tokens.
  public func flops(forTokens D: Double) -> Double? { budget(where: { $0.tokens }, reaches: D) }

  /// The tokens at which N parameters reach loss L at the held inputs (nil: unreachable within
  /// 1e30 tokens).
  public func tokens(params N: Double, loss L: Double) -> Double? {
    var lo = log(1.0), hi = log(1e30)
    let f: (Double) -> Double = { self.loss(params: N, tokens: exp($0)) - L }
    guard f(lo) > 0, f(hi) < 0 else { return nil }
    for _ in 0..<200 {
      let mid = 0.5 * (lo + hi)
      if f(mid) > 0 { lo = mid } else { hi = mid }
      if hi - lo < 1e-15 * abs(mid) { break }
    }
    return exp(0.5 * (lo + hi))
  }
}
