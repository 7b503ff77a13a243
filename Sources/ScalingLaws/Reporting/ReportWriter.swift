import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a ``Report`` into a folder and renders its figures, so that the folder never shows a
/// half-finished report:
/// 1. a lock (`.scaling-report.lock` in the folder, flock(2), holding the writer's pid): a second
///    report into the same folder fails at once, naming the pid that holds it;
/// 2. every file is written, and every figure rendered, in a temporary sibling folder
///    (`.NAME.tmp-XXXXXX` beside the output folder, so renames stay on one file system);
/// 3. the files are renamed into the folder, `report.md` last, and the figures an earlier report
///    left and this one does not draw are removed.
/// An interrupted run leaves the previous report as it was (at worst with some of the new
/// figures beside it) and never a `report.md` that links images not yet drawn.
///
/// Nothing a user owns is replaced: an input file that is one of the files the report would
/// write (`report.md`, `fit.json`, `plan.json`, a figure's `.gp`, `.png` or `.svg`) is refused
/// before any work (``checkInputs(_:folder:)``) and again, exactly, before writing; a file of one
/// of those names in the folder that this tool did not write (recognised by its first bytes: the
/// report's title, the fit and plan documents' first key, a figure script's header) is refused too
/// (``ProtectedFile``), and the run writes nothing. Other files in the folder are left alone.
public struct ReportWriter: Sendable {
  public var gnuplot = Gnuplot()

  public init() {}

  /// The lock file's name inside the output folder.
  public static let lockName = ".scaling-report.lock"

  /// Another process is writing a report into the same folder.
  public struct FolderBusy: Error, CustomStringConvertible {
    public let folder: String
    public let holder: String
    public var description: String {
      "\(folder): another scaling report is writing this folder (\(holder)); wait for it or choose another output folder"
    }
  }

  /// A file the report would write is an input of the run, or a file in the folder that this
  /// tool did not write: the run is refused before anything is written.
  public struct ProtectedFile: Error, CustomStringConvertible {
    public let path: String
    public let input: String?
    public var description: String {
      if let input {
        return input == path
          ? "\(path) is an input file of this report and one it would write; refusing to overwrite it (choose another output folder)"
          : "\(path) is the input file \(input) (the same file through a link) and one the report would write; refusing to overwrite it (choose another output folder)"
      }
      return "\(path) exists and was not written by `scaling report`; refusing to replace it (move it away or choose another output folder)"
    }
  }

  /// The fixed files of every report, with the first bytes this tool writes them with.
  static let fixedFiles: [(name: String, head: String)] = [
    ("report.md", "# Scaling-law report\n"), ("fit.json", "{\n  \"fits\": ["), ("plan.json", "{\n  \"law\": "),
  ]
  /// Endings of the figure files (the script and its two renderings).
  static let figureEndings = [".gp", ".png", ".svg"]

  /// Before any work: refuses an input that is (or links to) a file a report into `folder` may
  /// write — one of the fixed files or a figure file (`.gp`, `.png`, `.svg`) in that folder — and
  /// a fixed file in the folder that this tool did not write.
  public static func checkInputs(_ inputs: [String], folder: String) throws {
    for (name, _) in fixedFiles {
      try checkNotInput(folder + "/" + name, inputs: inputs)
    }
    if let folderID = AtomicFile.identity(folder) {
      for input in inputs where figureEndings.contains(where: { input.hasSuffix($0) }) {
        let parent = URL(fileURLWithPath: input).deletingLastPathComponent().path
        if AtomicFile.identity(parent) == folderID { throw ProtectedFile(path: input, input: input) }
      }
    }
    for (name, head) in fixedFiles { try checkOwned(folder + "/" + name, head: head) }
  }

  /// Every path `report` writes into `folder`, by name: its text files and each figure's images.
  static func outputNames(_ report: Report, render: Bool) -> [String] {
    report.files.map { $0.0 } + (render ? report.figures.flatMap { [$0.name + ".png", $0.name + ".svg"] } : [])
  }

  private static func checkNotInput(_ path: String, inputs: [String]) throws {
    guard let id = AtomicFile.identity(path) else { return }
    for input in inputs where AtomicFile.identity(input) == id {
      throw ProtectedFile(path: path, input: input)
    }
  }

  /// Refuses an existing file at `path` whose first bytes are not `head` (a user's own file).
  private static func checkOwned(_ path: String, head: String) throws {
    guard FileManager.default.fileExists(atPath: path) else { return }
    let prefix = FileManager.default.contents(atPath: path).map { String(decoding: $0.prefix(head.utf8.count), as: UTF8.self) }
    if prefix != head { throw ProtectedFile(path: path, input: nil) }
  }

