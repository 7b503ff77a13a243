import Foundation

/// Each run's learning-rate schedule, from a spec (flags or per-row columns) or from the learning
/// rate at its checkpoints, and the per-checkpoint areas the curve laws use.
extension DatasetLoader {
  /// Below this many logged rates per run, an interpolated learning-rate history is a guess and
  /// the loader says so (a run with every checkpoint logged has hundreds).
  static let fewestInterpolatedCheckpoints = 3

  /// The longest schedule expanded step by step (8 bytes a step per run; Pythia has 143,000
  /// steps, the longest published LLM runs a few million).
  public static let maxScheduleSteps = 100_000_000

  /// What the loader parsed, by role, for every row of the file.
  struct ScheduleInputs {
    var file: String
    var numeric: [Quantity: [Double]]
    var labels: [Quantity: [String]]
    /// The header name of each resolved role.
    var columnName: [Quantity: String]
    var lines: [Int]
    var tokens: [Double]?
  }

  /// The schedules of the runs that have a row in `keep`, and the features of every row (rows
  /// outside `keep` get run index −1). Notes describe how schedules were found; warnings are
  /// disagreements the user should see.
  func curveFeatures(_ input: ScheduleInputs, keep: [Int], rowCount: Int) throws
    -> (features: CurveFeatures, notes: [String], warnings: [String])
  {
    let opts = options.schedule ?? ScheduleOptions()
    let file = input.file
    guard let steps = input.numeric[.step] else {
      throw CSVError(
        file: file, line: 1,
        "a learning-rate-aware law needs a step column (looked for \(quoted(Quantity.step.aliases))); name it with \(OptionName.stepColumn)")
    }
    let runLabels = input.labels[.run]
    func runName(_ row: Int) -> String { runLabels?[row] ?? "(whole file)" }
    var rowsOfRun: [String: [Int]] = [:]
    var order: [String] = []
    for row in 0..<rowCount {
      let r = runName(row)
      if rowsOfRun[r] == nil { order.append(r) }
      rowsOfRun[r, default: []].append(row)
    }
    let needed = Set(keep.map(runName))
    func col(_ q: Quantity) -> String { Self.column(input, q) }

    var schedules: [RunSchedule] = []
    var indexOf: [String: Int] = [:]
    var scan = ScheduleScan()
    for run in order where needed.contains(run) {
      let rows = rowsOfRun[run]!
      let first = rows[0]
      let line0 = input.lines[first]
      let runSteps = try validatedSteps(input, rows: rows, run: run, steps: steps)
      func perRun(_ q: Quantity) -> Int? {
        guard let v = input.numeric[q] else { return nil }
        return Int(v[first])
      }
      let lrColumn = input.numeric[.lr].map { v in rows.map { v[$0] } }
      if let lrs = lrColumn, lrs.allSatisfy({ $0 == 0 }) {
        throw CSVError(file: file, line: line0, "\(col(.lr)): every learning rate of run '\(run)' is 0")
      }
      let peak = input.numeric[.peakLR]?[first] ?? opts.peakLR ?? lrColumn?.max()
      let tps = try tokensPerStep(input, rows: rows, steps: runSteps, run: run, warnings: &scan.tpsWarnings)
      let lastStep = runSteps.last!
      let kindText = input.labels[.schedule]?[first].trimmingCharacters(in: .whitespaces)
      let fromColumns = (kindText?.isEmpty == false) || input.numeric[.totalSteps] != nil
      let kind: LearningRateSchedule.Kind?
      do {
        kind = try kindText.flatMap { $0.isEmpty ? nil : try LearningRateSchedule.kind(named: $0) } ?? opts.kind
      } catch {
        throw CSVError(file: file, line: line0, "\(col(.schedule)): \(error)")
      }
      let schedule: RunSchedule
      if let kind {
        schedule = try specSchedule(
          input, rows: rows, runSteps: runSteps, run: run, kind: kind, fromColumns: fromColumns, peak: peak,
          lrColumn: lrColumn, tokensPerStep: tps, scan: &scan)
      } else if let lrs = lrColumn {
        schedule = RunSchedule.interpolated(
          run: run, steps: runSteps, lrs: lrs, peakLR: peak, warmupSteps: perRun(.warmupSteps) ?? opts.warmupSteps,
          through: lastStep, tokensPerStep: tps)
        scan.interpolatedRuns += 1
        if runSteps.count < Self.fewestInterpolatedCheckpoints { scan.thin.append((run, runSteps.count)) }
        var gap = runSteps[0], prev = runSteps[0]
        for s in runSteps.dropFirst() {
          gap = max(gap, s - prev)
          prev = s
        }
        if lastStep > 0, Double(gap) > 0.05 * Double(lastStep) {
          scan.sparse.append((run, gap, Double(gap) / Double(lastStep)))
        }
      } else {
        throw CSVError(
          file: file, line: line0,
          "no learning-rate schedule for run '\(run)': give \(OptionName.schedule) (with \(OptionName.totalSteps), \(OptionName.peakLR), \(OptionName.warmupSteps)) or a schedule column, or an lr column with the rate at each checkpoint (looked for \(quoted(Quantity.lr.aliases)); name it with \(OptionName.lrColumn))")
      }
      indexOf[run] = schedules.count
      schedules.append(schedule)
    }

    let features = rowFeatures(schedules, rowsOfRun: rowsOfRun, steps: steps, rowCount: rowCount, options: opts)
    let (notes, warnings) = scheduleReport(scan, input, opts)
    return (features, notes, warnings)
  }

