import ArgumentParser
import Fitting
import Foundation
import ScalingLaws

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
    @OptionGroup var analysis: AnalysisOptions

    @Option(help: "Output format.")
    var format: OutputFormat = .text
    @Option(help: "Write the output to this file (atomically) instead of standard output.")
    var output: String?
    @Option(help: "Write every bootstrap resample's parameters to this CSV file.")
    var bootstrapSamples: String?

    func validate() throws {
      try data.requireFiles()
      if bootstrapSamples != nil && analysis.bootstrap == 0 {
        throw ValidationError("--bootstrap-samples needs --bootstrap N.")
      }
    }

    func run() throws {
      let datasets = try data.loadDatasets(required: analysis.fitOptions.makeLaw().required)
      let plan = analysis.analysis(progressTotal: datasets.count)
      let results = parallelMap(datasets.count) { i in Result { try plan.run(datasets[i]) } }
      let fits = try results.map { try $0.get() }
      let text: String
      switch format {
      case .text: text = fits.map { $0.textReport }.joined(separator: "\n")
      case .json: text = LawFit.jsonDocument(fits)
      case .csv: text = LawFit.csvDocument(fits)
      }
      if let path = bootstrapSamples {
        try AtomicFile.write(LawFit.bootstrapSamplesCSV(fits), to: path)
      }
      if let output {
        try AtomicFile.write(text, to: output)
      } else {
        print(text, terminator: "")
      }
    }
  }
}
