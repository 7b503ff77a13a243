import ArgumentParser
import Foundation
import ScalingLaws

@main
struct ScalingTool: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scaling",
    abstract: "Fit neural scaling laws to training results, and plan compute budgets.",
    version: "0.1.0",
    subcommands: [Fit.self, Predict.self, LadderCommand.self, Plan.self, Hparams.self, Compare.self, Report.self, Flops.self, Serve.self, Inspect.self])

  /// Exit codes: 0 success, 1 bad data or a failed computation, 2 bad usage (flags).
  static func main() {
    // The library names the settings in its messages; the tool's users type them as flags.
    OptionName.spelling = .flag
    do {
      let arguments = joiningNegativeValues(Array(CommandLine.arguments.dropFirst()))
      var command = try parseDirectly(arguments) ?? parseAsRoot(arguments)
      try command.run()
    } catch let error as CommandUsageError {
      FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
      Foundation.exit(2)
    } catch let error as UserFacingError {
      FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
      Foundation.exit(1)
    } catch {
      // ArgumentParser runs a command's validate() before it looks for unknown options, so a
      // misspelt flag was reported as the check its absence failed ("Give a shape"): name it.
      if let unknown = unknownOption(Array(CommandLine.arguments.dropFirst())) {
        FileHandle.standardError.write(Data("error: \(unknown)\n".utf8))
        Foundation.exit(2)
      }
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      var message = fullMessage(for: error)
      if !message.hasPrefix("Error:") && !message.hasPrefix("error:") && !message.hasPrefix("Usage") {
        message = "error: " + message
      }
      FileHandle.standardError.write(Data((message + "\n").utf8))
      // Flag problems (ArgumentParser's validation failures) are usage errors, 2; every other
      // error reaching here (a LAPACK failure inside a fit, a file system error) is a failed
      // computation, 1.
      Foundation.exit(code == .validationFailure || code.rawValue == 64 ? 2 : (code.rawValue == 0 ? 0 : 1))
    }
  }
}

extension ScalingTool {
  /// `scaling SUBCOMMAND ARGS...` parsed as SUBCOMMAND alone, or nil when that parse fails or
  /// the first argument names no subcommand (the caller then parses from the root, which gives
  /// every error, help and version text exactly as before, with the full `scaling fit` stack).
  ///
  /// Why: from the root, ArgumentParser (1.8.2) builds the subcommand's whole argument set two
  /// extra times while scanning for the subcommand's name (`includesPassthroughArguments`,
  /// evaluated twice in `ArgumentSet.lenientParse`); for `fit` (~60 options in its groups) the
  /// direct parse saves ~1.7 ms of a 14 ms sigmoid fit of 500 points (median of 80 alternating
  /// runs: 14.0 -> 12.3 ms; issue 11's budget is 20 ms). The subcommand's own parse and
  /// `validate()` are the same code either way.
  static func parseDirectly(_ arguments: [String]) -> ParsableCommand? {
    guard let name = arguments.first,
      let subcommand = configuration.subcommands.first(where: { $0._commandName == name })
    else { return nil }
    // Only the subcommand itself: a help request parses to ArgumentParser's own help command,
    // which must print from the root's stack.
    guard let command = try? subcommand.parseAsRoot(Array(arguments.dropFirst())),
      type(of: command) == subcommand
    else { return nil }
    return command
  }
}

extension ScalingTool {
  /// "Unknown option '--layer' for `scaling serve` (did you mean --layers?)" for the first long
  /// option of `arguments` that the subcommand does not have (its help, hidden options included,
  /// lists every name), or nil. Only asked after a parse failed, so it costs a successful run nothing.
  static func unknownOption(_ arguments: [String]) -> String? {
    guard let name = arguments.first,
      let subcommand = configuration.subcommands.first(where: { $0._commandName == name })
    else { return nil }
    let help = subcommand.helpMessage(includeHidden: true, columns: 10_000)
    var known: Set<String> = ["--help", "--version", "--experimental-dump-help"]
    var scanner = help[...]
    while let r = scanner.range(of: "--") {
      var end = r.upperBound
      while end < scanner.endIndex, scanner[end].isLetter || scanner[end].isNumber || scanner[end] == "-" {
        end = scanner.index(after: end)
      }
      if end > r.upperBound { known.insert(String(scanner[r.lowerBound..<end])) }
      scanner = scanner[end...]
    }
    for flag in GivenFlags.names(Array(arguments.dropFirst())) where !known.contains(flag) {
      let close = known.filter { $0.count > 3 && ($0.hasPrefix(flag) || flag.hasPrefix($0) || editDistance($0, flag) <= 2) }.sorted()
      let hint = close.isEmpty ? "" : " (did you mean \(close.prefix(3).joined(separator: ", "))?)"
      return "Unknown option '\(flag)' for `scaling \(name)`\(hint); see 'scaling \(name) --help'"
    }
    return nil
  }

  /// Levenshtein distance of two short strings.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    var row = Array(0...y.count)
    for i in 1...max(1, x.count) where !x.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in 1...max(1, y.count) where !y.isEmpty {
        let saved = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
        previous = saved
      }
    }
    return row[y.count]
  }

  /// ArgumentParser reads a value such as `-5` after an option as another option ("Missing value
  /// for '--params'"); an argument that looks like a negative number and follows an option is
  /// joined to it (`--params=-5`), so it is parsed as the number it is and then refused by the
  /// option's own range check with the range message.
  static func joiningNegativeValues(_ args: [String]) -> [String] {
    var out: [String] = []
    var i = 0
    while i < args.count {
      let a = args[i]
      if a.hasPrefix("--"), !a.contains("="), a.count > 2, i + 1 < args.count, looksNegative(args[i + 1]) {
        out.append(a + "=" + args[i + 1])
        i += 2
        continue
      }
      out.append(a)
      i += 1
    }
    return out
  }

  /// "-5", "-0.5", "-.5", "-1e9", "-7B": a minus sign and then a digit or a point and a digit.
  static func looksNegative(_ s: String) -> Bool {
    let b = Array(s.utf8)
    guard b.count >= 2, b[0] == UInt8(ascii: "-") else { return false }
    func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    return digit(b[1]) || (b[1] == UInt8(ascii: ".") && b.count >= 3 && digit(b[2]))
  }
}

/// A usage problem found after parsing (e.g. a target loss below the law's floor): one line,
/// exit code 2.
struct CommandUsageError: Error {
  let message: String
}

/// Errors about the data or the computation (exit code 1), printed as one line.
protocol UserFacingError: Error, CustomStringConvertible {}
extension CSVError: UserFacingError {}
extension FitError: UserFacingError {}
extension AtomicFile.WriteError: UserFacingError {}
extension ReportWriter.FolderBusy: UserFacingError {}