  /// A run's checkpoints as whole, increasing steps, its per-run schedule columns the same on
  /// every row (a run has one schedule).
  func validatedSteps(_ input: ScheduleInputs, rows: [Int], run: String, steps: [Double]) throws -> [Int] {
    let file = input.file, first = rows[0], line0 = input.lines[rows[0]]
    func col(_ q: Quantity) -> String { Self.column(input, q) }
    var runSteps: [Int] = []
    for (k, row) in rows.enumerated() {
      let s = steps[row]
      guard s == s.rounded() else {
        throw CSVError(file: file, line: input.lines[row], "\(col(.step)): \(formatCount(s)) is not a whole step")
      }
      guard s <= Double(Self.maxScheduleSteps) else {
        throw CSVError(
          file: file, line: input.lines[row],
          "\(col(.step)): step \(formatCount(s)) is beyond the \(formatCount(Double(Self.maxScheduleSteps))) steps a learning-rate schedule is expanded to")
      }
      if k > 0, Int(s) <= runSteps[k - 1] {
        throw CSVError(
          file: file, line: input.lines[row],
          "step \(Int(s)) of run '\(run)' does not come after step \(runSteps[k - 1]) (line \(input.lines[rows[k - 1]])): a run's checkpoints must be in increasing step order")
      }
      runSteps.append(Int(s))
    }
    // One schedule per run: the per-run columns must not change within it.
    for q in [Quantity.peakLR, .totalSteps, .warmupSteps] {
      guard let v = input.numeric[q] else { continue }
      if let row = rows.first(where: { v[$0] != v[first] }) {
        throw CSVError(
          file: file, line: input.lines[row],
          "\(col(q)): \(formatCount(v[row])) differs from \(formatCount(v[first])) on line \(line0) of the same run '\(run)' (a run has one schedule)")
      }
    }
    for q in [Quantity.schedule, .scheduleArgs] {
      guard let v = input.labels[q] else { continue }
      if let row = rows.first(where: { v[$0] != v[first] }) {
        throw CSVError(
          file: file, line: input.lines[row],
          "\(col(q)): '\(clipped(v[row]))' differs from '\(clipped(v[first]))' on line \(line0) of the same run '\(run)' (a run has one schedule)")
      }
    }
    return runSteps
  }

