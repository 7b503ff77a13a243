import Fitting
import Foundation

/// Batch fitting as JSON Lines (`fit --format jsonl`): every dataset's fit is one line, written in
/// dataset order as soon as it and the fits before it are done (the fits run on all cores), so a
/// batch of a million groups streams in constant memory and a reader can follow the file as it
/// grows. A dataset whose fit fails is one line too, `{"file", "group", "error"}`, and the batch
/// goes on; the caller decides the exit status from ``Summary/failed``. With a ``Shard`` only that
/// slice is fitted (see there: the shards' outputs concatenate to the whole batch's bytes).
public struct FitBatch: Sendable {
  public var shard: Shard?

  public init(shard: Shard? = nil) {
    self.shard = shard
  }

  /// What a batch did: lines written, fits that failed, and the slice of the datasets it covered.
  public struct Summary: Sendable, Equatable {
    public var written: Int
    public var failed: Int
    public var slice: Range<Int>
    public var total: Int
  }

  /// The datasets this batch fits (its shard's slice, or all).
  public func selected(_ datasets: [Dataset]) -> ArraySlice<Dataset> {
    datasets[shard?.slice(of: datasets.count) ?? 0..<datasets.count]
  }

  /// Fits `selected(datasets)` with `fit` (a fit's JSON object) and appends one line per
  /// dataset to `output`. Does not commit the output: the caller does, after its last check.
  public func run(
    _ datasets: [Dataset], to output: AtomicFile.Stream, fit: @Sendable (Dataset) throws -> JSONValue
  ) throws -> Summary {
    let chosen = Array(selected(datasets))
    let failures = Counter()
    try parallelForEachInOrder(chosen.count) { i -> JSONValue in
      do {
        return try fit(chosen[i])
      } catch {
        failures.add()
        return Self.failureLine(chosen[i], error)
      }
    } consume: { _, line in
      try output.append(line.compactRendered() + "\n")
    }
    let slice = shard?.slice(of: datasets.count) ?? 0..<datasets.count
    return Summary(written: chosen.count, failed: failures.value, slice: slice, total: datasets.count)
  }

  /// The line of a dataset whose fit failed.
  static func failureLine(_ d: Dataset, _ error: Error) -> JSONValue {
    .object([
      ("file", .string(d.file)), ("group", d.group.map { .string($0) } ?? .null),
      ("error", .string(String(describing: error))),
    ])
  }

  /// A count shared by the fitting threads.
  private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
  }
}
