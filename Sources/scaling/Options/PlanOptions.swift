import ArgumentParser
import Foundation
import ScalingLaws

/// `scaling plan`'s question: one budget, the hardware that prices it, and the inference,
/// data and mixture-of-experts settings, checked together (``check()``, called by the command
/// after `--list-laws`) and read into a ``PlanRequest``.
struct PlanOptions: ParsableArguments {
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
  @Option(help: ArgumentHelp("A fitted formula law's other input, held at a value, e.g. U=25B or E=64; repeatable.", valueName: "name=value"))
  var at: [String] = []

  /// `--at NAME=value`, each parsed (K/M/B/T suffixes allowed).
  func atValues() throws -> [String: Double] {
    var out: [String: Double] = [:]
    for item in at {
      let (name, text) = try FormulaOptions.pair(item, flag: "--at", example: "U=25B")
      guard let v = Count(argument: text)?.value else { throw ValidationError("--at '\(item)': '\(text)' is not a finite number.") }
      guard out[name] == nil else { throw ValidationError("--at \(name) is given twice.") }
      out[name] = v
    }
    return out
  }

  @Option(
    help: ArgumentHelp(
      "A fitted formula law's other input that the plan chooses within a range (the loss-minimising value at each budget, searched on a log scale), e.g. V=8K:512K; one input.",
      valueName: "name=lo:hi"))
  var choose: [String] = []

  /// `--choose NAME=lo:hi`, each parsed (K/M/B/T suffixes; 0 < lo < hi).
  func chosenRanges() throws -> [String: ClosedRange<Double>] {
    var out: [String: ClosedRange<Double>] = [:]
    for item in choose {
      let (name, text) = try FormulaOptions.pair(item, flag: "--choose", example: "V=8K:512K")
      let ends = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      guard ends.count == 2, let lo = Count(argument: ends[0])?.value, let hi = Count(argument: ends[1])?.value else {
        throw ValidationError("--choose '\(item)': expected name=lo:hi with numbers, e.g. V=8K:512K.")
      }
      guard lo > 0, lo < hi else { throw ValidationError("--choose '\(item)': the range needs 0 < lo < hi (it is searched on a log scale).") }
      guard out[name] == nil else { throw ValidationError("--choose \(name) is given twice.") }
      out[name] = lo...hi
    }
    guard out.count <= 1 else { throw ValidationError("--choose: one input at a time (given: \(out.keys.sorted().joined(separator: ", "))); hold the others with --at.") }
    return out
  }

  @Option(
    help: ArgumentHelp(
      "The peak learning rate and batch for every planned run: steplaw (Li et al. 2025), deepseek (DeepSeek LLM 2024), or a `scaling hparams --format json` file.",
      valueName: "law|file"))
  var hparams: String?
  @Option(help: "With --hparams: tokens per sequence, to give the batch in sequences too.") var sequenceLength: Count?

  /// The `--hparams` law: a named set or a hyperparameter fit file (nil without the flag).
  func hyperparameterLaw() throws -> HyperparameterLaw? {
    guard let h = hparams else { return nil }
    if let named = HyperparameterLaw.named(h) { return named }
    guard FileManager.default.fileExists(atPath: h) else {
      throw ValidationError(
        "--hparams \(h): not a named set (\(HyperparameterLaw.named.map(\.name).joined(separator: ", "))) and no file of that name (a `scaling hparams --format json` file).")
    }
    do {
      return try HyperparameterDocument.law(path: h)
    } catch let e as HyperparameterDocument.ReadError {
      throw CommandUsageError(message: "--hparams \(e.description)")
    }
  }

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

  enum HeldQuantity: String, ExpressibleByArgument, CaseIterable { case loss, budget }

  var template: ExpertTemplate? {
    guard let e = experts, let k = activeExperts else { return nil }
    return ExpertTemplate(experts: e, active: k, lawParams: moeLawParams ?? .active)
  }

  var hardware: Hardware? {
    guard gpu != nil || peakTflops != nil else { return nil }
    let g = gpu.flatMap { GPU.named($0) }
    return Hardware(
      peakTFLOPs: peakTflops?.value ?? g!.denseBF16TFLOPs, gpuName: g?.name ?? "custom", mfu: mfu.value,
      gpus: gpus, usdPerGPUHour: usdPerGpuHour?.value)
  }

  /// The question the flags ask (after ``check()``).
  func request() throws -> PlanRequest {
    let budget: PlanRequest.Budget
    if let f = flops?.value { budget = .flops(f) }
    else if let h = gpuHours?.value { budget = .gpuHours(h) }
    else if let b = usd?.value { budget = .usd(b) }
    else if let s = sweep { let (a, b, n) = try parseSweep(s); budget = .sweep(from: a, to: b, count: n) }
    else if let N = params?.value, let D = tokens?.value { budget = .run(params: N, tokens: D) }
    else if let N = params?.value { budget = .params(N, targetLoss: targetLoss?.value) }
    else if let L = targetLoss?.value { budget = .targetLoss(L) }
    else { budget = .tokens(tokens!.value) }
    var r = PlanRequest(budget: budget, hardware: hardware)
    r.uniqueTokens = uniqueTokens?.value
    r.inferenceTokens = inferenceTokens?.value
    if serving, let g = GPU.named(servingGpu ?? gpu ?? "") {
      r.serving = servingOptions.configuration(
        gpu: g, gpus: servingGpus, mfu: servingMfu.value, usdPerGPUHour: usdPerGpuHour?.value, defaultBatch: nil)
    }
    return r
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

  func positive(_ v: Double?, _ flag: String) throws {
    if let v, !(v > 0 && v.isFinite) { throw ValidationError("\(flag) must be a positive finite number (got \(v)).") }
  }

/// The flags together: exactly one budget, the hardware a budget in GPU-hours or dollars needs,
/// and the inference, serving and mixture settings in their combinations.
func check() throws {
    if sequenceLength != nil && hparams == nil {
      throw ValidationError("--sequence-length gives the --hparams batch in sequences: it needs --hparams.")
    }
    if let s = sequenceLength, !(s.value > 0) {
      throw ValidationError("--sequence-length \(s.value): a positive number of tokens per sequence.")
    }
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
    try GivenFlags.refuse(
      [
        "--weight-bits", "--kv-bits", "--state-bits", "--fp8", "--context", "--batch", "--prompt-tokens", "--output-tokens",
        "--memory-fraction", "--serving-gpu", "--serving-gpus", "--serving-mfu",
      ], when: !serving, "without --serving (they describe how the planned model is served)")
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
}

extension ExpertTemplate.LawParams: ExpressibleByArgument {}
