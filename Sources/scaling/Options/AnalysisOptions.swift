import ArgumentParser
import Fitting
import Foundation
import ScalingLaws

extension LawKind: ExpressibleByArgument {}
extension SearchStrategy: ExpressibleByArgument {}
extension BootstrapUnit: ExpressibleByArgument {}
extension BootstrapSearch: ExpressibleByArgument {}
extension Approach: ExpressibleByArgument {}

enum ObjectiveOption: String, ExpressibleByArgument, CaseIterable {
  case huber, squared
}

/// Law, objective, search, bootstrap and holdout flags (shared by `fit` and `report`).
struct AnalysisOptions: ParsableArguments {
  @Option(help: "The law to fit.")
  var law: LawKind = .chinchilla
  @Flag(help: "Add an irreducible loss E to kaplan-n, kaplan-d and kaplan-c.")
  var irreducible = false
  @Option(help: "Per-point loss on log residuals.")
  var objective: ObjectiveOption = .huber
  @Option(help: "Huber delta (with --objective huber).")
  var huberDelta: RealArgument = RealArgument(1e-3)
  @Option(help: "Global search: fast (variable projection + polish) or hoffmann (4,500-start grid).")
  var search: SearchStrategy = .fast

  @Option(help: "Bootstrap resamples (0: none).")
  var bootstrap: Int = 0
  @Option(help: "Seed of the bootstrap's random numbers.")
  var seed: UInt64 = 42
  @Option(help: "Level of the percentile intervals.")
  var confidence: RealArgument = RealArgument(0.95)
  @Option(help: "Resample points, whole runs, or whole model sizes (group). Default: run for checkpoint files, else point.")
  var bootstrapUnit: BootstrapUnit?
  @Option(help: "Refit each resample with the global search, or one local solve from the main optimum.")
  var bootstrapSearch: BootstrapSearch = .global

  @Option(help: "Extrapolation check: fit on models up to this size, predict the larger ones.")
  var holdoutAboveParams: Count?
  @Option(help: "Extrapolation check: fit on points up to this compute, predict the rest.")
  var holdoutAboveFlops: Count?

  @Flag(help: "Progress on stderr even when it is not a terminal.")
  var verbose = false

  func validate() throws {
    if !(huberDelta.value > 0) || !huberDelta.value.isFinite {
      throw ValidationError("--huber-delta must be a positive number (got \(huberDelta.value)).")
    }
    if irreducible && !(law == .kaplanN || law == .kaplanD || law == .kaplanC) {
      throw ValidationError("--irreducible applies to kaplan-n, kaplan-d and kaplan-c only.")
    }
    if bootstrap < 0 || bootstrap > 1_000_000 {
      throw ValidationError("--bootstrap must be between 0 and 1000000 (got \(bootstrap)).")
    }
    if !(confidence.value > 0 && confidence.value < 1) {
      throw ValidationError("--confidence must be in (0, 1) (got \(confidence.value)).")
    }
    if holdoutAboveParams != nil && holdoutAboveFlops != nil {
      throw ValidationError("Give --holdout-above-params or --holdout-above-flops, not both.")
    }
  }

  var fitOptions: FitOptions {
    var o = FitOptions()
    o.law = law
    o.irreducible = irreducible
    o.loss = objective == .huber ? .huber(delta: huberDelta.value) : .squared
    o.search = search
    return o
  }

  func analysis(progressTotal: Int) -> FitAnalysis {
    var b: BootstrapOptions? = nil
    if bootstrap > 0 {
      var o = BootstrapOptions(resamples: bootstrap, seed: seed)
      o.confidence = confidence.value
      o.unit = bootstrapUnit
      o.search = bootstrapSearch
      if verbose || isatty(2) != 0 {
        o.progress = ProgressBar(total: bootstrap * progressTotal).update
      }
      b = o
    }
    var h: HoldoutCriterion? = nil
    if let x = holdoutAboveParams?.value { h = .paramsAbove(x) }
    if let c = holdoutAboveFlops?.value { h = .flopsAbove(c) }
    return FitAnalysis(fitOptions: fitOptions, bootstrap: b, holdout: h)
  }
}

/// A one-line progress bar on stderr: resamples done, rate, ETA.
final class ProgressBar: @unchecked Sendable {
  let total: Int
  let start = Date()
  private var done = 0
  private var lastDraw = Date.distantPast
  private let lock = NSLock()

  init(total: Int) { self.total = total }

  func update(_: Int) {
    lock.lock()
    defer { lock.unlock() }
    done += 1
    let now = Date()
    guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = now
    let elapsed = now.timeIntervalSince(start)
    let rate = Double(done) / max(elapsed, 1e-9)
    let eta = Double(total - done) / max(rate, 1e-9)
    let width = 30
    let filled = Int(Double(width) * Double(done) / Double(max(total, 1)))
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    var line = "\rbootstrap [\(bar)] \(done)/\(total)  \(String(format: "%.0f", rate))/s  ETA \(String(format: "%.0f", eta))s"
    if done == total { line += "\n" }
    FileHandle.standardError.write(Data(line.utf8))
  }
}
