import ArgumentParser
import Foundation
import ScalingLaws

extension ScalingTool {
  struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "plan",
      abstract: "Answer compute-budget questions: which N and D, what loss, how long, what cost.",
      discussion: """
        Give one budget: --flops C, --gpu-hours H or --usd B (with --gpu), --target-loss L, \
        --params N (optionally with --target-loss), --tokens D, --params N --tokens D (the cost of \
        that run: C = 6ND, GPU-hours, days and dollars with --gpu, and the law's loss), or \
        --sweep FROM:TO:COUNT. \
        Every answer states the law it used and where its constants come from.
        """)

    @Option(help: "Law: \(PlanningLaw.namedLaws.joined(separator: ", ")), or a `scaling fit --format json` file.")
    var law: String = "chinchilla-epoch"
    @Option(help: "With a fit file holding several fits: the group to use.")
    var group: String?
    @Flag(help: "List the named laws with their constants and sources.")
    var listLaws = false

    @OptionGroup var question: PlanOptions

    @Option(help: "Output format.") var format: PlanFormat = .text
    @OptionGroup var destination: OutputOption

    enum PlanFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    func validate() throws {
      if listLaws { return }
      try question.check()
      if question.experts != nil && format == .csv {
        throw ValidationError("--experts prints a dense and a mixture-of-experts answer: use --format text or json.")
      }
    }

    func resolveLaw() throws -> PlanningLaw {
      if let named = PlanningLaw.named(law) { return named }
      if FileManager.default.fileExists(atPath: law) {
        do {
          return try PlanningLaw.fromFitFile(law, group: group)
        } catch let e as PlanningLaw.LawFileError {
          throw CommandUsageError(message: e.description)
        }
      }
      if law.contains("/") || law.hasSuffix(".json") || law.hasSuffix(".jsonl") {
        throw CommandUsageError(message: "--law \(law): no such file (a fit file from `scaling fit --format json`, or a named law: \(PlanningLaw.namedLaws.joined(separator: ", ")))")
      }
      throw ValidationError("Unknown law '\(law)': not a named law (\(PlanningLaw.namedLaws.joined(separator: ", "))) and no file of that name; or give a `scaling fit --format json` file.")
    }

    func run() throws {
      if listLaws {
        print(PlanningLaw.listing, terminator: "")
        return
      }
      try destination.check(inputs: [law])
      var planningLaw = try resolveLaw()
      let held = try question.atValues()
      let chosen = try question.chosenRanges()
      if case .fitted(let f, _) = planningLaw {
        for (flag, names) in [("--at", held.keys.sorted()), ("--choose", chosen.keys.sorted())] {
          for name in names where !f.otherInputs.contains(name) {
            throw ValidationError(
              "\(flag) \(name): \(["N", "D", "C"].contains(name) ? "\(name) is what the plan chooses (or --params/--tokens/--flops sets)" : "the law has no input '\(name)'") (its other inputs: \(f.otherInputs.isEmpty ? "none" : f.otherInputs.joined(separator: ", "))).")
          }
        }
        if let both = chosen.keys.sorted().first(where: { held[$0] != nil }) {
          throw ValidationError("--choose \(both) and --at \(both): an input is either held or chosen.")
        }
        planningLaw = planningLaw.holding(held).choosing(chosen)
        if case .fitted(let g, _) = planningLaw, let missing = g.missingInput(),
          !(question.uniqueTokens != nil && g.otherInputs.filter({ g.fixedInputs[$0] == nil }) == ["U"])
        {
          throw CommandUsageError(message: "\(law): \(missing.description)")
        }
      } else if let name = held.keys.sorted().first {
        throw ValidationError("--at \(name): --at holds a fitted formula law's inputs, and \(planningLaw.name) is not one.")
      } else if let name = chosen.keys.sorted().first {
        throw ValidationError("--choose \(name): --choose picks a fitted formula law's inputs, and \(planningLaw.name) is not one.")
      }
      let hyper = try question.hyperparameterLaw()
      var planner = Planner(law: planningLaw)
      planner.confidence = 0.95
      planner.holdLifetimeBudget = question.hold == .budget
      do {
        let request = try question.request()
        let template = question.template
        var answers = try request.answers(planner)
        if let hyper {
          answers = answers.map { $0.advised(by: hyper, sequenceLength: question.sequenceLength?.value, confidence: planner.confidence) }
        }
        let moe = try template.map { try request.answers(planner, template: $0) }
        let shapes =
          question.shape && !request.isSweep
          ? TransformerShape.matching(answers[0].params, count: planningLaw.parameterCount) : nil
        let text: String
        switch format {
        case .text: text = request.text(answers, moe: moe, template: template, shapes: shapes, law: planningLaw)
        case .json: text = request.json(answers, moe: moe, shapes: shapes, law: planningLaw).rendered() + "\n"
        case .csv: text = Allocation.csvDocument(answers, law: planningLaw, hardware: request.hardware)
        }
        try destination.emit(text)
      } catch let e as Planner.PlanError {
        throw CommandUsageError(message: e.description)
      } catch let e as FitError {
        throw CommandUsageError(message: e.description)
      } catch let e as ServingModel.ServingError {
        throw CommandUsageError(message: e.description)
      }
    }
  }
}
