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
    if path == "-" {
      try writeAll(data, fd: STDOUT_FILENO, path: "standard output")
      return
    }
    if let fd = openDescriptor(path) {
      try writeAll(data, fd: fd, path: path)
      return
    }
    try write(data, to: path, depth: 0)
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

  private static func write(_ data: Data, to path: String, depth: Int) throws {
    var st = stat()
    guard lstat(path, &st) == 0 else {
      let code = errno
      guard code == ENOENT else { throw WriteError(path: path, reason: String(cString: strerror(code))) }
      try replace(path, with: data, keeping: nil)
      return
    }
    switch st.st_mode & S_IFMT {
    case S_IFREG:
      try replace(path, with: data, keeping: st)
    case S_IFLNK:
      guard depth < 40 else { throw WriteError(path: path, reason: "too many levels of symbolic links") }
      var target = stat()
      if stat(path, &target) == 0, target.st_mode & S_IFMT == S_IFREG {
        // The file the chain ends at is replaced; the links stay links.
        guard let real = realpath(path, nil) else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        defer { free(real) }
        try replace(String(cString: real), with: data, keeping: target)
      } else {
        // A dangling link creates its target; a link to a FIFO or device is written through.
        try write(data, to: linkTarget(path), depth: depth + 1)
      }
    case S_IFIFO, S_IFCHR:
      let fd = open(path, O_WRONLY | O_CLOEXEC)
      guard fd >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
      defer { close(fd) }
      try writeAll(data, fd: fd, path: path)
    case S_IFDIR:
      throw WriteError(path: path, reason: "is a directory")
    case S_IFBLK:
      throw WriteError(path: path, reason: "is a block device; not written")
    default:
      throw WriteError(path: path, reason: "is a socket; not written")
    }
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

  /// A temporary file beside `path` (mkstemp), filled, given the old file's mode and owner (or
  /// 0666 less the umask for a new file), flushed, then renamed over `path`.
  private static func replace(_ path: String, with data: Data, keeping old: stat?) throws {
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
    var ok = false
    defer {
      if !ok { unlink(tmp) }
    }
    do {
      defer { close(fd) }
      try writeAll(data, fd: fd, path: path)
      if let old {
        _ = fchmod(fd, old.st_mode & 0o7777)
        if old.st_uid != geteuid() || old.st_gid != getegid() { _ = fchown(fd, old.st_uid, old.st_gid) }
      } else {
        let mask = umask(0)
        umask(mask)
        _ = fchmod(fd, 0o666 & ~mask)
      }
    }
    guard rename(tmp, path) == 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
    ok = true
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