  /// The exact schedule of a run from its spec (columns or flags), its lr column checked
  /// against it.
  func specSchedule(
    _ input: ScheduleInputs, rows: [Int], runSteps: [Int], run: String, kind: LearningRateSchedule.Kind, fromColumns: Bool,
    peak: Double?, lrColumn: [Double]?, tokensPerStep tps: Double?, scan: inout ScheduleScan
  ) throws -> RunSchedule {
    let opts = options.schedule ?? ScheduleOptions()
    let file = input.file, first = rows[0], line0 = input.lines[rows[0]], lastStep = runSteps.last!
    func col(_ q: Quantity) -> String { Self.column(input, q) }
    func perRun(_ q: Quantity) -> Int? { input.numeric[q].map { Int($0[first]) } }
    let whereSpec = fromColumns ? "run '\(run)'" : "\(OptionName.schedule) \(kind.rawValue)"
    guard let total = perRun(.totalSteps) ?? opts.totalSteps else {
      throw CSVError(
        file: file, line: line0,
        "run '\(run)': a \(kind.rawValue) schedule needs its length: a total_steps column or \(OptionName.totalSteps)")
    }
    guard let peak else {
      throw CSVError(
        file: file, line: line0,
        "run '\(run)': the schedule needs a peak learning rate: a peak_lr column, \(OptionName.peakLR), or an lr column")
    }
    let fromFraction: Int? = opts.warmupFraction.map { Int((Double(total) * $0).rounded()) }
    let warmup: Int = perRun(.warmupSteps) ?? opts.warmupSteps ?? fromFraction ?? 0
    let args: LearningRateSchedule.Arguments
    do {
      args = try LearningRateSchedule.Arguments(input.labels[.scheduleArgs]?[first] ?? "")
    } catch {
      throw CSVError(file: file, line: line0, "\(col(.scheduleArgs)): \(error)")
    }
    let spec: LearningRateSchedule
    do {
      spec = try LearningRateSchedule(
        kind: kind, totalSteps: total, warmupSteps: warmup, peakLR: peak,
        finalLRFraction: args.finalLRFraction ?? opts.finalLRFraction ?? 0.1,
        decayStart: args.decayStart ?? opts.decayStart, stageStart: args.stageStart ?? opts.stageStart,
        stageLR: args.stageLR ?? opts.stageLR)
    } catch {
      var message = "\(error)"
      if kind == .twoStage, args.stageStart == nil && opts.stageStart == nil || args.stageLR == nil && opts.stageLR == nil {
        message = "a two-stage schedule needs its stage start and stage rate: \(OptionName.stageStart) and \(OptionName.stageLR), or stage_start=...;stage_lr=... in a schedule_args column"
      } else if kind == .wsdExp || kind == .wsdLinear, args.decayStart == nil && opts.decayStart == nil {
        message = "a \(kind.rawValue) schedule needs its decay start: \(OptionName.decayStart), or decay_start=... in a schedule_args column"
      }
      throw CSVError(file: file, line: line0, "\(whereSpec): \(message)")
    }
    guard total <= Self.maxScheduleSteps else {
      throw CSVError(
        file: file, line: line0,
        "\(whereSpec): \(total) total steps is beyond the \(formatCount(Double(Self.maxScheduleSteps))) steps a learning-rate schedule is expanded to")
    }
    if lastStep > total {
      let row = rows[runSteps.firstIndex { $0 > total }!]
      throw CSVError(
        file: file, line: input.lines[row],
        "step \(runSteps.first { $0 > total }!) of run '\(run)' is past the end of its schedule (\(total) total steps, from \(input.numeric[.totalSteps] != nil ? col(.totalSteps) : "\(OptionName.totalSteps)"))")
    }
    let schedule = RunSchedule(run: run, spec: spec, through: lastStep, tokensPerStep: tps)
    scan.specRuns += 1
    if let lrs = lrColumn {
      for (k, s) in runSteps.enumerated() {
        scan.checkedAgainstSpec += 1
        let a = lrs[k], b = spec.lr(at: s)
        if abs(a - b) > 0.01 * max(a, b) && abs(a - b) > 1e-3 * peak {
          scan.mismatches.append((run, s, input.lines[rows[k]], a, b))
        }
      }
    }
    return schedule
  }

