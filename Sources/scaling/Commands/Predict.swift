import ArgumentParser
import Foundation
import ScalingLaws

extension ScalingTool {
  struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "predict",
      abstract: "Predict losses with a fitted law: for every row of CSV files, or for --params/--tokens queries.",
      discussion: """
        The fit's column choices (recorded in FIT.json) are reused unless a column flag overrides \
        them. Every row is predicted (no default filters); with a loss column the relative errors \
        are reported, overall and on the final checkpoint of each run. Intervals are bootstrap \
        percentiles when the fit carries samples (scaling fit --bootstrap N).
        """)

    @Option(help: "A `scaling fit --format json` file.") var fit: String
    @Option(help: "With a fit file holding several fits: the group to use.") var group: String?
    @OptionGroup var data: DataOptions
    @Option(help: "Query: model size N (e.g. 7B).") var params: Count?
    @Option(help: "Query: training tokens D (e.g. 1.4T).") var tokens: Count?
    @Option(help: "Query: training compute C in FLOPs (default 6ND).") var flops: Count?
    @Option(help: "Query: optimiser steps (kaplan-ns).") var steps: Count?
    @Option(help: "Query of a sigmoid fit: the x (task loss) to predict the metric at.") var x: RealArgument?
    @Option(help: ArgumentHelp("Query of a formula fit: an input's value, e.g. U=25B; repeatable.", valueName: "name=value"))
    var at: [String] = []
    @Option(help: ArgumentHelp("Rows of a formula fit: read an input from this column instead of the one the fit recorded, e.g. U=unique; repeatable.", valueName: "name=column"))
    var input: [String] = []
    @Option(help: "A second-step fit (scaling fit --law sigmoid --format json): the first fit's prediction becomes its x.")
    var then: String?
    @Option(help: "With a --then file holding several fits: the group to use.") var thenGroup: String?
    @Option(help: "Output format.") var format: OutputFormat = .text
    @OptionGroup var destination: OutputOption

    func validate() throws {
      let query = params != nil || tokens != nil || flops != nil || steps != nil || data.schedule.totalSteps != nil || x != nil || !at.isEmpty
      _ = try atValues()
      _ = try inputColumns()
      if !input.isEmpty && data.files.isEmpty { throw ValidationError("--input names columns of CSV files; a query gives an input's value with --at NAME=value.") }
      if query == !data.files.isEmpty {
        throw ValidationError("Give CSV files or a query (--params, --tokens, --flops, --steps; --total-steps and the schedule for a curve law; --x for a sigmoid fit), not both.")
      }
      if let x, !x.value.isFinite { throw ValidationError("--x must be finite (got \(x.value)).") }
      if x != nil && then != nil { throw ValidationError("--x queries a sigmoid fit directly; with --then the x comes from the first fit.") }
      for (v, flag) in [(params, "--params"), (tokens, "--tokens"), (flops, "--flops"), (steps, "--steps")] {
        if let v, !(v.value > 0 && v.value.isFinite) { throw ValidationError("\(flag) must be positive (got \(v.value)).") }
      }
    }

    func run() throws {
      try destination.check(inputs: [fit] + (then.map { [$0] } ?? []) + data.files)
      if let bytes = FileManager.default.contents(atPath: fit) {
        if ApproachDocument.isApproachFile(bytes) { return try frontier() }
        if HyperparameterDocument.isHyperparameterFile(bytes) { return try hyperparameters() }
      }
      let request: PredictRequest
      do {
        request = try PredictRequest(fit: FitFile(path: fit, group: group), then: then.map { try FitFile(path: $0, group: thenGroup) })
      } catch let e as FitFile.FitFileError {
        throw CommandUsageError(message: e.description)
      } catch let e as PredictRequest.UsageError {
        throw CommandUsageError(message: e.description)
      }
      let f = request.fit
      let predictions: [Prediction]
      if data.files.isEmpty {
        var p = try query(f)
        if let t = request.then { p = Prediction(fit: f, dataset: p.dataset, hasLoss: false, then: t) }
        predictions = [p]
      } else {
        do {
          var loading = data.loadOptions
          loading.inputs = try inputColumns()
          predictions = try request.rows(data.files, loading: loading, schedule: data.schedule.isEmpty ? nil : data.schedule.options)
        } catch let e as PredictRequest.UsageError {
          throw CommandUsageError(message: e.description)
        }
      }
      try destination.emit(
        format == .csv ? Prediction.csvDocument(predictions)
          : format == .text ? predictions.map { $0.text }.joined(separator: "\n")
          : JSONValue.object([("predictions", .array(predictions.map { $0.json }))]).rendered() + "\n")
    }

    /// An Approach 1/2 fit (`fit --approach isoflop|envelope`) predicts the optimum of a budget:
    /// N*, D* and L* at `--flops` (or the budget whose optimum has `--params` or `--tokens`), with
    /// bootstrap intervals when the fit carries resamples. It has no loss for an arbitrary (N, D),
    /// so rows of CSV files are refused.
    func frontier() throws {
      guard data.files.isEmpty, then == nil, steps == nil, x == nil, [flops, params, tokens].compactMap({ $0 }).count == 1 else {
        throw CommandUsageError(
          message: "\(fit): an Approach 1/2 fit predicts the optimum of a budget: give exactly one of --flops, --params or --tokens (it has no loss for rows of a CSV file or an arbitrary (N, D); fit a law of N and D for those)")
      }
      let law: PlanningLaw
      do {
        law = try PlanningLaw.fromFitFile(fit, group: group)
      } catch let e as PlanningLaw.LawFileError {
        throw CommandUsageError(message: e.description)
      }
      let answer = try Planner(law: law).frontierOptimum(flops: flops?.value, params: params?.value, tokens: tokens?.value)
      try destination.emit(
        format == .csv ? Allocation.csvDocument([answer], law: law, hardware: nil)
          : format == .text ? answer.text(law: law, hardware: nil) + "\n"
          : JSONValue.object([("predictions", .array([answer.json(law: law, hardware: nil)]))]).rendered() + "\n")
    }

    /// A hyperparameter fit (`scaling hparams --format json`) predicts the peak learning rate and
    /// the batch of a run: --params and --tokens, with the fit's bootstrap intervals.
    func hyperparameters() throws {
      guard data.files.isEmpty, then == nil, steps == nil, x == nil, flops == nil, at.isEmpty, let n = params?.value, let d = tokens?.value else {
        throw CommandUsageError(
          message: "\(fit): a hyperparameter fit predicts the peak learning rate and batch of a run: give --params and --tokens (and nothing else)")
      }
      let law: HyperparameterLaw
      do {
        law = try HyperparameterDocument.law(path: fit)
      } catch let e as HyperparameterDocument.ReadError {
        throw CommandUsageError(message: e.description)
      }
      let a = law.advice(params: n, tokens: d)
      try destination.emit(
        format == .csv ? a.csv(params: n, tokens: d)
          : format == .text ? a.text(params: n, tokens: d)
          : JSONValue.object([("predictions", .array([a.json(params: n, tokens: d)]))]).rendered() + "\n")
    }

    func query(_ f: FitFile) throws -> Prediction {
      if f.kind.isMetricLaw {
        guard let x else { throw ValidationError("A \(f.lawName) query needs --x (or chain it after a loss fit with --then).") }
        var d = Dataset(file: "query", params: [.nan], tokens: [.nan], flops: [.nan], loss: [.nan], lines: [0])
        d.x = [x.value]
        return Prediction(fit: f, dataset: d, hasLoss: false)
      }
      if x != nil { throw ValidationError("--x queries a sigmoid fit; the \(f.lawName) law takes --params/--tokens.") }
      if f.kind.modelsSchedule { return try curveQuery(f) }
      let needs = f.law.required
      func need(_ q: Quantity, _ v: Count?, _ flag: String) throws -> Double {
        if let v { return v.value }
        if needs.contains(q) { throw ValidationError("The \(f.lawName) law needs \(flag) for a query.") }
        return .nan
      }
      let N = try need(.params, params, "--params")
      let D = try need(.tokens, tokens, "--tokens")
      var C = flops?.value ?? .nan
      if C.isNaN {
        if N.isFinite && D.isFinite { C = 6 * N * D } else if needs.contains(.flops) {
          throw ValidationError("The \(f.lawName) law needs --flops (or --params and --tokens) for a query.")
        }
      }
      let S = try need(.step, steps, "--steps")
      var d = Dataset(
        file: "query", params: [N], tokens: [D], flops: [C], loss: [.nan], step: steps == nil ? nil : [S], lines: [0])
      let given = try atValues()
      if let formula = f.law.baseLaw as? FormulaLaw {
        let builtin = Set(FormulaSpec.builtinInputs.map(\.name))
        for name in given.keys.sorted() where !formula.inputNames.contains(name) {
          throw ValidationError("--at \(name): the formula has no input '\(name)' (its inputs: \(formula.inputNames.joined(separator: ", "))).")
        }
        for name in formula.inputNames where !builtin.contains(name) || formula.spec.inputs[name] != nil {
          guard let v = given[name] else {
            throw ValidationError("The formula law needs --at \(name)=VALUE for a query (input \(name)\(formula.spec.inputs[name].map { ", fitted from column '\($0)'" } ?? "")).")
          }
          d.inputs[name] = [v]
        }
      } else if let name = given.keys.sorted().first {
        throw ValidationError("--at \(name): --at gives a formula fit's inputs; the \(f.lawName) law takes --params/--tokens/--flops/--steps.")
      }
      return Prediction(fit: f, dataset: d, hasLoss: false)
    }

    /// `--at NAME=value`, each parsed (K/M/B/T suffixes allowed).
    func atValues() throws -> [String: Double] {
      var out: [String: Double] = [:]
      for item in at {
        let (name, text) = try FormulaOptions.pair(item, flag: "--at", example: "U=25B")
        guard let v = Count(argument: text)?.value else {
          throw ValidationError("--at '\(item)': '\(text)' is not a finite number.")
        }
        guard out[name] == nil else { throw ValidationError("--at \(name) is given twice.") }
        out[name] = v
      }
      return out
    }

    /// `--input NAME=column`, each parsed.
    func inputColumns() throws -> [String: String] {
      var out: [String: String] = [:]
      for item in input {
        let (name, column) = try FormulaOptions.pair(item, flag: "--input", example: "U=unique_tokens")
        guard out[name] == nil else { throw ValidationError("--input \(name) is given twice.") }
        out[name] = column
      }
      return out
    }

    /// The predicted curve of one run of a learning-rate-aware law: the schedule from the flags,
    /// over the fit's recorded schedule options (warm-up fraction, final fraction, λ).
    func curveQuery(_ f: FitFile) throws -> Prediction {
      let o = (f.schedule ?? ScheduleOptions()).overridden(by: data.schedule.options, annealingDecay: data.schedule.annealingDecay?.value)
      guard let kind = o.kind else { throw ValidationError("A \(f.lawName) query needs --schedule (the fit records none).") }
      guard let total = o.totalSteps else { throw ValidationError("A \(f.lawName) query needs --total-steps.") }
      guard let peak = o.peakLR else { throw ValidationError("A \(f.lawName) query needs --peak-lr (the fit records none).") }
      let tps = data.tokensPerStep?.value ?? f.tokensPerStep
      if f.kind == .chinchillaLR && tps == nil { throw ValidationError("A chinchilla-lr query needs --tokens-per-step.") }
      let n = params?.value ?? .nan
      if f.law.required.contains(.params) && params == nil { throw ValidationError("A \(f.lawName) query needs --params.") }
      let schedule: LearningRateSchedule
      do {
        schedule = try LearningRateSchedule(
          kind: kind, totalSteps: total,
          warmupSteps: o.warmupSteps ?? o.warmupFraction.map { Int((Double(total) * $0).rounded()) } ?? 0,
          peakLR: peak, finalLRFraction: o.finalLRFraction ?? 0.1, decayStart: o.decayStart, stageStart: o.stageStart,
          stageLR: o.stageLR)
      } catch {
        throw ValidationError("--schedule \(kind.rawValue): \(error).")
      }
      let d = Dataset.scheduleQuery(params: n, schedule: schedule, tokensPerStep: tps, steps: Dataset.queryCurveSteps(schedule), options: o)
      return Prediction(fit: f, dataset: d, hasLoss: false)
    }
  }
}
