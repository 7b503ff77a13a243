import Foundation

/// Whether a task's metric scales predictably at this ladder's size, judged from the data alone
/// (never from the task's name; issue 27, after arXiv 2507.00885: only part of the tasks scale
/// predictably). Two checks on the fitted (not held-out) rows of step 2:
/// - **signal against noise**: the spread of the fitted runs' final metric (each the mean of its
///   last three evaluations) against the checkpoint-to-checkpoint scatter of their last
///   evaluations (per run, the standard deviation of successive differences over its last tenth,
///   at least three evaluations, divided by √2; the median over runs). Below
///   ``minimumSignalToNoise`` the metric barely moves above its own noise over the ladder.
/// - **the backtest inside the ladder**: step 2 refitted without the largest fitted size
///   predicts that size's final metric at its observed task loss; it must land within
///   ``tolerance`` (or three noise units, if larger). With fewer than three fitted sizes this
///   check cannot run, nothing confirms the task, and it is called unpredictable.
/// When a task fails, its chained intervals are widened to ``range`` (from the lower of the
/// sigmoid's floor and the lowest fitted metric, to the ceiling) and every output says why.
public struct Predictability: Sendable {
  public var predictable: Bool
  /// One sentence: the numbers behind the verdict.
  public var reason: String
  public var signal: Double
  public var noise: Double
  /// Mean |error| of the backtest inside the ladder, nil when it could not run.
  public var internalError: Double?
  /// The size the internal backtest predicted (the largest fitted one).
  public var internalSize: Double?
  /// The chance-to-ceiling range an unpredictable task's interval is widened to.
  public var range: ClosedRange<Double>

  public static let minimumSignalToNoise = 10.0
  public static let tolerance = 0.025

  /// - Parameters:
  ///   - metricData: step 2's data (x the task loss, `loss` the metric), every row.
  ///   - training: the rows step 2 was fitted to.
  ///   - fit: step 2's fit (its floor b and y-range give the widened range).
  ///   - options: step 2's fit options, for the internal refit.
  public static func assess(metricData d: Dataset, training: [Int], fit: LawFit, options: FitOptions) -> Predictability {
    let y = d.loss
    // Per run: the fitted rows in step order.
    var byRun: [String: [Int]] = [:]
    for i in training { byRun[d.run?[i] ?? "all", default: []].append(i) }
    var noises: [Double] = []
    var finals: [(run: String, params: Double, value: Double)] = []
    for (run, rows) in byRun.sorted(by: { $0.key < $1.key }) {
      let ordered = rows.sorted { (d.step?[$0] ?? d.tokens[$0]) < (d.step?[$1] ?? d.tokens[$1]) }
      let tail = Array(ordered.suffix(max(3, ordered.count / 10)))
      if tail.count >= 3 {
        let diffs = zip(tail.dropFirst(), tail).map { y[$0] - y[$1] }
        let mean = diffs.reduce(0, +) / Double(diffs.count)
        let sd = (diffs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, diffs.count - 1))).squareRoot()
        noises.append(sd / 2.0.squareRoot())
      }
      let last = ordered.suffix(3)
      finals.append((run, d.params[ordered[ordered.count - 1]], last.map { y[$0] }.reduce(0, +) / Double(last.count)))
    }
    let noise = percentile(noises, 0.5)
    let signal = (finals.map { $0.value }.max() ?? .nan) - (finals.map { $0.value }.min() ?? .nan)
    let ratio = noise > 0 ? signal / noise : .infinity
    // The backtest inside the ladder.
    let sizes = Set(training.map { d.params[$0] }).sorted()
    var internalError: Double? = nil
    var internalSize: Double? = nil
    if sizes.count >= 3, let largest = sizes.last {
      let below = training.filter { d.params[$0] < largest }
      let targets = byRun.values.compactMap { rows -> Int? in
        guard let last = rows.max(by: { (d.step?[$0] ?? d.tokens[$0]) < (d.step?[$1] ?? d.tokens[$1]) }) else { return nil }
        return d.params[last] == largest ? last : nil
      }
      if !targets.isEmpty, let f = try? LawFitter(options: options).fit(d.subset(below)), f.converged {
        let errors = targets.map { abs(SigmoidLaw.metric(f.parameters, x: d.x?[$0] ?? .nan) - y[$0]) }
        let e = errors.reduce(0, +) / Double(errors.count)
        if e.isFinite {
          internalError = e
          internalSize = largest
        }
      }
    }
    let allowed = max(tolerance, 3 * noise)
    let quiet = !(ratio >= minimumSignalToNoise)
    // Without the backtest inside the ladder nothing confirms the task scales predictably here.
    let missed = internalError.map { $0 > allowed } ?? true
    var reason = "signal \(fmt(signal)) against noise \(fmt(noise)) (\(String(format: "%.1f", ratio))x, needs \(Int(minimumSignalToNoise))x)"
    if let e = internalError, let n = internalSize {
      reason += "; step 2 fitted below \(shortCount(n)) misses that size's finals by \(String(format: "%.2f", 100 * e)) points (allowed \(String(format: "%.2f", 100 * allowed)))"
    } else {
      reason += "; no backtest inside the ladder confirms it (it needs three fitted sizes and a converged refit without the largest)"
    }
    let fitted = training.map { y[$0] }
    let floor = min(fit.parameterSet.values(["b"])?[0] ?? .infinity, fitted.min() ?? 0)
    let ceiling = fit.yRange?.upperBound ?? max(1, fitted.max() ?? 1)
    return Predictability(
      predictable: !quiet && !missed, reason: reason, signal: signal, noise: noise, internalError: internalError,
      internalSize: internalSize, range: min(floor, ceiling)...ceiling)
  }
}
