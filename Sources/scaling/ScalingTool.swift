import ArgumentParser
import Foundation
import ScalingLaws

@main
struct ScalingTool: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scaling",
    abstract: "Fit neural scaling laws to training results, and plan compute budgets.",
    version: "0.1.0",
    subcommands: [Fit.self, Predict.self, LadderCommand.self, Plan.self, Report.self, Flops.self, Serve.self, Inspect.self])

  /// Exit codes: 0 success, 1 bad data or a failed computation, 2 bad usage (flags).
  static func main() {
    // The library names the settings in its messages; the tool's users type them as flags.
    OptionName.spelling = .flag
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let error as CommandUsageError {
      FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
      Foundation.exit(2)
    } catch let error as UserFacingError {
      FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
      Foundation.exit(1)
    } catch {
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
