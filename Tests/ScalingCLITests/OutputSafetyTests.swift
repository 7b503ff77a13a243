import Foundation
import XCTest

/// `--output` never destroys what is at its path (issue 22, item 1): every case in a temporary
/// folder (never a real device node), each asserting the exit status, the message and the bytes
/// and file types on disk afterwards.
final class OutputSafetyTests: XCTestCase {
  let fm = FileManager.default

  /// A folder holding a copy of the small fixture as `data.csv`.
  func workspace() throws -> (dir: String, data: String, bytes: Data) {
    let dir = try temporaryDirectory(self)
    let data = dir + "/data.csv"
    try fm.copyItem(atPath: fixture("small.csv"), toPath: data)
    return (dir, data, try Data(contentsOf: URL(fileURLWithPath: data)))
  }

  func fileType(_ path: String) -> FileAttributeType? {
    (try? fm.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
  }

  func testOutputNamingTheInputIsAUsageErrorAndTheDataStay() throws {
    let w = try workspace()
    let r = try CLI.run(["fit", w.data, "--output", w.data])
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(r.stderr, "error: --output \(w.data) is an input file of this command; refusing to overwrite it\n")
    XCTAssertEqual(r.stdout, "")
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: w.data)), w.bytes)
  }

  func testOutputLinkingToTheInputIsRefused() throws {
    let w = try workspace()
    let link = w.dir + "/alias.csv"
    try fm.createSymbolicLink(atPath: link, withDestinationPath: "data.csv")
    for args in [["fit", w.data, "--output", link], ["fit", w.data, "--bootstrap", "2", "--bootstrap-samples", link]] {
      let r = try CLI.run(args)
      XCTAssertEqual(r.status, 2, args.joined(separator: " "))
      XCTAssertTrue(r.stderr.hasPrefix("error: --output \(link) is the input file \(w.data) (the same file through a link)"), r.stderr)
    }
    XCTAssertEqual(fileType(link), .typeSymbolicLink)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: w.data)), w.bytes)
    // predict: the fit file is an input too.
    let fit = w.dir + "/fit.json"
    XCTAssertEqual(try CLI.run(["fit", w.data, "--format", "json", "--output", fit]).status, 0)
    let fitBytes = try Data(contentsOf: URL(fileURLWithPath: fit))
    let p = try CLI.run(["predict", "--fit", fit, w.data, "--output", fit])
    XCTAssertEqual(p.status, 2)
    XCTAssertEqual(p.stderr, "error: --output \(fit) is an input file of this command; refusing to overwrite it\n")
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fit)), fitBytes)
    let q = try CLI.run(["plan", "--law", fit, "--flops", "1e20", "--output", fit])
    XCTAssertEqual(q.status, 2)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: fit)), fitBytes)
  }

  func testSymlinkStaysALinkAndItsTargetIsReplacedKeepingTheMode() throws {
    let w = try workspace()
    let target = w.dir + "/target.txt", link = w.dir + "/out.txt"
    try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
    try fm.setAttributes([.posixPermissions: 0o640], ofItemAtPath: target)
    try fm.createSymbolicLink(atPath: link, withDestinationPath: "target.txt")
    let r = try CLI.run(["fit", w.data, "--output", link])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(r.stdout, "")
    XCTAssertEqual(fileType(link), .typeSymbolicLink)
    XCTAssertEqual(try fm.destinationOfSymbolicLink(atPath: link), "target.txt")
    XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("[[Fit]] \(w.data)\n"))
    XCTAssertEqual((try fm.attributesOfItem(atPath: target))[.posixPermissions] as? Int, 0o640)
    // A dangling link creates its target; the link is still the link.
    let dangling = w.dir + "/later.txt"
    try fm.createSymbolicLink(atPath: dangling, withDestinationPath: "made.txt")
    XCTAssertEqual(try CLI.run(["fit", w.data, "--output", dangling]).status, 0)
    XCTAssertEqual(fileType(dangling), .typeSymbolicLink)
    XCTAssertTrue(try String(contentsOfFile: w.dir + "/made.txt", encoding: .utf8).hasPrefix("[[Fit]]"))
    // No temporary file is left in the folder.
    XCTAssertEqual(try fm.contentsOfDirectory(atPath: w.dir).filter { $0.contains(".tmp-") }, [])
  }

  func testFIFOIsWrittenThroughNotReplaced() throws {
    let w = try workspace()
    let fifo = w.dir + "/pipe"
    XCTAssertEqual(mkfifo(fifo, 0o644), 0)
    // A reader on the FIFO (the writer's open blocks until one is there): cat into a file.
    let received = w.dir + "/received.txt"
    let reader = Process()
    reader.executableURL = URL(fileURLWithPath: "/bin/sh")
    reader.arguments = ["-c", "cat \"$0\" > \"$1\"", fifo, received]
    try reader.run()
    let r = try CLI.run(["fit", w.data, "--output", fifo], timeout: 60)
    reader.waitUntilExit()
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(try String(contentsOfFile: received, encoding: .utf8).hasPrefix("[[Fit]] \(w.data)\n"))
    var st = stat()
    XCTAssertEqual(lstat(fifo, &st), 0)
    XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO, "the FIFO was replaced")
  }

  func testDashAndDescriptorNamesWriteToStandardOutput() throws {
    let w = try workspace()
    let plain = try CLI.run(["fit", w.data])
    for name in ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"] {
      let r = try CLI.run(["fit", w.data, "--output", name])
      XCTAssertEqual(r.status, 0, "\(name): \(r.stderr)")
      XCTAssertEqual(r.stdout, plain.stdout, name)
    }
  }

  func testALinkToACharacterDeviceIsWrittenThrough() throws {
    // A link in the temporary folder to /dev/null: the device is opened, never renamed over
    // (as root, a rename would replace /dev/null itself; the link here keeps the test safe
    // to assert on: the link must still point at a character device).
    let w = try workspace()
    let link = w.dir + "/null"
    try fm.createSymbolicLink(atPath: link, withDestinationPath: "/dev/null")
    let r = try CLI.run(["fit", w.data, "--output", link])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(r.stdout, "")
    XCTAssertEqual(fileType(link), .typeSymbolicLink)
    XCTAssertEqual(fileType("/dev/null"), .typeCharacterSpecial)
  }

  func testAFolderAtTheOutputPathIsRefused() throws {
    let w = try workspace()
    let r = try CLI.run(["fit", w.data, "--output", w.dir])
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(r.stderr, "error: \(w.dir): cannot write (is a directory)\n")
  }

  func testAReportFolderLockedByAnotherWriterIsRefused() throws {
    let w = try workspace()
    let out = w.dir + "/report"
    try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
    // Hold the lock as another report would.
    let fd = open(out + "/.scaling-report.lock", O_RDWR | O_CREAT, 0o644)
    XCTAssertGreaterThanOrEqual(fd, 0)
    defer { close(fd) }
    XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
    _ = "4242\n".withCString { pwrite(fd, $0, 5, 0) }
    let r = try CLI.run(["report", w.data, "--out", out, "--scripts-only"])
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(
      r.stderr,
      "error: \(out): another scaling report is writing this folder (pid 4242); wait for it or choose another output folder\n")
    XCTAssertEqual(try fm.contentsOfDirectory(atPath: out), [".scaling-report.lock"])
    XCTAssertEqual(try fm.contentsOfDirectory(atPath: w.dir).filter { $0.contains(".tmp-") }, [])
  }

  func testAReportLeavesNoStagingFolder() throws {
    let w = try workspace()
    let out = w.dir + "/report"
    let r = try CLI.run(["report", w.data, "--out", out, "--scripts-only"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(fm.fileExists(atPath: out + "/report.md"))
    XCTAssertTrue(fm.fileExists(atPath: out + "/fit.json"))
    XCTAssertEqual(try fm.contentsOfDirectory(atPath: w.dir).filter { $0.contains(".tmp-") }, [])
  }

  /// flops and inspect take --output too: the same bytes as standard output, and an input refused.
  func testFlopsAndInspectWriteTheirOutputByTheSameRules() throws {
    let dir = try temporaryDirectory(self)
    for args in [["flops", "--model", "llama-3-8b"], ["flops", "--model", "mixtral-8x7b", "--format", "json"], ["inspect", fixture("small.csv")]] {
      let printed = try CLI.run(args)
      XCTAssertEqual(printed.status, 0, printed.stderr)
      let path = dir + "/out.txt"
      let written = try CLI.run(args + ["--output", path])
      XCTAssertEqual(written.status, 0, written.stderr)
      XCTAssertEqual(written.stdout, "")
      XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), printed.stdout, "\(args)")
    }
    let input = dir + "/small.csv"
    try FileManager.default.copyItem(atPath: fixture("small.csv"), toPath: input)
    let before = try Data(contentsOf: URL(fileURLWithPath: input))
    let refused = try CLI.run(["inspect", input, "--output", input])
    XCTAssertEqual(refused.status, 2)
    XCTAssertEqual(refused.stderr, "error: --output \(input) is an input file of this command; refusing to overwrite it\n")
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: input)), before)
  }
}
