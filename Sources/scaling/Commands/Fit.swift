import ArgumentParser
import Fitting
import Foundation
import ScalingLaws

extension LawKind: ExpressibleByArgument {}
extension SearchStrategy: ExpressibleByArgument {}

enum ObjectiveOption: String, ExpressibleByArgument, CaseIterable {
  case huber, squared
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, csv
}

extension ScalingTool {
  struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Fit a scaling law to one or more CSV files of training results.",
      discussion: """
        The objective is the SUM over points of Huber_delta(log L_pred - log L_obs) (delta = 1e-3), \
        or of squared log residuals with --objective squared. Each fit states whether it converged \
        and why it stopped. One fit per file, or per (file, group) with --group-column.
        """)

    @OptionGroup var data: DataOptions

    @Option(help: "The law to fit.")
    var law: LawKind = .chinchilla
    @Flag(help: "Add an irreducible loss E to kaplan-n, kaplan-d and kaplan-c.")
    var irreducible = false
    @Option(help: "Per-point loss on log residuals.")
    var objective: ObjectiveOption = .huber
    @Option(help: "Huber delta (with --objective huber).")
    var huberDelta: Real = Real(1e-3)
    @Option(help: "Global search: fast (variable projection + polish) or hoffmann (4,500-start grid).")
    var search: SearchStrategy = .fast
    @Option(help: "Output format.")
    var format: OutputFormat = .text
    @Option(help: "Write the output to this file (atomically) instead of standard output.")
    var output: String?

    func validate() throws {
      if !(huberDelta.value > 0) || !huberDelta.value.isFinite {
        throw ValidationError("--huber-delta must be a positive number (got \(huberDelta.value)).")
      }
      if irreducible && !(law == .kaplanN || law == .kaplanD || law == .kaplanC) {
        throw ValidationError("--irreducible applies to kaplan-n, kaplan-d and kaplan-c only.")
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

    func run() throws {
      let options = fitOptions
      let datasets = try data.loadDatasets(required: options.makeLaw().required)
      let fitter = LawFitter(options: options)
      let results = parallelMap(datasets.count) { i in Result { try fitter.fit(datasets[i]) } }
      let fits = try results.map { try $0.get() }
      let text: String
      switch format {
      case .text: text = fits.map { $0.textReport }.joined(separator: "\n")
      case .json: text = LawFit.jsonDocument(fits)
      case .csv: text = LawFit.csvDocument(fits)
      }
      if let output {
        try AtomicFile.write(text, to: output)
      } else {
        print(text, terminator: "")
      }
    }
  }
}
