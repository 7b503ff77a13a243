import Fitting
import Foundation

/// A law written as a formula (`scaling fit --formula 'E + A/N^alpha + B/D^beta'`): the names
/// N, D, C and S, and those declared with `--input`, are inputs; every other name is a parameter.
/// Fitted by the same engine as the built-in laws: a grid over the parameters the formula is not
/// linear in, variable projection for those it is (``fastStarts(_:loss:)``), exact reverse-mode
/// gradients through ``FormulaTape``, and the same Newton polish, standard errors, bootstrap,
/// priors, ties and fixes.
public struct FormulaLaw: ScalingLaw {
  public let spec: FormulaSpec
  public let root: FormulaNode
  public let parameterNames: [String]
  /// Inputs in order of first use.
  public let inputNames: [String]
  public let exponentNames: Set<String>
  /// The law's compute rule (C from N, D and its other inputs; 6*N*D unless the spec says).
  public let compute: ComputeRule
  let transforms: [ParameterTransform]
  /// The formula over parameters and the raw inputs (predictions, the planner).
  let tape: FormulaTape
  /// The parts of the formula that read inputs only (ln N of N^alpha, D/U, …): evaluated once
  /// per dataset into `LogData.inputs` (``inputColumns(_:)``), not on every objective evaluation.
  let features: [FormulaTape]
  /// The formula over parameters and `features`, with every power of an input-only base taken
  /// as exp(b·ln a) (ln a a feature): what the fit evaluates.
  let fitTape: FormulaTape
  /// Parameters the formula is linear in (each once, a factor of one term), with that term's
  /// column (the term divided by the parameter, with its sign).
  let linearTerms: [(parameter: Int, column: FormulaTape, uses: [Int])]
  /// The terms without such a parameter, summed (nil: none).
  let offset: (tape: FormulaTape, uses: [Int])?
  /// Parameters searched on the grid.
  let gridParameters: [Int]

