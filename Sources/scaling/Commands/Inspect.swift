import ArgumentParser
import ScalingLaws

extension ScalingTool {
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "inspect",
      abstract: "Read CSV files and summarise what a fit would use (columns, derivations, filters, ranges).")

    @OptionGroup var data: DataOptions
    @OptionGroup var destination: OutputOption

    func validate() throws { try data.requireFiles() }

    func run() throws {
      // Only the loss is required here; everything else is summarised if present.
      try destination.check(inputs: data.files)
      let datasets = try data.loadDatasets(required: [.loss])
      try destination.emit(datasets.map { DataSummary($0).text }.joined(separator: "\n"))
    }
  }
}