  /// Writes every text file, then renders each figure unless `render` is false. Refuses (with
  /// ``ProtectedFile``, nothing written) a file it would write that is one of `inputs` or that a
  /// user owns (see the type's summary).
  /// Throws ``Gnuplot/GnuplotError`` after moving the files in when gnuplot is missing or fails
  /// (the scripts are there to render by hand).
  public func write(_ report: Report, to folder: String, render: Bool, inputs: [String] = []) throws {
    let fm = FileManager.default
    try Self.checkInputs(inputs, folder: folder)
    for name in Self.outputNames(report, render: render) {
      try Self.checkNotInput(folder + "/" + name, inputs: inputs)
    }
    for figure in report.figures {
      let base = folder + "/" + figure.name
      try Self.checkOwned(base + ".gp", head: GnuplotScript.header(figure.name))
      if !fm.fileExists(atPath: base + ".gp") {
        for ext in [".png", ".svg"] where fm.fileExists(atPath: base + ext) {
          throw ProtectedFile(path: base + ext, input: nil)
        }
      }
    }
    do {
      try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw AtomicFile.WriteError(path: folder, reason: "cannot create the folder")
    }
    let lock = try acquireLock(folder)
    defer { close(lock) }
    let staging = try makeStaging(folder)
    defer { try? fm.removeItem(atPath: staging) }

    for (name, text) in report.files {
      try AtomicFile.write(text, to: staging + "/" + name)
    }
    var renderError: Error? = nil
    if render {
      if gnuplot.executable() == nil {
        renderError = Gnuplot.GnuplotError.notInstalled
      } else {
        do {
          for f in report.figures { try gnuplot.render(scriptAt: staging + "/" + f.name + ".gp") }
        } catch {
          renderError = error
        }
      }
    }
    // Into place: everything but report.md, then the stale figures out, then report.md.
    let names = try fm.contentsOfDirectory(atPath: staging).sorted()
    for name in names where name != "report.md" {
      try move(staging + "/" + name, to: folder + "/" + name)
    }
    removeStaleFigures(report, in: folder)
    if names.contains("report.md") { try move(staging + "/report.md", to: folder + "/report.md") }
    if let renderError { throw renderError }
  }

  private func move(_ from: String, to path: String) throws {
    guard rename(from, path) == 0 else {
      throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
    }
  }

  /// Takes the folder's lock without waiting; the file records the holder's pid.
  private func acquireLock(_ folder: String) throws -> Int32 {
    let path = folder + "/" + Self.lockName
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno))) }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      var buffer = [UInt8](repeating: 0, count: 64)
      let n = pread(fd, &buffer, 63, 0)
      close(fd)
      let pid = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
      throw FolderBusy(folder: folder, holder: pid.isEmpty ? "its lock \(path) is held" : "pid \(pid)")
    }
    let text = Array("\(getpid())\n".utf8)
    _ = ftruncate(fd, 0)
    _ = pwrite(fd, text, text.count, 0)
    return fd
  }

  /// A new, empty sibling of `folder` (mkdtemp).
  private func makeStaging(_ folder: String) throws -> String {
    let url = URL(fileURLWithPath: folder).standardizedFileURL
    let parent = url.deletingLastPathComponent().path
    var template = Array((parent + "/." + url.lastPathComponent + ".tmp-XXXXXX").utf8CString)
    guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
      throw AtomicFile.WriteError(path: folder, reason: "cannot create a temporary folder beside it: \(String(cString: strerror(errno)))")
    }
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Figures an earlier report wrote to this folder and this one does not (a changed law or
  /// data): their NAME.gp starts with this tool's header, and NAME.gp, .png and .svg go, so that
  /// the folder holds only what report.md shows. Other files are left alone.
  func removeStaleFigures(_ report: Report, in folder: String) {
    let current = Set(report.figures.map { $0.name })
    let fm = FileManager.default
    guard let names = try? fm.contentsOfDirectory(atPath: folder) else { return }
    for file in names where file.hasSuffix(".gp") {
      let name = String(file.dropLast(3))
      guard !current.contains(name),
        let head = fm.contents(atPath: folder + "/" + file).map({ String(decoding: $0.prefix(200), as: UTF8.self) }),
        head.hasPrefix(GnuplotScript.header(name))
      else { continue }
      for ext in [".gp", ".png", ".svg"] { try? fm.removeItem(atPath: folder + "/" + name + ext) }
    }
  }
}