  /// The formula of `spec` with its names sorted into parameters and inputs. Throws
  /// ``FormulaError`` for a formula that does not parse and for names that do not fit it.
  public init(_ spec: FormulaSpec) throws {
    let root = try FormulaParser.parse(spec.text)
    let names = root.names
    let builtin = Set(FormulaSpec.builtinInputs.map(\.name))
    for name in spec.inputs.keys.sorted() where !names.contains(name) {
      throw FormulaError("input \(name) (\(spec.inputs[name]!)) is not used by the formula")
    }
    let inputs = names.filter { builtin.contains($0) || spec.inputs[$0] != nil }
    let params = names.filter { !inputs.contains($0) }
    guard !inputs.isEmpty else {
      throw FormulaError(
        "the formula uses no input: name N, D, C or S, or declare a column with --input NAME=column (its names: \(names.joined(separator: ", ")))")
    }
    guard !params.isEmpty else { throw FormulaError("the formula has no parameter to fit (every name is an input: \(inputs.joined(separator: ", ")))") }
    for (what, keys) in [("--bound", Array(spec.bounds.keys)), ("--start", Array(spec.starts.keys)), ("--log-scale", Array(spec.logScale))] {
      for k in keys.sorted() where !params.contains(k) {
        throw FormulaError(
          inputs.contains(k)
            ? "\(what) \(k): \(k) is an input of the formula, not a parameter"
            : "\(what) \(k): the formula has no parameter '\(k)' (its parameters: \(params.joined(separator: ", ")))")
      }
    }
    for (k, b) in spec.bounds.sorted(by: { $0.key < $1.key }) {
      guard b.lowerBound < b.upperBound, !b.lowerBound.isNaN, !b.upperBound.isNaN else {
        throw FormulaError("--bound \(k): the range [\(fmt(b.lowerBound)), \(fmt(b.upperBound))] is empty (give lo:hi with lo < hi)")
      }
      if let s = spec.starts[k], !b.contains(s) {
        throw FormulaError("--start \(k)=\(fmt(s)) is outside its --bound [\(fmt(b.lowerBound)), \(fmt(b.upperBound))]")
      }
    }
    for k in spec.logScale.sorted() {
      if let b = spec.bounds[k], !b.lowerBound.isFinite {
        throw FormulaError("--log-scale \(k): a log scale needs a finite lower bound, and --bound gives \(k) none")
      }
    }
    let exponents = root.exponentNames.intersection(params)
    for (k, s) in spec.starts.sorted(by: { $0.key < $1.key }) where spec.bounds[k] == nil && s < 0 {
      throw FormulaError("--start \(k)=\(fmt(s)) is negative, and parameters are kept at 0 or above unless --bound says otherwise (e.g. --bound \(k)=-10:10)")
    }
    let rule: ComputeRule
    if let text = spec.compute {
      rule = try ComputeRule(text)
      try rule.check(against: inputs)
    } else {
      rule = .standard
    }
    compute = rule
    self.spec = spec
    self.root = root
    parameterNames = params
    inputNames = inputs
    exponentNames = exponents
    let maps = params.map { ParameterTransform(bound: spec.bounds[$0], logScale: spec.logScale.contains($0), exponent: exponents.contains($0)) }
    transforms = maps
    var variables: [String: Int] = [:]
    for (i, p) in params.enumerated() { variables[p] = i }
    for (k, x) in inputs.enumerated() { variables[x] = params.count + k }
    tape = FormulaTape(root, variables: variables, firstInput: params.count)
    // The fit's program: input-only parts become features computed once per dataset.
    let inputSet = Set(inputs)
    let fitted = Self.hoistingInputs(Self.powersAsExponentials(root, inputs: inputSet), inputs: inputSet)
    var featureIndex: [String: Int] = [:]
    var fitVariables: [String: Int] = [:]
    for (i, p) in params.enumerated() { fitVariables[p] = i }
    for (k, f) in fitted.features.enumerated() {
      featureIndex[f.name] = k
      fitVariables[f.name] = params.count + k
    }
    var rawVariables: [String: Int] = [:]
    for (k, x) in inputs.enumerated() { rawVariables[x] = k }
    features = fitted.features.map { FormulaTape($0.node, variables: rawVariables, firstInput: 0) }
    rawInputCount = inputs.count
    fitTape = FormulaTape(fitted.node, variables: fitVariables, firstInput: params.count)
    let fitRoot = fitted.node
    // Variable projection: a parameter that occurs once, as a plain factor of a top-level term,
    // free to be 0 or above (or any value), and given no start.
    var linear: [(Int, FormulaTape, [Int])] = []
    var offsetNodes: [(Double, FormulaNode)] = []
    var linearSet: Set<Int> = []
    for (sign, term) in fitRoot.terms {
      let factors = term.factors
      let pick = factors.indices.first { f in
        guard factors[f].power == 1, case .name(let n) = factors[f].node, let j = params.firstIndex(of: n) else { return false }
        guard root.occurrences(of: n) == 1, spec.starts[n] == nil, !exponents.contains(n), !linearSet.contains(j) else { return false }
        switch maps[j] {
        case .logAbove(0), .identity: return true
        default: return false
        }
      }
      if let f = pick, case .name(let n) = factors[f].node {
        let j = params.firstIndex(of: n)!
        var rest = factors
        rest.remove(at: f)
        var column = FormulaNode.product(rest)
        if sign < 0 { column = .negate(column) }
        let uses = column.names.compactMap { params.firstIndex(of: $0) }
        linear.append((j, FormulaTape(column, variables: fitVariables, firstInput: params.count), uses))
        linearSet.insert(j)
      } else {
        offsetNodes.append((sign, term))
      }
    }
    linearTerms = linear
    if offsetNodes.isEmpty {
      offset = nil
    } else {
      var node: FormulaNode? = nil
      for (sign, t) in offsetNodes {
        if let n = node { node = .binary(sign > 0 ? .add : .subtract, n, t) } else { node = sign > 0 ? t : .negate(t) }
      }
      offset = (FormulaTape(node!, variables: fitVariables, firstInput: params.count), node!.names.compactMap { params.firstIndex(of: $0) })
    }
    gridParameters = params.indices.filter { !linearSet.contains($0) }
  }