  /// Each kept row's run, step, learning rate and areas (rows outside the runs get run index −1).
  func rowFeatures(
    _ schedules: [RunSchedule], rowsOfRun: [String: [Int]], steps: [Double], rowCount: Int, options opts: ScheduleOptions
  ) -> CurveFeatures {
    var runIndex = [Int](repeating: -1, count: rowCount)
    var stepOf = [Int](repeating: 0, count: rowCount)
    var lr = [Double](repeating: .nan, count: rowCount)
    var area = [Double](repeating: .nan, count: rowCount)
    var tokenArea = [Double](repeating: .nan, count: rowCount)
    var annealing = [Double](repeating: .nan, count: rowCount)
    for (index, schedule) in schedules.enumerated() {
      let rows = rowsOfRun[schedule.run]!
      let s = rows.map { Int(steps[$0]) }
      let a = schedule.areas(at: s, annealingDecay: opts.annealingDecay)
      for (k, row) in rows.enumerated() {
        runIndex[row] = index
        stepOf[row] = s[k]
        lr[row] = schedule.rates[s[k]]
        area[row] = a.area[k]
        tokenArea[row] = a.tokenArea[k]
        annealing[row] = a.annealing[k]
      }
    }
    return CurveFeatures(
      schedules: schedules, runIndex: runIndex, step: stepOf, lr: lr, area: area, tokenArea: tokenArea,
      annealing: annealing, annealingDecay: opts.annealingDecay, options: opts)
  }

  /// How the schedules were found (notes) and what the user should check (warnings).
  func scheduleReport(_ scan: ScheduleScan, _ input: ScheduleInputs, _ opts: ScheduleOptions) -> (notes: [String], warnings: [String]) {
    func col(_ q: Quantity) -> String { Self.column(input, q) }
    var sparse = scan.sparse
    let (thin, mismatches, specRuns, interpolatedRuns, checkedAgainstSpec) = (scan.thin, scan.mismatches, scan.specRuns, scan.interpolatedRuns, scan.checkedAgainstSpec)
    var notes: [String] = []
    if specRuns > 0 {
      notes.append("learning rate: the exact schedule of \(specRuns) run\(specRuns == 1 ? "" : "s") from its spec (\(specSource(input, opts)))")
    }
    if interpolatedRuns > 0 {
      notes.append("learning rate: interpolated linearly between the checkpoints' \(col(.lr)) for \(interpolatedRuns) run\(interpolatedRuns == 1 ? "" : "s") (a linear rise from 0 before the first)")
    }
    notes.append("annealing momentum lambda = \(opts.annealingDecay)")
    var warnings = scan.tpsWarnings
    if let first = thin.first {
      // A history from one or two logged rates is a guess: the areas S1 and S2 a curve law reads
      // come from a straight line between them (from 0 before the first).
      warnings.append(
        "the learning-rate history of \(thin.count) run\(thin.count == 1 ? "" : "s") rests on fewer than \(Self.fewestInterpolatedCheckpoints) checkpoints of the \(col(.lr)) (run '\(first.run)': \(first.count)): the schedule between them is guessed as a straight line (from 0 before the first), so S1 and S2, and every prediction from them, can be far off; give the schedule (\(OptionName.schedule), \(OptionName.totalSteps), \(OptionName.warmupSteps), \(OptionName.peakLR), or schedule columns) or the runs' every checkpoint to make it exact")
    }
    sparse.removeAll { s in thin.contains { $0.run == s.run } }
    if let worst = sparse.max(by: { $0.fraction < $1.fraction }) {
      warnings.append(
        "checkpoints are sparse for a learning rate interpolated between them: \(sparse.count) run\(sparse.count == 1 ? " has" : "s have") gaps above 5% of the run (largest: \(worst.gap) steps, \(String(format: "%.0f", 100 * worst.fraction))% of run '\(worst.run)'); the areas S1 and S2 are approximate where the schedule is not linear between checkpoints; a schedule spec (\(OptionName.schedule), \(OptionName.totalSteps), \(OptionName.peakLR), \(OptionName.warmupSteps)) makes them exact")
    }
    if let worst = mismatches.max(by: { abs($0.lr - $0.spec) / max($0.lr, $0.spec) < abs($1.lr - $1.spec) / max($1.lr, $1.spec) }) {
      warnings.append(
        "the \(col(.lr)) differs from the schedule spec by more than 1% at \(mismatches.count) of \(checkedAgainstSpec) checkpoints (worst: run '\(worst.run)' step \(worst.step), line \(worst.line): lr \(String(format: "%.6g", worst.lr)), spec \(String(format: "%.6g", worst.spec))); the spec is used")
    }
    return (notes, warnings)
  }

