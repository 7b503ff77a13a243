import Foundation

/// Runs the `gnuplot` program (Debian: gnuplot-nox) on a script file: the one place that
/// shells out. Reads stderr, checks the exit status, and gives up after a timeout.
public struct Gnuplot: Sendable {
  public enum GnuplotError: Error, CustomStringConvertible, Equatable {
    case notInstalled
    case failed(script: String, status: Int32, message: String)
    case timedOut(script: String, seconds: Double)

    public var description: String {
      switch self {
      case .notInstalled:
        return "gnuplot is not installed: the .gp scripts were written but not rendered (install the Debian package gnuplot-nox, or pass \(OptionName.scriptsOnly))"
      case .failed(let script, let status, let message):
        return "gnuplot failed on \(script) (exit \(status)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))"
      case .timedOut(let script, let seconds):
        return "gnuplot did not finish \(script) within \(Int(seconds)) s"
      }
    }
  }

  public var timeout: Double = 60
  /// PATH to search (the process's own by default).
  public var searchPath: String? = nil

  public init() {}

  /// The gnuplot executable on PATH, if any.
  public func executable() -> String? {
    let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/gnuplot"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// Renders `script` (a path) with the working directory set to the script's folder.
  public func render(scriptAt path: String) throws {
    guard let exe = executable() else { throw GnuplotError.notInstalled }
    let url = URL(fileURLWithPath: path)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = [url.lastPathComponent]
    p.currentDirectoryURL = url.deletingLastPathComponent()
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let deadline = Date().addingTimeInterval(timeout)
    let stderrData = ReadAll(err.fileHandleForReading)
    while p.isRunning {
      if Date() > deadline {
        p.terminate()
        p.waitUntilExit()
        throw GnuplotError.timedOut(script: path, seconds: timeout)
      }
      usleep(5_000)
    }
    let message = String(decoding: stderrData.wait(), as: UTF8.self)
    guard p.terminationStatus == 0 else {
      throw GnuplotError.failed(script: path, status: p.terminationStatus, message: message)
    }
  }
}

/// Drains a pipe on a background thread (so a chatty child cannot block on a full pipe).
final class ReadAll: @unchecked Sendable {
  private var data = Data()
  private let done = DispatchSemaphore(value: 0)

  init(_ handle: FileHandle) {
    Thread.detachNewThread { [self] in
      data = handle.readDataToEndOfFile()
      done.signal()
    }
  }

  func wait() -> Data {
    done.wait()
    return data
  }
}