  public var kind: LawKind { .formula }
  public var name: String { "formula" }
  /// The formula as written (with its definitions), behind "L = " unless it names its left side.
  public var formula: String {
    let t = spec.text.trimmingCharacters(in: .whitespaces)
    let head = t.prefix { $0 != ";" }
    if let eq = head.firstIndex(of: "="), FormulaName.isName(head[..<eq].trimmingCharacters(in: .whitespaces)) { return t }
    return "L = " + t
  }
  public var linearResponse: Bool { spec.residual == .linear }

  public var required: Set<Quantity> {
    var r: Set<Quantity> = [.loss]
    for (n, q) in FormulaSpec.builtinInputs where inputNames.contains(n) && spec.inputs[n] == nil { r.insert(q) }
    return r
  }

  /// Declared ranges (a parameter without one is kept at 0 or above by its map).
  public var parameterBounds: [String: ClosedRange<Double>] {
    spec.bounds.filter { $0.value.lowerBound.isFinite && $0.value.upperBound.isFinite }
  }

  let rawInputCount: Int

  /// The fit's features of `d` (input-only parts of the formula), per point.
  public func inputColumns(_ d: Dataset) -> [[Double]] {
    let raw = rawInputColumns(d)
    return features.map { f in
      (0..<d.count).map { i in f.value(raw.map { $0[i] }) }
    }
  }

  /// Each input's values in `d`, in `inputNames` order.
  public func rawInputColumns(_ d: Dataset) -> [[Double]] {
    inputNames.map { name in
      if let v = d.inputs[name] { return v }
      switch name {
      case "N": return d.params
      case "D": return d.tokens
      case "C": return d.flops
      default: return d.step ?? [Double](repeating: .nan, count: d.count)
      }
    }
  }

  public func reported(_ t: [Double]) -> [Double] { zip(transforms, t).map { $0.value($1) } }
  public func internalParameters(_ p: [Double]) -> [Double] { zip(transforms, p).map { $0.internalValue($1) } }
  public func reportedDerivatives(_ t: [Double]) -> [Double] { zip(transforms, t).map { $0.derivative($1) } }

