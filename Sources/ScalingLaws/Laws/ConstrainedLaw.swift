import Fitting
import Foundation

/// A law with some reported parameters held at given values (`--fix b=0.25`) and some tied to
/// another parameter (`--tie beta=alpha`: β = α, the shared-exponent form E + A/N^α + B/D^α):
/// the optimiser sees only the free internal coordinates, and every other part of the fit
/// (starts, standard errors, bootstrap) works on those.
///
/// A parameter can be fixed when it comes from one internal coordinate alone (its row of ∂p/∂θ
/// has one non-zero entry): true of every law's element-wise parametrisation, and of the
/// sigmoid's b, k and x0 (with a y-range its a = (hi − b)·σ(w) also depends on b). Two
/// parameters can be tied when, in addition, the law maps both the same way (both exponents
/// taken as they are, or both scales through a logarithm): then p_dep = p_src is θ_dep = θ_src.
public struct ConstrainedLaw: ScalingLaw {
  public let inner: any ScalingLaw
  public let fixedValues: [String: Double]
  /// Tied parameters: dependent name → the name it equals.
  public let ties: [String: String]
  /// Reported indices that stay free, in reported order.
  let freeReported: [Int]
  /// Internal indices that stay free, in internal order.
  let freeInternal: [Int]
  /// Internal (dependent, source) pairs of the ties.
  let internalTies: [(dependent: Int, source: Int)]
  /// Reported (dependent, source) pairs of the ties.
  let reportedTies: [(dependent: Int, source: Int)]
  /// The full θ with the fixed coordinates set (free ones are overwritten).
  let template: [Double]
  /// The full reported vector with the fixed values set (free ones are overwritten).
  let reportedTemplate: [Double]

  public init(_ inner: any ScalingLaw, fixed: [String: Double], tied: [String: String] = [:]) throws {
    let names = inner.parameterNames
    let known = names.joined(separator: ", ")
    for (name, value) in fixed.sorted(by: { $0.key < $1.key }) {
      guard names.contains(name) else {
        throw FitError("cannot fix '\(name)': the \(inner.name) law has no such parameter (its parameters: \(known))")
      }
      guard value.isFinite else { throw FitError("cannot fix \(name) at \(value): the value must be finite") }
    }
    for (dep, src) in tied.sorted(by: { $0.key < $1.key }) {
      for n in [dep, src] where !names.contains(n) {
        throw FitError("cannot tie '\(n)': the \(inner.name) law has no such parameter (its parameters: \(known))")
      }
      if dep == src { throw FitError("cannot tie \(dep) to itself") }
      if fixed[dep] != nil || fixed[src] != nil {
        throw FitError("cannot tie \(dep) to \(src): \(fixed[dep] != nil ? dep : src) is fixed (fix both instead)")
      }
      if let next = tied[src] {
        throw FitError("cannot tie \(dep) to \(src): \(src) is itself tied to \(next) (tie \(dep) to \(next))")
      }
    }
    guard fixed.count + tied.count < names.count else {
      throw FitError("every parameter of the \(inner.name) law is fixed or tied: leave at least one free")
    }
    let order = inner.reportedOrder
    let fixedIdx = names.indices.filter { fixed[names[$0]] != nil }
    // A reference point to build the template from: the law's first grid start.
    var p = inner.reported(inner.gridStarts()[0])
    for i in fixedIdx { p[i] = fixed[names[i]]! }
    let theta = inner.internalParameters(p)
    let back = inner.reported(theta)
    let jacobian = inner.reportedJacobian(theta)
    func singleSourced(_ i: Int) -> Bool {
      guard let J = jacobian else { return true }
      return !J[i].indices.contains(where: { $0 != order[i] && J[i][$0] != 0 })
    }
    for i in fixedIdx {
      let v = p[i]
      if !singleSourced(i) {
        throw FitError(
          "cannot fix \(names[i]) in this parametrisation of the \(inner.name) law: \(names[i]) is tied to other parameters (for the sigmoid with a y-range, a = (hi - b)*s(w); fix b, or fit without a y-range)")
      }
      if !(abs(back[i] - v) <= 1e-9 * max(1, abs(v))) {
        let range = inner.parameterBounds[names[i]].map { " [\(fmt($0.lowerBound)), \(fmt($0.upperBound))]" } ?? ""
        throw FitError("cannot fix \(names[i]) at \(fmt(v)): the \(inner.name) law keeps \(names[i]) inside its range\(range)")
      }
    }
    var reportedTies: [(dependent: Int, source: Int)] = []
    for (dep, src) in tied.sorted(by: { $0.key < $1.key }) {
      let (d, s) = (names.firstIndex(of: dep)!, names.firstIndex(of: src)!)
      // The same map for both: at two values, equal reported values give equal coordinates.
      let same = [p[s], p[s] * 1.37 + 0.05].allSatisfy { v in
        var q = p
        q[d] = v
        q[s] = v
        let t = inner.internalParameters(q)
        return t[order[d]] == t[order[s]] && t[order[d]].isFinite
      }
      guard same, singleSourced(d), singleSourced(s) else {
        throw FitError(
          "cannot tie \(dep) to \(src) in the \(inner.name) law: the law parametrises them differently (tie two exponents, or two scale constants)")
      }
      reportedTies.append((d, s))
    }
    let fixedInternal = Set(fixedIdx.map { order[$0] })
    let tiedInternal = Set(reportedTies.map { order[$0.dependent] })
    self.inner = inner
    fixedValues = fixed
    ties = tied
    freeReported = names.indices.filter { fixed[names[$0]] == nil && tied[names[$0]] == nil }
    freeInternal = theta.indices.filter { !fixedInternal.contains($0) && !tiedInternal.contains($0) }
    self.reportedTies = reportedTies
    internalTies = reportedTies.map { (order[$0.dependent], order[$0.source]) }
    template = theta
    reportedTemplate = p
  }

