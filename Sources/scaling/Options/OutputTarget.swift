import Foundation
import ScalingLaws

/// The `--output` tail every command shares: checked against the command's inputs before any
/// work (an output that is an input is a usage error, exit 2, nothing written), then the text
/// goes to the file by ``AtomicFile``'s rules (which never replace a link, FIFO or device) or,
/// without `--output`, to standard output.
enum OutputTarget {
  /// Refuses an output path that is one of `inputs` (links followed), or two outputs that are one file.
  static func check(_ outputs: [String?], inputs: [String]) throws {
    let given = outputs.compactMap { $0 }
    do {
      for output in given { try AtomicFile.checkNotInput(output, inputs: inputs) }
    } catch let e as AtomicFile.SameAsInputError {
      throw CommandUsageError(message: e.description)
    }
    if given.count == 2, given[0] != "-", given[0] == given[1]
      || (AtomicFile.identity(given[0]) != nil && AtomicFile.identity(given[0]) == AtomicFile.identity(given[1]))
    {
      throw CommandUsageError(message: "--output and --bootstrap-samples name the same file \(given[0])")
    }
  }

  static func emit(_ text: String, to output: String?) throws {
    if let output { try AtomicFile.write(text, to: output) } else { print(text, terminator: "") }
  }
}
