import ArgumentParser
import Foundation
import ScalingLaws

extension ScalingTool {
  struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "compare",
      abstract: "The compute a recipe saves over another, from one joint fit of both (fit --group-column G --shared NAMES).",
      discussion: """
        At each budget C: the baseline's compute-optimal loss L_A*(C) and the effective compute \
        multiplier k = C / C_B(L_A*(C)) of the candidate (k > 1: the candidate reaches the \
        baseline's loss with C/k), with bootstrap percentile intervals when the fit carries \
        resamples. Default budgets: the fitted data's largest compute times 0.01 to 1000.
        """)

    @Option(help: "A joint fit file (scaling fit --group-column G --shared NAMES --format json).") var fit: String
    @Option(help: "The group compared against (recipe A).") var baseline: String
    @Option(help: "The group whose saving is measured (recipe B).") var candidate: String
    @Option(help: ArgumentHelp("Budgets in FLOPs, comma-separated (e.g. 1e20,1e22).", valueName: "C,C,...")) var flops: String?
    @Option(help: "Output format.") var format: PlanOptionsFormat = .text
    @OptionGroup var destination: OutputOption

    enum PlanOptionsFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func budgets(dataMax: Double?) throws -> [Double] {
      guard let flops else {
        guard let m = dataMax, m > 0 else { return [1e18, 1e20, 1e22, 1e24] }
        return [0.01, 0.1, 1, 10, 100, 1000].map { m * $0 }
      }
      return try flops.split(separator: ",").map { item in
        let t = item.trimmingCharacters(in: .whitespaces)
        guard let v = Count(argument: t)?.value, v > 0 else { throw ValidationError("--flops '\(t)' is not a positive number of FLOPs.") }
        return v
      }
    }

    func run() throws {
      try destination.check(inputs: [fit])
      let law: PlanningLaw
      do {
        law = try PlanningLaw.fromFitFile(fit, group: nil)
      } catch let e as PlanningLaw.LawFileError {
        throw CommandUsageError(message: e.description)
      }
      guard case .fitted(let f, let samples) = law else {
        throw CommandUsageError(message: "\(fit): holds no joint formula fit (fit with --group-column G --formula ... --shared NAMES)")
      }
      let comparison: RecipeComparison
      do {
        comparison = try RecipeComparison(
          law: f, samples: samples, baseline: baseline, candidate: candidate, budgets: budgets(dataMax: f.observedFlopsMax))
      } catch let e as RecipeComparison.ComparisonError {
        throw CommandUsageError(message: "\(fit): \(e.description)")
      }
      try destination.emit(format == .json ? comparison.json.rendered() + "\n" : comparison.text)
    }
  }
}
