import Fitting
import Foundation

/// A fitted formula law as the planner uses it (`plan --law FIT.json` of a `fit --formula` fit):
/// the loss at any (N, D) with the law's other inputs held at given values, under the compute
/// rule C = 6ND. Every answer is found numerically: the compute-optimal split is the root of
/// dL/d ln N along C = 6ND (exact derivatives through the formula's program), bracketed by a scan
/// of ln N; budgets, sizes and token counts are found by bisection of the monotone optimum. For a
/// Chinchilla-form formula the answers agree with the closed forms (Hoffmann eq. 4).
public struct FittedLaw: Sendable {
  public var name: String
  public var source: String
  public let law: FormulaLaw
  public var parameters: [Double]
  /// Values of the law's inputs other than N, D and C (`--at U=25B`, `--unique-tokens`).
  public var fixedInputs: [String: Double] = [:]
  public var fitWarnings: [String] = []
  public var observedLossMin: Double? = nil
  public var observedFlopsMax: Double? = nil
  public var observedTokensPerParam: ClosedRange<Double>? = nil

  public struct PlanningError: Error, CustomStringConvertible, Sendable {
    public let description: String
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

  /// The inputs other than N, D and C, which a plan needs values for.
  public var otherInputs: [String] { law.inputNames.filter { !["N", "D", "C"].contains($0) } }

  /// The first input without a value, as the error a plan gives.
  public func missingInput() -> PlanningError? {
    guard let name = otherInputs.first(where: { fixedInputs[$0] == nil }) else { return nil }
    let column = law.spec.inputs[name].map { " (fitted from column '\($0)')" } ?? ""
    return PlanningError(description: "the law's input \(name)\(column) has no value: give --at \(name)=VALUE\(name == "U" ? " (or --unique-tokens)" : "")")
  }

  func point(_ N: Double, _ D: Double) -> [Double] {
    law.inputNames.map { n in
      switch n {
      case "N": return N
      case "D": return D
      case "C": return 6 * N * D
      default: return fixedInputs[n] ?? .nan
      }
    }
  }

  public func loss(params N: Double, tokens D: Double) -> Double {
    law.predict(parameters, inputs: Dictionary(uniqueKeysWithValues: zip(law.inputNames, point(N, D))))
  }

  /// dL/d ln N along C = 6ND fixed: N ∂L/∂N − D ∂L/∂D (C is held).
  func slope(_ N: Double, _ D: Double) -> Double {
    let (_, g) = law.valueAndInputGradient(parameters, inputs: point(N, D))
    var s = 0.0
    for (k, n) in law.inputNames.enumerated() {
      if n == "N" { s += N * g[k] }
      if n == "D" { s -= D * g[k] }
    }
    return s
  }

  /// The compute-optimal N for C: a scan of ln N over 1e3 ≤ N, D, then the root of the slope
  /// inside the best scan cell (nil: the scan's best point is at an end, no interior optimum).
  public func optimalParams(flops C: Double) -> Double? {
    guard C > 0, C.isFinite else { return nil }
    let lo = log(1e3), hi = log(C / 6 / 1e3)
    guard hi > lo else { return nil }
    let steps = 400
    var best = -1, bestValue = Double.infinity
    for k in 0...steps {
      let u = lo + (hi - lo) * Double(k) / Double(steps)
      let n = exp(u)
      let v = loss(params: n, tokens: C / (6 * n))
      if v < bestValue { (best, bestValue) = (k, v) }
    }
    guard best > 0 && best < steps else { return nil }
    let h = (hi - lo) / Double(steps)
    let a = lo + h * Double(best - 1), b = lo + h * Double(best + 1)
    let g: (Double) -> Double = { u in
      let n = exp(u)
      return self.slope(n, C / (6 * n))
    }
    if let u = try? Scalar.root(in: a...b, tolerance: 1e-15, g) { return exp(u) }
    let (u, _) = Scalar.minimize(in: a...b, tolerance: 1e-13) { u in
      let n = exp(u)
      return self.loss(params: n, tokens: C / (6 * n))
    }
    return exp(u)
  }

  /// (N, D, L) at the compute-optimal split of C.
  public func optimum(flops C: Double) -> (params: Double, tokens: Double, loss: Double)? {
    guard let n = optimalParams(flops: C) else { return nil }
    let d = C / (6 * n)
    return (n, d, loss(params: n, tokens: d))
  }

  /// The budget in [1e12, 1e40] at which `f(optimum)` crosses `target`, with f increasing in C
  /// (bisection on ln C); nil when it does not cross there.
  func budget(where f: ((params: Double, tokens: Double, loss: Double)) -> Double, reaches target: Double) -> Double? {
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

  /// The tokens at which N parameters reach loss L (nil: unreachable within 1e30 tokens).
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
