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

    @Option(help: "Compute budget in FLOPs (e.g. 1e23).") var flops: RealArgument?
    @Option(help: "Budget in GPU-hours (needs --gpu or --peak-tflops).") var gpuHours: RealArgument?
    @Option(help: "Budget in US dollars (needs --gpu and --usd-per-gpu-hour).") var usd: RealArgument?
    @Option(help: "Target loss: the least compute that reaches it.") var targetLoss: RealArgument?
    @Option(help: "A fixed model size N (e.g. 7B).") var params: Count?
    @Option(help: "A fixed number of training tokens D (e.g. 1.4T).") var tokens: Count?
    @Option(help: "Log-spaced budgets FROM:TO:COUNT, e.g. 1e18:1e25:8.") var sweep: String?

    @Option(help: "GPU: \(GPU.known.map { $0.name }.joined(separator: ", ")) (dense BF16 peaks).") var gpu: String?
    @Option(help: "Peak TFLOP/s per GPU (overrides --gpu's table value).") var peakTflops: RealArgument?
    @Option(help: "Model FLOPs utilisation, in (0, 1].") var mfu: RealArgument = RealArgument(0.4)
    @Option(help: "Number of GPUs (for wall-clock days).") var gpus: Int = 1
    @Option(help: "Price per GPU-hour in US dollars.") var usdPerGpuHour: RealArgument?

    @Option(help: "Inference demand in tokens: minimise training + inference FLOPs (Sardana & Frankle 2023).")
    var inferenceTokens: Count?
    @Option(help: "With --inference-tokens: hold the budget's loss (and spend more on training), or the budget as lifetime FLOPs, training plus inference (and reach the lowest loss it buys). (values: loss, budget; default: loss)")
    var hold: HeldQuantity = .loss
    @Option(help: "Unique tokens available: data-constrained allocation (Muennighoff et al. 2023).")
    var uniqueTokens: Count?

    @Flag(help: "With --inference-tokens: minimise lifetime dollars, training plus serving (see `scaling serve`); the inference tokens count output tokens.")
    var serving = false
    @OptionGroup var servingOptions: ServingOptions
    @Option(help: "GPU that serves the model (default: --gpu).") var servingGpu: String?
    @Option(help: "GPUs holding one serving replica.") var servingGpus: Int = 1
    @Option(help: "Compute efficiency of serving, in (0, 1].") var servingMfu: RealArgument = RealArgument(0.4)

    @Flag(help: "Propose transformer shapes near the planned N (see `scaling flops`).")
    var shape = false

    @Option(help: ArgumentHelp(
      "Also plan a mixture of experts of E experts (each the dense proposal's MLP, as Mixtral), printed beside the dense answer; training FLOPs 6 N_active D, serving reads the experts a batch touches.",
      valueName: "E")) var experts: Int?
    @Option(help: ArgumentHelp("With --experts: experts each token uses (top-K).", valueName: "K")) var activeExperts: Int?
    @Option(help: "With --experts: the law's N is the mixture's active or total parameter count (values: active, total; default: active, which gives the extra experts no credit).")
    var moeLawParams: ExpertTemplate.LawParams?

    @Option(help: "Output format.") var format: PlanFormat = .text
    @Option(help: "Write the output to this file (atomically; a link, FIFO or device is written through, never replaced).") var output: String?

    enum PlanFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv }
    enum HeldQuantity: String, ExpressibleByArgument, CaseIterable { case loss, budget }

    var template: ExpertTemplate? {
      guard let e = experts, let k = activeExperts else { return nil }
      return ExpertTemplate(experts: e, active: k, lawParams: moeLawParams ?? .active)
    }

    func positive(_ v: Double?, _ flag: String) throws {
      if let v, !(v > 0 && v.isFinite) { throw ValidationError("\(flag) must be a positive finite number (got \(v)).") }
    }

    func validate() throws {
      if listLaws { return }
      let fixedRun = params != nil && tokens != nil
      let budgets = [
        flops != nil, gpuHours != nil, usd != nil, targetLoss != nil && params == nil, params != nil && !fixedRun,
        tokens != nil && !fixedRun, fixedRun, sweep != nil,
      ]
      if budgets.filter({ $0 }).count != 1 {
        throw ValidationError("Give exactly one of --flops, --gpu-hours, --usd, --target-loss, --params (with an optional --target-loss), --tokens, --params with --tokens (the cost of that run) or --sweep.")
      }
      if fixedRun && targetLoss != nil {
        throw ValidationError("--params with --tokens fixes the run; --target-loss asks for the tokens instead: give one of them.")
      }
      try positive(flops?.value, "--flops")
      try positive(gpuHours?.value, "--gpu-hours")
      try positive(usd?.value, "--usd")
      try positive(targetLoss?.value, "--target-loss")
      try positive(params?.value, "--params")
      try positive(tokens?.value, "--tokens")
      try positive(peakTflops?.value, "--peak-tflops")
      try positive(usdPerGpuHour?.value, "--usd-per-gpu-hour")
      try positive(inferenceTokens?.value, "--inference-tokens")
      try positive(uniqueTokens?.value, "--unique-tokens")
      if !(mfu.value > 0 && mfu.value <= 1) { throw ValidationError("--mfu must be in (0, 1] (got \(mfu.value)).") }
      if gpus < 1 { throw ValidationError("--gpus must be at least 1.") }
      if let g = gpu, GPU.named(g) == nil {
        throw ValidationError("Unknown GPU '\(g)'. Known: \(GPU.known.map { $0.name }.joined(separator: ", ")) (or give --peak-tflops).")
      }
      if (gpuHours != nil || usd != nil) && gpu == nil && peakTflops == nil {
        throw ValidationError("--gpu-hours and --usd need --gpu or --peak-tflops to convert to FLOPs.")
      }
      if usd != nil && usdPerGpuHour == nil { throw ValidationError("--usd needs --usd-per-gpu-hour.") }
      if let s = sweep { _ = try parseSweep(s) }
      if serving {
        if inferenceTokens == nil { throw ValidationError("--serving needs --inference-tokens (the output tokens to serve).") }
        if gpu == nil { throw ValidationError("--serving needs --gpu (training hardware) for the dollar objective.") }
        if usdPerGpuHour == nil { throw ValidationError("--serving needs --usd-per-gpu-hour (the dollar objective).") }
        if sweep != nil { throw ValidationError("--serving takes one budget, not --sweep.") }
        if let g = servingGpu, GPU.named(g) == nil {
          throw ValidationError("Unknown --serving-gpu '\(g)'. Known: \(GPU.known.map { $0.name }.joined(separator: ", ")).")
        }
        if servingGpus < 1 { throw ValidationError("--serving-gpus must be at least 1.") }
        if !(servingMfu.value > 0 && servingMfu.value <= 1) { throw ValidationError("--serving-mfu must be in (0, 1].") }
      }
      if hold == .budget {
        if inferenceTokens == nil { throw ValidationError("--hold budget goes with --inference-tokens (the budget then pays for training and inference).") }
        if serving { throw ValidationError("--hold budget holds lifetime FLOPs; --serving minimises lifetime dollars at the budget's loss: give one of them.") }
        if !(flops != nil || gpuHours != nil || usd != nil || sweep != nil) {
          throw ValidationError("--hold budget needs a compute budget (--flops, --gpu-hours, --usd or --sweep).")
        }
      }
      if uniqueTokens != nil && !(flops != nil || gpuHours != nil || usd != nil) {
        throw ValidationError("--unique-tokens needs a compute budget (--flops, --gpu-hours or --usd).")
      }
      if let e = experts {
        guard let k = activeExperts else { throw ValidationError("--experts needs --active-experts (the experts each token uses).") }
        if e < 1 || k < 1 { throw ValidationError("--experts and --active-experts must be at least 1.") }
        if k > e {
          throw ValidationError("--active-experts (\(k)) exceeds --experts (\(e)): a token cannot use more experts than a layer has.")
        }
        if format == .csv { throw ValidationError("--experts prints a dense and a mixture-of-experts answer: use --format text or json.") }
        if moeLawParams == .total {
          if inferenceTokens != nil && !serving {
            throw ValidationError("--moe-law-params total with --inference-tokens needs --serving (the FLOPs-only inference planner assumes a dense model).")
          }
          if uniqueTokens != nil || hold == .budget {
            throw ValidationError("--moe-law-params total does not combine with --unique-tokens or --hold budget.")
          }
        }
      } else if activeExperts != nil || moeLawParams != nil {
        throw ValidationError("\(activeExperts != nil ? "--active-experts" : "--moe-law-params") needs --experts.")
      }
    }

    func parseSweep(_ s: String) throws -> (Double, Double, Int) {
      let parts = s.split(separator: ":").map(String.init)
      guard parts.count == 3, let a = RealArgument(argument: parts[0])?.value, let b = RealArgument(argument: parts[1])?.value,
        let n = Int(parts[2]), a > 0, b > a, n >= 2, n <= 1000
      else {
        throw ValidationError("--sweep must be FROM:TO:COUNT with 0 < FROM < TO and 2 <= COUNT <= 1000 (got '\(s)').")
      }
      return (a, b, n)
    }

    var hardware: Hardware? {
      guard gpu != nil || peakTflops != nil else { return nil }
      let g = gpu.flatMap { GPU.named($0) }
      return Hardware(
        peakTFLOPs: peakTflops?.value ?? g!.denseBF16TFLOPs, gpuName: g?.name ?? "custom", mfu: mfu.value,
        gpus: gpus, usdPerGPUHour: usdPerGpuHour?.value)
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
      throw ValidationError("Unknown law '\(law)'. Named laws: \(PlanningLaw.namedLaws.joined(separator: ", ")); or give a `scaling fit --format json` file.")
    }

    func run() throws {
      if listLaws {
        print(listing(), terminator: "")
        return
      }
      try OutputTarget.check([output], inputs: [law])
      let planningLaw = try resolveLaw()
      var planner = Planner(law: planningLaw)
      planner.confidence = 0.95
      planner.holdLifetimeBudget = hold == .budget
      let hw = hardware
      do {
        let answers = try plan(planner, law: planningLaw, hardware: hw, template: nil)
        let moeAnswers = try template.map { try plan(planner, law: planningLaw, hardware: hw, template: $0) }
        let shapes = shape && sweep == nil ? TransformerShape.proposals(near: answers[0].params) : []
        var text: String
        switch format {
        case .text:
          text = sweep != nil
            ? Allocation.sweepTable(answers, law: planningLaw, hardware: hw)
            : answers.map { $0.text(law: planningLaw, hardware: hw) }.joined(separator: "\n")
          for s in shapes {
            text += "    shape        = \(s.layers) layers x d_model \(s.dModel), \(s.heads) heads, d_ff \(Int(s.dFF)), vocab \(s.vocab): \(shortCount(s.totalParams)) params total, \(shortCount(s.nonEmbeddingParams)) non-embedding\n"
          }
          if let moe = moeAnswers, let t = template {
            text += "\n[[Mixture of experts]] \(t.label), the law's N = \(t.lawParams.rawValue) parameters\n"
            text += sweep != nil
              ? Allocation.sweepTable(moe, law: planningLaw, hardware: hw)
              : moe.map { $0.text(law: planningLaw, hardware: hw) }.joined(separator: "\n")
            if let c = comparison(dense: answers, moe: moe) { text += "\n[[Dense or mixture]]\n    \(c)\n" }
          }
        case .json:
          let value: JSONValue = sweep != nil
            ? .object([("law", .string(planningLaw.name)), ("law_source", .string(planningLaw.source)), ("plans", .array(answers.map { $0.json(law: planningLaw, hardware: hw) }))])
            : answers[0].json(law: planningLaw, hardware: hw)
          var v = value
          if !shapes.isEmpty, case .object(var kv) = v {
            kv.append((
              "shapes",
              .array(shapes.map { s in
                .object([
                  ("layers", .int(s.layers)), ("d_model", .int(s.dModel)), ("heads", .int(s.heads)),
                  ("d_ff", .num(s.dFF)), ("vocab", .int(s.vocab)), ("params_total", .num(s.totalParams)),
                  ("params_non_embedding", .num(s.nonEmbeddingParams)),
                ])
              })))
            v = .object(kv)
          }
          if let moe = moeAnswers {
            let m: JSONValue = sweep != nil
              ? .object([("law", .string(planningLaw.name)), ("law_source", .string(planningLaw.source)), ("plans", .array(moe.map { $0.json(law: planningLaw, hardware: hw) }))])
              : moe[0].json(law: planningLaw, hardware: hw)
            v = .object([("dense", v), ("moe", m), ("comparison", comparison(dense: answers, moe: moe).map { .string($0) } ?? .null)])
          }
          text = v.rendered() + "\n"
        case .csv:
          text = Allocation.csvDocument(answers, law: planningLaw, hardware: hw)
        }
        try OutputTarget.emit(text, to: output)
      } catch let e as Planner.PlanError {
        throw CommandUsageError(message: e.description)
      } catch let e as FitError {
        throw CommandUsageError(message: e.description)
      } catch let e as ServingModel.ServingError {
        throw CommandUsageError(message: e.description)
      }
    }

    /// One sentence on which of the dense and mixture answers is better: lifetime dollars with
    /// --serving, else the loss at the same budget (nil for a sweep).
    func comparison(dense: [Allocation], moe: [Allocation]) -> String? {
      guard sweep == nil, let d = dense.first, let m = moe.first else { return nil }
      if let ds = d.serving, let ms = m.serving {
        let (a, b) = (ds.best.totalUSD, ms.best.totalUSD)
        let cheaper = a <= b ? "dense" : "mixture of experts"
        return "lifetime $\(String(format: "%.4g", a)) dense vs $\(String(format: "%.4g", b)) mixture of experts at loss \(String(format: "%.4f", d.loss)): the \(cheaper) model is cheaper by \(String(format: "%.1f", 100 * abs(a - b) / max(a, b)))%"
      }
      if abs(m.loss - d.loss) < 1e-12 {
        return "same loss \(String(format: "%.4f", d.loss)) at \(String(format: "%.4g", d.flops)) FLOPs (the law's N is the active count); the mixture holds \(shortCount(m.experts?.paramsTotal ?? m.params)) parameters to the dense \(shortCount(d.params))"
      }
      return "loss \(String(format: "%.4f", d.loss)) dense vs \(String(format: "%.4f", m.loss)) mixture of experts (\(String(format: "%.4g", d.flops)) vs \(String(format: "%.4g", m.flops)) FLOPs)"
    }

    /// The answers to the question, dense or (with `template`) for a mixture of experts.
    func plan(_ planner: Planner, law planningLaw: PlanningLaw, hardware hw: Hardware?, template: ExpertTemplate?) throws -> [Allocation] {
        var answers: [Allocation] = []
        var budget: Double? = flops?.value
        if let h = gpuHours?.value { budget = hw!.flops(gpuHours: h) }
        if let b = usd?.value { budget = hw!.flops(gpuHours: b / usdPerGpuHour!.value) }
        if let s = sweep {
          let (a, b, n) = try parseSweep(s)
          answers = Planner.sweep(from: a, to: b, count: n).map { C in
            let base = planner.allocation(flops: C)
            return template.map { planner.expertAllocation(base, template: $0, budget: C) } ?? base
          }
        } else if let C = budget {
          if let u = uniqueTokens?.value {
            answers = [try planner.dataConstrained(flops: C, uniqueTokens: u)]
          } else {
            answers = [planner.allocation(flops: C)]
          }
          if gpuHours != nil { answers[0].notes.insert("budget: \(gpuHours!.value) GPU-hours = \(String(format: "%.4g", C)) FLOPs at MFU \(mfu.value)", at: 0) }
          if usd != nil { answers[0].notes.insert("budget: $\(usd!.value) / $\(usdPerGpuHour!.value) per GPU-hour = \(String(format: "%.4g", C)) FLOPs at MFU \(mfu.value)", at: 0) }
        } else if let N = params?.value, let D = tokens?.value {
          answers = [try planner.allocation(params: N, tokens: D)]
        } else if let N = params?.value {
          answers = [try planner.allocation(params: N, targetLoss: targetLoss?.value)]
        } else if let L = targetLoss?.value {
          answers = [try planner.allocation(targetLoss: L)]
        } else if let D = tokens?.value {
          answers = [planner.allocation(tokens: D)]
        }
        if let t = template, sweep == nil {
          answers = answers.map { planner.expertAllocation($0, template: t, budget: budget) }
        }
        if let T = inferenceTokens?.value {
          if serving, let hw {
            let g = GPU.named(servingGpu ?? gpu!)!
            let config = servingOptions.configuration(
              gpu: g, gpus: servingGpus, mfu: servingMfu.value, usdPerGPUHour: usdPerGpuHour?.value, defaultBatch: nil)
            answers = try answers.map { try planner.servingAware($0, outputTokens: T, training: hw, serving: config, template: template) }
          } else {
            answers = try answers.map { a in
              var r = try planner.inferenceAware(a, inferenceTokens: T)
              if let t = template { r = planner.expertAllocation(r, template: t, budget: nil) }
              return r
            }
          }
        }
        answers = answers.map { planner.annotated($0) }
        // Never a printed inf or NaN: a law whose constants give no finite answer is an error
        // naming the question.
        for a in answers {
          let parts = [("N", a.params), ("D", a.tokens), ("C", a.flops), ("loss", a.loss)]
          if let bad = parts.first(where: { !$0.1.isFinite }) {
            throw CommandUsageError(
              message: "the law \(planningLaw.name) gives a non-finite \(bad.0) (\(bad.1)) for this question (\(a.query)); check the law's constants (scaling plan --list-laws, or the fit file)")
          }
        }
        return answers
    }

    func listing() -> String {
      var s = ""
      for c in ChinchillaConstants.named {
        s += "\(c.name)\n    L = E + A/N^alpha + B/D^beta: E = \(c.E), A = \(c.A), B = \(c.B), alpha = \(c.alpha), beta = \(c.beta)\n"
        s += "    a = beta/(alpha+beta) = \(String(format: "%.4f", c.a)); D/N at 1e23 FLOPs = \(String(format: "%.1f", c.optimalTokens(flops: 1e23) / c.optimalParams(flops: 1e23)))\n"
        s += "    source: \(c.source)\n"
      }
      let k = KaplanFrontier()
      s += "kaplan\n    N_opt = 1.3e9 C^0.73, D_opt = 2e10 C^0.27, L = (3.1e8/C)^0.050 (C in PF-days = 8.64e19 FLOPs)\n    source: \(k.source)\n"
      return s
    }
  }
}

extension ExpertTemplate.LawParams: ExpressibleByArgument {}