  /// How messages name a quantity's column: "column 'NAME'", or the option that sets it.
  static func column(_ input: ScheduleInputs, _ q: Quantity) -> String {
    input.columnName[q].map { "column '\($0)'" } ?? q.columnOption
  }

  /// Tokens per step of a run: --tokens-per-step, else tokens/step at its last checkpoint (with a
  /// warning when the ratio varies by more than 1% along the run); nil without tokens.
  private func tokensPerStep(
    _ input: ScheduleInputs, rows: [Int], steps: [Int], run: String, warnings: inout [String]
  ) throws -> Double? {
    if let t = options.tokensPerStep { return t }
    guard let tokens = input.tokens else { return nil }
    let ratios = zip(rows, steps).filter { $0.1 > 0 }.map { tokens[$0.0] / Double($0.1) }
    guard let last = ratios.last, last.isFinite, last > 0 else { return nil }
    if let lo = ratios.min(), let hi = ratios.max(), hi > 1.01 * lo {
      warnings.append(
        "tokens per step of run '\(run)' vary from \(formatCount(lo)) to \(formatCount(hi)); the token area uses \(formatCount(last)) (its last checkpoint)")
    }
    return last
  }

  private func specSource(_ input: ScheduleInputs, _ opts: ScheduleOptions) -> String {
    var parts: [String] = []
    for q in [Quantity.schedule, .scheduleArgs, .totalSteps, .warmupSteps, .peakLR] {
      if let c = input.columnName[q] { parts.append("\(q.rawValue) from column '\(c)'") }
    }
    if let k = opts.kind, input.columnName[.schedule] == nil { parts.append("\(OptionName.schedule) \(k.rawValue)") }
    if input.columnName[.totalSteps] == nil, let t = opts.totalSteps { parts.append("\(OptionName.totalSteps) \(t)") }
    if input.columnName[.warmupSteps] == nil {
      if let w = opts.warmupSteps { parts.append("\(OptionName.warmupSteps) \(w)") }
      else if let f = opts.warmupFraction { parts.append("\(OptionName.warmupFraction) \(f)") }
    }
    if input.columnName[.peakLR] == nil, let p = opts.peakLR { parts.append("\(OptionName.peakLR) \(p)") }
    if let f = opts.finalLRFraction { parts.append("\(OptionName.finalLRFraction) \(f)") }
    return parts.joined(separator: ", ")
  }
}

/// What reading the runs' schedules found, for the notes and warnings (``DatasetLoader/scheduleReport``).
struct ScheduleScan {
  var mismatches: [(run: String, step: Int, line: Int, lr: Double, spec: Double)] = []
  var checkedAgainstSpec = 0
  var sparse: [(run: String, gap: Int, fraction: Double)] = []
  var thin: [(run: String, count: Int)] = []
  var interpolatedRuns = 0, specRuns = 0
  var tpsWarnings: [String] = []
}
