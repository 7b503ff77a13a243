import Foundation
import XCTest

/// Runs the built `scaling` executable and captures its output (the argument-parser style of
/// end-to-end test: exact stdout, stderr and exit code).
struct CLIResult {
  let stdout: String
  let stderr: String
  let status: Int32
  var timedOut = false
}

enum CLI {
  /// The `scaling` binary next to the test bundle (.build/<config>/scaling).
  static var executable: URL {
    var dir = Bundle.main.bundleURL
    if dir.pathExtension == "xctest" { dir.deleteLastPathComponent() }
    for candidate in [dir, Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()] {
      let url = candidate.appendingPathComponent("scaling")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return dir.appendingPathComponent("scaling")
  }

  final class Marker {}

  static func run(
    _ args: [String], environment: [String: String]? = nil, cwd: String? = nil, timeout: Double = 300
  ) throws -> CLIResult {
    let p = Process()
    p.executableURL = executable
    p.arguments = args
    if let environment { p.environment = environment }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let killer = DispatchWorkItem { if p.isRunning { p.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    killer.cancel()
    return CLIResult(
      stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self),
      status: p.terminationStatus, timedOut: p.terminationReason == .uncaughtSignal)
  }
}

func fixture(_ name: String) -> String {
  Bundle.module.path(forResource: "Fixtures/\(name)", ofType: nil)!
}

/// A fresh temporary directory, removed at the end of the test.
func temporaryDirectory(_ test: XCTestCase) throws -> String {
  let dir = NSTemporaryDirectory() + "scaling-cli-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
  return dir
}

/// The checkout's `datasets/` folder (the shipped data, with their attributions).
func datasetsFolder() -> String {
  var url = URL(fileURLWithPath: #filePath)
  for _ in 0..<3 { url.deleteLastPathComponent() }
  return url.appendingPathComponent("datasets").path
}