  /// L̂ (or its log) at point i, with the derivative with respect to θ.
  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double]) -> Double {
    let p = reported(t)
    var x = p
    for k in 0..<features.count { x.append(data.inputs[k][i]) }
    var gx: [Double] = []
    let y = fitTape.evaluate(x, gradient: &gx)
    let scale = linearResponse ? 1 : 1 / y
    for j in 0..<p.count { g[j] = gx[j] * scale * transforms[j].derivative(t[j]) }
    if linearResponse { return y.isFinite ? y : .nan }
    return y > 0 && y.isFinite ? Foundation.log(y) : .nan
  }

  /// Σ ρ(r_i) and its gradient in one pass over the points: the parameter-only part of the
  /// program runs once, the per-point part once a point (forward and reverse).
  public func objective(_ t: [Double], _ data: LogData, loss: RobustLoss, gradient g: inout [Double]) -> Double {
    let P = parameterNames.count, I = features.count
    let tape = fitTape
    var x = reported(t) + [Double](repeating: 0, count: I)
    var v = [Double](repeating: 0, count: tape.slotCount)
    var w = [Double](repeating: 0, count: tape.slotCount)
    var gx = [Double](repeating: 0, count: P + I)
    let root = tape.root
    let linear = linearResponse
    let pointSlots = tape.pointSlots
    var f = 0.0
    var failed = false
    x.withUnsafeMutableBufferPointer { xp in
      v.withUnsafeMutableBufferPointer { vp in
        w.withUnsafeMutableBufferPointer { wp in
          gx.withUnsafeMutableBufferPointer { gp in
            tape.run(tape.parameterSlots, xp.baseAddress!, vp.baseAddress!)
            for i in 0..<data.count {
              for k in 0..<I { xp[P + k] = data.inputs[k][i] }
              tape.run(pointSlots, xp.baseAddress!, vp.baseAddress!)
              let yhat = vp[root]
              let r: Double, seed: Double
              if linear {
                r = yhat - data.logLoss[i]
                guard r.isFinite else { failed = true; return }
                seed = loss.psi(r)
              } else {
                guard yhat > 0, yhat.isFinite else { failed = true; return }
                r = Foundation.log(yhat) - data.logLoss[i]
                seed = loss.psi(r) / yhat
              }
              f += loss.rho(r)
              for s in pointSlots { wp[Int(s)] = 0 }
              wp[root] += seed
              tape.backward(pointSlots, vp.baseAddress!, wp.baseAddress!, gp.baseAddress!)
            }
            tape.backward(tape.parameterSlots, vp.baseAddress!, wp.baseAddress!, gp.baseAddress!)
          }
        }
      }
    }
    if failed {
      for j in 0..<P { g[j] = 0 }
      return .infinity
    }
    for j in 0..<P { g[j] = gx[j] * transforms[j].derivative(t[j]) }
    return f
  }

  /// a^b with a reading inputs only and b reading a parameter, rewritten exp(b·ln a): ln a is
  /// then a feature (computed once per dataset), and the fit's program has no pow or log per
  /// point for it (the same form as the built-in laws' exp(a − α ln N)).
  static func powersAsExponentials(_ n: FormulaNode, inputs: Set<String>) -> FormulaNode {
    func names(_ n: FormulaNode) -> [String] { n.names }
    switch n {
    case .number, .name: return n
    case .negate(let a): return .negate(powersAsExponentials(a, inputs: inputs))
    case .binary(let op, let a, let b):
      let a2 = powersAsExponentials(a, inputs: inputs), b2 = powersAsExponentials(b, inputs: inputs)
      if op == .power {
        let an = names(a2), bn = names(b2)
        if !an.isEmpty, an.allSatisfy({ inputs.contains($0) }), bn.contains(where: { !inputs.contains($0) }) {
          return .call(.exp, [.binary(.multiply, b2, .call(.log, [a2]))])
        }
      }
      return .binary(op, a2, b2)
    case .call(let f, let args): return .call(f, args.map { powersAsExponentials($0, inputs: inputs) })
    }
  }

  /// `n` with every maximal subtree that reads inputs and no parameter replaced by a feature
  /// name ("#0", "#1", …: not a name a formula can write), and those subtrees.
  static func hoistingInputs(_ n: FormulaNode, inputs: Set<String>) -> (node: FormulaNode, features: [(name: String, node: FormulaNode)]) {
    var features: [(name: String, node: FormulaNode)] = []
    func walk(_ n: FormulaNode) -> FormulaNode {
      let ns = n.names
      if !ns.isEmpty, ns.allSatisfy({ inputs.contains($0) }) {
        if let f = features.first(where: { $0.node == n }) { return .name(f.name) }
        let name = "#\(features.count)"
        features.append((name, n))
        return .name(name)
      }
      switch n {
      case .number, .name: return n
      case .negate(let a): return .negate(walk(a))
      case .binary(let op, let a, let b): return .binary(op, walk(a), walk(b))
      case .call(let f, let args): return .call(f, args.map(walk))
      }
    }
    let node = walk(n)
    return (node, features)
  }

  /// L̂ for reported parameters at a point given by every input's value.
  public func predict(_ p: [Double], inputs values: [String: Double]) -> Double {
    tape.value(p + inputNames.map { values[$0] ?? .nan })
  }

  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    predict(p, inputs: ["N": params, "D": tokens, "C": flops, "S": steps])
  }

  /// L̂ with its derivatives with respect to each input (the planner's gradient), in `inputNames` order.
  public func valueAndInputGradient(_ p: [Double], inputs x: [Double]) -> (Double, [Double]) {
    var g: [Double] = []
    let v = tape.evaluate(p + x, gradient: &g)
    return (v, Array(g[p.count...]))
  }
}
