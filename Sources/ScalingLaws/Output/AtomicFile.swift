import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes an output file without ever destroying what is at its path, the one place every command
/// writes `--output` through. What happens depends on what is there (lstat(2)):
/// - nothing, or a regular file: a temporary file in the same folder, then rename(2), so a failed
///   run never leaves a half-written file; an existing file keeps its mode (and, when the process
///   may, its owner);
/// - a symbolic link: the link is resolved (again and again, up to 40 levels) and its target is
///   written by these same rules, so the link stays a link;
/// - a FIFO or a character device (`/dev/stdout`, a terminal, `/dev/null`): opened and written in
///   place, never renamed over;
/// - `-`: standard output;
/// - a folder, a block device or a socket: refused.
/// An output that is one of the command's inputs (after resolving links: the same device and
/// inode) is refused before anything is written (``checkNotInput(_:inputs:)``).
public enum AtomicFile {
  public struct WriteError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot write (\(reason))" }
  }

  /// An output path naming one of the inputs: a usage error (the data would be overwritten).
  public struct SameAsInputError: Error, CustomStringConvertible {
    public let path: String
    public let input: String
    public var description: String {
      path == input
        ? "--output \(path) is an input file of this command; refusing to overwrite it"
        : "--output \(path) is the input file \(input) (the same file through a link); refusing to overwrite it"
    }
  }

  public static func write(_ text: String, to path: String) throws {
    try write(Data(text.utf8), to: path)
  }

  public static func write(_ data: Data, to path: String) throws {
    let stream = try Stream(path)
    try stream.append(data)
    try stream.commit()
  }

  /// An output written piece by piece (`fit --format jsonl` streams one line per fit) by the same
  /// rules as ``write(_:to:)``: standard output, a FIFO or a device is written as the pieces come;
  /// a regular file's pieces go to a temporary file beside it that ``commit()`` renames over it,
  /// so readers never see a half-written file and a run that fails (or a stream dropped without
  /// `commit()`) leaves what was there untouched.
  public final class Stream: @unchecked Sendable {
    private enum Destination {
      /// Written in place; closed at the end when this stream opened it.
      case descriptor(Int32, owned: Bool)
      /// A temporary file renamed over `path` by commit(), given `keeping`'s mode and owner.
      case replacing(fd: Int32, temporary: String, path: String, keeping: stat?)
    }

    private var destination: Destination?
    /// The output as the user named it (in errors).
    public let path: String

    public init(_ path: String) throws {
      self.path = path
      if path == "-" {
        destination = .descriptor(STDOUT_FILENO, owned: false)
      } else if let fd = AtomicFile.openDescriptor(path) {
        destination = .descriptor(fd, owned: false)
      } else {
        destination = try Self.open(path, depth: 0)
      }
    }

    deinit { abandon() }

    public func append(_ text: String) throws { try append(Data(text.utf8)) }

    public func append(_ data: Data) throws {
      switch destination {
      case .descriptor(let fd, _)?: try AtomicFile.writeAll(data, fd: fd, path: path)
      case .replacing(let fd, _, let target, _)?: try AtomicFile.writeAll(data, fd: fd, path: target)
      case nil: throw WriteError(path: path, reason: "written after the end of the output")
      }
    }

    /// Ends the output: a temporary file gets its mode and owner and is renamed over the path.
    public func commit() throws {
      guard let d = destination else { return }
      destination = nil
      switch d {
      case .descriptor(let fd, let owned):
        if owned { close(fd) }
      case .replacing(let fd, let tmp, let target, let old):
        var renamed = false
        defer {
          if !renamed { unlink(tmp) }
        }
        if let old {
          _ = fchmod(fd, old.st_mode & 0o7777)
          if old.st_uid != geteuid() || old.st_gid != getegid() { _ = fchown(fd, old.st_uid, old.st_gid) }
        } else {
          let mask = umask(0)
          umask(mask)
          _ = fchmod(fd, 0o666 & ~mask)
        }
        close(fd)
        guard rename(tmp, target) == 0 else { throw WriteError(path: target, reason: String(cString: strerror(errno))) }
        renamed = true
      }
    }

    /// Drops the output: a temporary file is removed, the path keeps what it had.
    public func abandon() {
      guard let d = destination else { return }
      destination = nil
      switch d {
      case .descriptor(let fd, let owned): if owned { close(fd) }
      case .replacing(let fd, let tmp, _, _):
        close(fd)
        unlink(tmp)
      }
    }

    /// What is at `path` decides (lstat(2)); see ``AtomicFile``.
    private static func open(_ path: String, depth: Int) throws -> Destination {
      var st = stat()
      guard lstat(path, &st) == 0 else {
        let code = errno
        guard code == ENOENT else { throw WriteError(path: path, reason: String(cString: strerror(code))) }
        return try temporary(beside: path, keeping: nil)
      }
      switch st.st_mode & S_IFMT {
      case S_IFREG:
        return try temporary(beside: path, keeping: st)
      case S_IFLNK:
        guard depth < 40 else { throw WriteError(path: path, reason: "too many levels of symbolic links") }
        var target = stat()
        if stat(path, &target) == 0, target.st_mode & S_IFMT == S_IFREG {
          // The file the chain ends at is replaced; the links stay links.
          guard let real = realpath(path, nil) else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
          defer { free(real) }
          return try temporary(beside: String(cString: real), keeping: target)
        }
        // A dangling link creates its target; a link to a FIFO or device is written through.
        return try open(AtomicFile.linkTarget(path), depth: depth + 1)
      case S_IFIFO, S_IFCHR:
        let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        return .descriptor(fd, owned: true)
      case S_IFDIR:
        throw WriteError(path: path, reason: "is a directory")
      case S_IFBLK:
        throw WriteError(path: path, reason: "is a block device; not written")
      default:
        throw WriteError(path: path, reason: "is a socket; not written")
      }
    }

    /// A temporary file beside `path` (mkstemp), to be renamed over it.
    private static func temporary(beside path: String, keeping old: stat?) throws -> Destination {
      let url = URL(fileURLWithPath: path)
      let dir = url.deletingLastPathComponent().path
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
        throw WriteError(path: path, reason: "directory \(dir) does not exist")
      }
      var template = Array((dir + "/." + url.lastPathComponent + ".tmp-XXXXXX").utf8CString)
      let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
      guard fd >= 0 else {
        let code = errno
        throw WriteError(path: path, reason: code == EACCES ? "permission denied" : String(cString: strerror(code)))
      }
      let tmp = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
      return .replacing(fd: fd, temporary: tmp, path: path, keeping: old)
    }
  }

  /// The descriptor a name of one of this process's open files stands for: `/dev/stdout`,
  /// `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`. Written to as it is (a shell's `>>` keeps
  /// appending), never resolved to a path and replaced.
  static func openDescriptor(_ path: String) -> Int32? {
    switch path {
    case "/dev/stdout": return STDOUT_FILENO
    case "/dev/stderr": return STDERR_FILENO
    default:
      for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
        if let n = Int32(path.dropFirst(prefix.count)), fcntl(n, F_GETFD) != -1 { return n }
      }
      return nil
    }
  }

  /// Throws ``SameAsInputError`` when `output` exists and is the same file as an input (device
  /// and inode, links followed). Inputs that do not exist are ignored (their own reader names
  /// them), as is `-`.
  public static func checkNotInput(_ output: String?, inputs: [String]) throws {
    guard let output, output != "-", let target = identity(output) else { return }
    for input in inputs where input != "-" {
      if let id = identity(input), id == target {
        throw SameAsInputError(path: output, input: input)
      }
    }
  }

  /// (device, inode) of the file at `path` after following links, or nil when there is none.
  public static func identity(_ path: String) -> [UInt64]? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return [UInt64(st.st_dev), UInt64(st.st_ino)]
  }

  /// The path a symbolic link points to, made absolute against the link's folder.
  private static func linkTarget(_ path: String) throws -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(path, &buffer, buffer.count - 1)
    guard n >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
    let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if target.hasPrefix("/") { return target }
    return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(target).path
  }

  private static func writeAll(_ data: Data, fd: Int32, path: String) throws {
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      var offset = 0
      while offset < raw.count {
        let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          throw WriteError(path: path, reason: String(cString: strerror(errno)))
        }
        offset += n
      }
    }
  }
}
