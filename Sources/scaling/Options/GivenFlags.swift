import ArgumentParser

/// The long options given on this process's command line (`--name` or `--name=value`), for
/// refusing a flag that does not apply to what was asked: ArgumentParser does not say whether an
/// option that has a default was given, and a flag silently ignored lets a user believe (say)
/// that a holdout was done.
enum GivenFlags {
  /// The `--name`s among `args` (up to a `--` terminator).
  static func names(_ args: [String] = Array(CommandLine.arguments.dropFirst())) -> Set<String> {
    var out: Set<String> = []
    for a in args {
      if a == "--" { break }
      guard a.hasPrefix("--"), a.count > 2 else { continue }
      out.insert(String(a.split(separator: "=", maxSplits: 1)[0]))
    }
    return out
  }

  /// Refuses, naming them, those of `flags` that were given, when `applies` is false:
  /// "--fix, --tie do not apply REASON".
  static func refuse(_ flags: [String], when doesNotApply: Bool, _ reason: String, given: Set<String> = names()) throws {
    guard doesNotApply else { return }
    let found = flags.filter { given.contains($0) }
    guard !found.isEmpty else { return }
    throw ValidationError("\(found.joined(separator: ", ")) \(found.count == 1 ? "does" : "do") not apply \(reason).")
  }
}
