import Fitting
import Foundation

/// A law with some reported parameters held at given values (`--fix b=0.25`): the optimiser
/// sees only the free internal coordinates, and every other part of the fit (starts, standard
/// errors, bootstrap) works on those.
///
/// A parameter can be fixed when it comes from one internal coordinate alone (its row of ∂p/∂θ
/// has one non-zero entry): true of every law's element-wise parametrisation, and of the
/// sigmoid's b, k and x0 (with a y-range its a = (hi − b)·σ(w) also depends on b).
public struct FixedParameterLaw: ScalingLaw {
  public let inner: any ScalingLaw
  public let fixedValues: [String: Double]
  /// Reported indices that stay free, in reported order.
  let freeReported: [Int]
  /// Internal indices that stay free, in internal order.
  let freeInternal: [Int]
  /// The full θ with the fixed coordinates set (free ones are overwritten).
  let template: [Double]
  /// The full reported vector with the fixed values set (free ones are overwritten).
  let reportedTemplate: [Double]

  public init(_ inner: any ScalingLaw, fixed: [String: Double]) throws {
    let names = inner.parameterNames
    for (name, value) in fixed.sorted(by: { $0.key < $1.key }) {
      guard names.contains(name) else {
        throw FitError(
          "cannot fix '\(name)': the \(inner.name) law has no such parameter (its parameters: \(names.joined(separator: ", ")))")
      }
      guard value.isFinite else { throw FitError("cannot fix \(name) at \(value): the value must be finite") }
    }
    guard fixed.count < names.count else {
      throw FitError("every parameter of the \(inner.name) law is fixed: leave at least one free")
    }
    let order = inner.reportedOrder
    let fixedIdx = names.indices.filter { fixed[names[$0]] != nil }
    // A reference point to build the template from: the law's first grid start.
    var p = inner.reported(inner.gridStarts()[0])
    for i in fixedIdx { p[i] = fixed[names[i]]! }
    let theta = inner.internalParameters(p)
    let back = inner.reported(theta)
    let jacobian = inner.reportedJacobian(theta)
    for i in fixedIdx {
      let v = p[i]
      if let J = jacobian, J[i].indices.contains(where: { $0 != order[i] && J[i][$0] != 0 }) {
        throw FitError(
          "cannot fix \(names[i]) in this parametrisation of the \(inner.name) law: \(names[i]) is tied to other parameters (for the sigmoid with a y-range, a = (hi - b)*s(w); fix b, or fit without a y-range)")
      }
      if !(abs(back[i] - v) <= 1e-9 * max(1, abs(v))) {
        let range = inner.parameterBounds[names[i]].map { " [\(fmt($0.lowerBound)), \(fmt($0.upperBound))]" } ?? ""
        throw FitError("cannot fix \(names[i]) at \(fmt(v)): the \(inner.name) law keeps \(names[i]) inside its range\(range)")
      }
    }
    let fixedInternal = Set(fixedIdx.map { order[$0] })
    self.inner = inner
    fixedValues = fixed
    freeReported = names.indices.filter { fixed[names[$0]] == nil }
    freeInternal = theta.indices.filter { !fixedInternal.contains($0) }
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

  /// The full θ of free coordinates `t`.
  public func expand(_ t: [Double]) -> [Double] {
    var full = template
    for (j, i) in freeInternal.enumerated() { full[i] = t[j] }
    return full
  }

  /// The free coordinates of a full θ.
  public func project(_ full: [Double]) -> [Double] { freeInternal.map { full[$0] } }

  /// The full reported vector of free reported values `p`.
  public func expandReported(_ p: [Double]) -> [Double] {
    var full = reportedTemplate
    for (j, i) in freeReported.enumerated() { full[i] = p[j] }
    return full
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
    inner.reportedJacobian(expand(t)).map { J in freeReported.map { r in freeInternal.map { J[r][$0] } } }
  }

  public func logPrediction(_ t: [Double], _ data: LogData, _ i: Int, gradient g: inout [Double]) -> Double {
    var full = [Double](repeating: 0, count: template.count)
    let v = inner.logPrediction(expand(t), data, i, gradient: &full)
    for (j, k) in freeInternal.enumerated() { g[j] = full[k] }
    return v
  }

  public func objective(_ t: [Double], _ data: LogData, loss: RobustLoss, gradient g: inout [Double]) -> Double {
    var full = [Double](repeating: 0, count: template.count)
    let f = inner.objective(expand(t), data, loss: loss, gradient: &full)
    for (j, k) in freeInternal.enumerated() { g[j] = full[k] }
    return f
  }

  public func gridStarts() -> [[Double]] { inner.gridStarts().map(project) }

  /// The inner law's starts with the fixed coordinates replaced (each is then polished with the
  /// fixed values in place), and the grid starts when it has none.
  public func fastStarts(_ data: LogData, loss: RobustLoss) throws -> FastStarts {
    var fs = try inner.fastStarts(data, loss: loss)
    fs.starts = (fs.starts.isEmpty ? inner.gridStarts() : fs.starts).map(project)
    return fs
  }

  public func predict(_ p: [Double], params: Double, tokens: Double, flops: Double, steps: Double) -> Double {
    inner.predict(expandReported(p), params: params, tokens: tokens, flops: flops, steps: steps)
  }
}