  public var kind: LawKind { inner.kind }
  public var name: String { inner.name }
  public var hasIrreducibleTerm: Bool { inner.hasIrreducibleTerm }
  public var formula: String { inner.formula }
  public var parameterNames: [String] { freeReported.map { inner.parameterNames[$0] } }
  public var exponentNames: Set<String> { inner.exponentNames.intersection(parameterNames) }
  public var required: Set<Quantity> { inner.required }
  public var startOptions: LBFGS.Options? { inner.startOptions }
  public var parameterBounds: [String: ClosedRange<Double>] { inner.parameterBounds }
  public var linearResponse: Bool { inner.linearResponse }
  public func inputColumns(_ d: Dataset) -> [[Double]] { inner.inputColumns(d) }

  /// The full θ of free coordinates `t`.
  public func expand(_ t: [Double]) -> [Double] {
    var full = template
    for (j, i) in freeInternal.enumerated() { full[i] = t[j] }
    for tie in internalTies { full[tie.dependent] = full[tie.source] }
    return full
  }

  /// The free coordinates of a full θ.
  public func project(_ full: [Double]) -> [Double] { freeInternal.map { full[$0] } }

  /// A start for the constrained law from an unconstrained one: a tie's source takes the mean of
  /// both coordinates (the point halfway between the two exponents, say), not the source alone.
  func projectStart(_ full: [Double]) -> [Double] {
    var f = full
    for tie in internalTies { f[tie.source] = (full[tie.source] + full[tie.dependent]) / 2 }
    return project(f)
  }

  /// The full reported vector of free reported values `p`.
  public func expandReported(_ p: [Double]) -> [Double] {
    var full = reportedTemplate
    for (j, i) in freeReported.enumerated() { full[i] = p[j] }
    for tie in reportedTies { full[tie.dependent] = full[tie.source] }
    return full
  }

  /// The gradient over the free coordinates of a gradient over every coordinate: a tie's source
  /// collects its dependent's part.
  func reduce(_ full: [Double], into g: inout [Double]) {
    var f = full
    for tie in internalTies { f[tie.source] += f[tie.dependent] }
    for (j, k) in freeInternal.enumerated() { g[j] = f[k] }
  }

  public func reported(_ t: [Double]) -> [Double] {
    let all = inner.reported(expand(t))
    return freeReported.map { all[$0] }
  }

  public func internalParameters(_ p: [Double]) -> [Double] {
    project(inner.internalParameters(expandReported(p)))
  }

  public func reportedDerivatives(_ t: [Double]) -> [Double] {
    let all = inner.reportedDerivatives(expand(t))
    return freeReported.map { all[$0] }
  }

  public var reportedOrder: [Int] {
    let order = inner.reportedOrder
    return freeReported.map { r in freeInternal.firstIndex(of: order[r])! }
  }

  public func reportedJacobian(_ t: [Double]) -> [[Double]]? {
    inner.reportedJacobian(expand(t)).map { J in
      freeReported.map { r in
        var row = [Double](repeating: 0, count: freeInternal.count)
        reduce(J[r], into: &row)
        return row
      }
    }
  }

  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double]) -> Double {
    var full = [Double](repeating: 0, count: template.count)
    let v = inner.logPrediction(expand(t), data, i, gradient: &full)
    reduce(full, into: &g)
    return v
  }

  public func objective(_ t: [Double], _ data: LogData, loss: RobustLoss, gradient g: inout [Double]) -> Double {
    var full = [Double](repeating: 0, count: template.count)
    let f = inner.objective(expand(t), data, loss: loss, gradient: &full)
    reduce(full, into: &g)
    return f
  }

  public func gridStarts() -> [[Double]] { inner.gridStarts().map(projectStart) }

  /// The inner law's starts with the fixed coordinates replaced and tied ones averaged (each is
  /// then polished with the constraints in place), and the grid starts when it has none.
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts {
    var fs = try inner.fastStarts(data, loss: loss)
    fs.starts = (fs.starts.isEmpty ? inner.gridStarts() : fs.starts).map(projectStart)
    return fs
  }

  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    inner.predict(expandReported(p), params: params, tokens: tokens, flops: flops, steps: steps)
  }

  /// The constraints around `law`: itself, or inside a MAP fit's prior (nil for a bare law).
  static func wrapped(in law: any ScalingLaw) -> ConstrainedLaw? {
    (law as? ConstrainedLaw) ?? ((law as? PriorLaw)?.inner as? ConstrainedLaw)
  }
}
