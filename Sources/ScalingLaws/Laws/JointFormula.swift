import Foundation

/// One formula fitted to several groups at once (`fit --group-column G --shared alpha,beta,E`):
/// the parameters named shared are common to every group, every other parameter p has a copy per
/// group, `p_TAG`. Written as one formula over indicator inputs I_TAG (1 on the group's rows, 0
/// elsewhere): each term that holds a per-group parameter becomes Σ_g I_g · term_g, so a
/// per-group scale stays a linear parameter of the variable projection and only the genuinely
/// nonlinear copies join the grid.
public struct JointFormula: Sendable {
  public let base: FormulaSpec
  public let groups: [String]
  /// The group names as identifiers (the group itself when it is one, else g1, g2, …).
  public let tags: [String]
  public let shared: [String]
  public let baseLaw: FormulaLaw

  public init(_ base: FormulaSpec, groups: [String], shared: [String]) throws {
    let law = try FormulaLaw(base)
    for s in shared where !law.parameterNames.contains(s) {
      throw FormulaError("--shared \(s): the formula has no parameter '\(s)' (its parameters: \(law.parameterNames.joined(separator: ", ")))")
    }
    guard groups.count >= 2 else {
      throw FormulaError("--shared needs two or more groups (\(OptionName.groupColumn)); the data have \(groups.count)")
    }
    guard shared.count < law.parameterNames.count else {
      throw FormulaError("--shared names every parameter: nothing would differ between the groups; leave at least one per group")
    }
    let identifiers = groups.allSatisfy { g in FormulaName.isName(g) } && Set(groups).count == groups.count
    tags = identifiers ? groups : groups.indices.map { "g\($0 + 1)" }
    self.base = base
    self.groups = groups
    self.shared = shared
    baseLaw = law
  }

  /// The copy of parameter p for group k (p itself when shared).
  public func name(_ p: String, group k: Int) -> String { shared.contains(p) ? p : "\(p)_\(tags[k])" }
  public func indicator(_ k: Int) -> String { "I_\(tags[k])" }

  /// The joint formula's spec: text, the indicator inputs (read from no column: the joint
  /// dataset holds them), and each copy's range and start.
  public var spec: FormulaSpec {
    let root = baseLaw.root
    let perGroup = Set(baseLaw.parameterNames).subtracting(shared)
    var joint: FormulaNode? = nil
    func add(_ sign: Double, _ n: FormulaNode) {
      if let j = joint { joint = .binary(sign > 0 ? .add : .subtract, j, n) } else { joint = sign > 0 ? n : .negate(n) }
    }
    for (sign, term) in root.terms {
      if Set(term.names).isDisjoint(with: perGroup) {
        add(sign, term)
        continue
      }
      for k in groups.indices {
        let renamed = term.substituting(Dictionary(uniqueKeysWithValues: perGroup.map { ($0, FormulaNode.name(name($0, group: k))) }))
        add(sign, .binary(.multiply, .name(indicator(k)), renamed))
      }
    }
    var inputs = base.inputs
    for k in groups.indices { inputs[indicator(k)] = "#group=\(groups[k])" }
    var bounds: [String: ClosedRange<Double>] = [:]
    var starts: [String: Double] = [:]
    for p in baseLaw.parameterNames {
      for k in groups.indices {
        if let b = base.bounds[p] { bounds[name(p, group: k)] = b }
        if let s = base.starts[p] { starts[name(p, group: k)] = s }
      }
    }
    let logs = Set(base.logScale.flatMap { p in groups.indices.map { name(p, group: $0) } })
    return FormulaSpec(joint!.text, inputs: inputs, bounds: bounds, starts: starts, logScale: logs, residual: base.residual, compute: base.compute)
  }

  /// The groups' datasets as one, with the indicator inputs.
  public func dataset(_ parts: [Dataset]) -> Dataset {
    var d = parts[0]
    d.group = nil
    for part in parts.dropFirst() {
      d.params += part.params
      d.tokens += part.tokens
      d.flops += part.flops
      d.loss += part.loss
      d.lines += part.lines
      d.step = d.step.flatMap { s in part.step.map { s + $0 } }
      d.run = d.run.flatMap { r in part.run.map { r + $0 } }
      d.budget = d.budget.flatMap { b in part.budget.map { b + $0 } }
      for (k, v) in part.inputs { d.inputs[k] = (d.inputs[k] ?? []) + v }
      d.warnings += part.warnings
    }
    d.curve = nil
    for k in groups.indices {
      d.inputs[indicator(k)] = parts.indices.flatMap { j in [Double](repeating: j == k ? 1 : 0, count: parts[j].count) }
    }
    // Runs are told apart by group (two groups may reuse a run name).
    if d.run != nil {
      var labels: [String] = []
      for (j, part) in parts.enumerated() { labels += (part.run ?? []).map { "\(groups[j])/\($0)" } }
      d.run = labels
    }
    return d
  }

  /// The indicator values that select group `g` (nil: no such group).
  public func selecting(_ g: String) -> [String: Double]? {
    guard let k = groups.firstIndex(of: g) else { return nil }
    return Dictionary(uniqueKeysWithValues: groups.indices.map { (indicator($0), $0 == k ? 1.0 : 0.0) })
  }
}
