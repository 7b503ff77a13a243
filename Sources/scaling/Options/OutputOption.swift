import ArgumentParser
import ScalingLaws

/// `--output FILE`, the same flag on every command that prints a result: checked against the
/// command's inputs before any work (``OutputTarget/check(_:inputs:)``), then written by
/// ``AtomicFile``'s rules or, without it, printed.
struct OutputOption: ParsableArguments {
  @Option(help: "Write the output to this file (atomically; a link, FIFO or device is written through, never replaced) instead of standard output.")
  var output: String?

  /// Refuses an output that is one of `inputs` (or that names the same file as `other`, e.g. fit's --bootstrap-samples).
  func check(inputs: [String], other: String? = nil) throws {
    try OutputTarget.check(other == nil ? [output] : [output, other], inputs: inputs)
  }

  func emit(_ text: String) throws { try OutputTarget.emit(text, to: output) }

  /// The output as a stream (``AtomicFile/Stream``): the file, or standard output.
  func stream() throws -> AtomicFile.Stream { try AtomicFile.Stream(output ?? "-") }
}
