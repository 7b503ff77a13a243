import ArgumentParser
import Foundation
import ScalingLaws

extension ScalingTool {
  struct Hparams: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "hparams",
      abstract: "Fit a learning-rate and batch-size sweep: each (N, D) cell's optimum, and eta*(N, D), B*(N, D) as power laws.",
      discussion: """
        One row per run: N, D, the peak learning rate, the batch and the final loss. Per (N, D) \
        cell, a quadratic in ln eta and ln B fitted to the runs near the cell's best gives the \
        optimum and what a 2x miss costs; across cells, ln eta* and ln B* are fitted on ln N and \
        ln D (B*(D) or B*(N, D), chosen by leave-one-cell-out error unless --batch-form says). \
        --format json writes the fit file that `scaling plan --hparams FILE` reads.
        """)

    @Argument(help: "The sweep's CSV file.") var file: String
    @Option(help: "Column of the parameter count N (default: the usual aliases).") var paramsColumn: String?
    @Option(help: "Column of the training tokens D.") var tokensColumn: String?
    @Option(help: "Column of the peak learning rate (default: peak_lr, lr, learning_rate, max_lr, lr_peak, eta).") var lrColumn: String?
    @Option(help: "Column of the batch (default: batch_tokens, batch_size, batch, bs, global_batch_size, tokens_per_step).") var batchColumn: String?
    @Option(help: "Column of the final loss.") var lossColumn: String?
    @Option(help: "What the batch column counts: tokens, or sequences (with --sequence-length).") var batchUnit: BatchUnitArgument = .tokens
    @Option(help: "Tokens per sequence, for --batch-unit sequences.") var sequenceLength: Count?
    @Option(help: "Runs within this fraction of a cell's best loss enter its surface.") var window: Double = 0.03
    @Option(help: "At least this many runs (the lowest) enter each cell's surface.") var minimumRuns: Int = 10
    @Option(help: "The batch law's exponents: D (B* = a D^d) or N,D; default: chosen by leave-one-cell-out error.") var batchForm: String?
    @Option(help: "Bootstrap resamples (cells, and runs within cells) for intervals.") var bootstrap: Int = 0
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 0
    @Option(help: "Output format.") var format: Format = .text
    @OptionGroup var destination: OutputOption

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }
    enum BatchUnitArgument: String, ExpressibleByArgument, CaseIterable { case tokens, sequences }

    func validate() throws {
      guard window > 0, window.isFinite else { throw ValidationError("--window \(window): a positive fraction of the best loss (e.g. 0.03).") }
      guard minimumRuns >= 3 else { throw ValidationError("--minimum-runs \(minimumRuns): at least 3 (a parabola needs 3 points).") }
      guard bootstrap >= 0 else { throw ValidationError("--bootstrap \(bootstrap): a count of resamples, 0 or more.") }
      if let f = batchForm, HyperparameterFitter.BatchForm(rawValue: f) == nil {
        throw ValidationError("--batch-form '\(f)': D or N,D.")
      }
      if batchUnit == .sequences && sequenceLength == nil {
        throw ValidationError("--batch-unit sequences needs --sequence-length (tokens per sequence) to count the batch in tokens.")
      }
      if sequenceLength != nil && batchUnit == .tokens {
        throw ValidationError("--sequence-length counts a batch given in sequences: it needs --batch-unit sequences.")
      }
      if let s = sequenceLength, !(s.value > 0) {
        throw ValidationError("--sequence-length \(s.value): a positive number of tokens.")
      }
    }

    func run() throws {
      try destination.check(inputs: [file])
      var columns = HyperparameterSweep.Columns()
      columns.params = paramsColumn
      columns.tokens = tokensColumn
      columns.learningRate = lrColumn
      columns.batch = batchColumn
      columns.loss = lossColumn
      columns.batchUnit = batchUnit == .sequences ? .sequences : .tokens
      columns.sequenceLength = sequenceLength?.value
      var fitter = HyperparameterFitter()
      fitter.window = window
      fitter.minimumRuns = minimumRuns
      fitter.bootstrap = bootstrap
      fitter.seed = seed
      fitter.batchForm = batchForm.flatMap { HyperparameterFitter.BatchForm(rawValue: $0) }
      let fit: HyperparameterFit
      do {
        let sweep = try HyperparameterSweep.load(CSVDocument(contentsOf: file), columns: columns)
        fit = try fitter.fit(sweep)
      } catch let e as CSVError {
        // The sweep's bad input (a column, a value that is not positive, one learning rate per
        // cell) is a usage error of this command: exit 2.
        throw CommandUsageError(message: e.description)
      } catch let e as HyperparameterFitter.FitFailure {
        throw CommandUsageError(message: e.description)
      }
      switch format {
      case .text: try destination.emit(fit.text)
      case .json: try destination.emit(fit.json.rendered() + "\n")
      case .csv: try destination.emit(fit.csv)
      }
    }
  }
}
