import ArgumentParser
import ScalingLaws

extension ScalingTool {
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "inspect",
      abstract: "Read CSV files and summarise what a fit would use (columns, derivations, filters, ranges).")

    @OptionGroup var data: DataOptions
    @Option(help: "The law whose default filters to apply (as `scaling fit --law`): a final-loss law keeps each run's last checkpoint unless --checkpoints all.")
    var law: LawKind = .chinchilla
    @OptionGroup var destination: OutputOption

    func validate() throws { try data.requireFiles() }

    func run() throws {
      // The rows the default fit of `law` would keep (its default filters: the last checkpoint of
      // each run for a final-loss law); only its response is required, everything else is
      // summarised if present.
      try destination.check(inputs: data.files)
      let datasets = try data.loadDatasets(required: [law.isMetricLaw ? .y : .loss], law: law)
      try destination.emit(datasets.map { DataSummary($0).text }.joined(separator: "\n"))
    }
  }
}
