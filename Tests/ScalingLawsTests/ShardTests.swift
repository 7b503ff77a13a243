import Fitting
import Foundation
import XCTest

@testable import ScalingLaws

/// ``Shard`` slices, ``FitBatch`` order and failure lines, and the ordered parallel loop under them.
final class ShardTests: XCTestCase {
  func testSlicesPartitionEveryBatchInOrderWithSizesWithinOne() {
    for total in 0...60 {
      for n in 1...13 {
        let slices = (1...n).map { Shard(index: $0, count: n).slice(of: total) }
        XCTAssertEqual(slices.first?.lowerBound, 0)
        XCTAssertEqual(slices.last?.upperBound, total)
        for (a, b) in zip(slices, slices.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
        let sizes = slices.map(\.count)
        XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(total) in \(n)")
      }
    }
    XCTAssertEqual(Shard(index: 2, count: 3).slice(of: 10), 3..<6)
  }

  func testParsingNamesWhatIsWrong() {
    XCTAssertEqual(try Shard(parsing: "3/8"), Shard(index: 3, count: 8))
    for (text, message) in [
      ("3", "expected K/N (e.g. 3/8), got '3'"), ("a/b", "expected K/N (e.g. 3/8), got 'a/b'"),
      ("1/2/3", "expected K/N (e.g. 3/8), got '1/2/3'"), ("0/4", "K must be between 1 and N (shards are numbered 1 to N), got '0/4'"),
      ("5/4", "K must be between 1 and N (shards are numbered 1 to N), got '5/4'"), ("1/0", "N must be at least 1, got '1/0'"),
      ("-1/4", "K must be between 1 and N (shards are numbered 1 to N), got '-1/4'"),
    ] {
      XCTAssertThrowsError(try Shard(parsing: text), text) { XCTAssertEqual(($0 as? Shard.ParseError)?.description, message) }
    }
  }

  func testOrderedLoopConsumesInIndexOrderWhateverTheFinishingOrder() throws {
    let seen = Locked<[Int]>([])
    try parallelForEachInOrder(200) { i -> Int in
      // Early indices take longest, so later results wait for them.
      usleep(useconds_t((200 - i) % 7 * 300))
      return i * i
    } consume: { i, v in
      XCTAssertEqual(v, i * i)
      seen.mutate { $0.append(i) }
    }
    XCTAssertEqual(seen.value, Array(0..<200))
  }

  /// The window bounds what waits: with index 0 slow, no index i ≥ consumed + window starts (the
  /// other cores wait instead of computing ahead), and the results still come in order.
  func testOrderedLoopHoldsAtMostTheWindow() throws {
    let consumed = Locked(0)
    let worst = Locked(Int.min)
    try parallelForEachInOrder(300, window: 5) { i -> Int in
      let ahead = i - consumed.value
      worst.mutate { $0 = max($0, ahead) }
      if i % 50 == 0 { usleep(20_000) }
      return i
    } consume: { i, v in
      XCTAssertEqual(v, i)
      consumed.mutate { $0 += 1 }
    }
    XCTAssertEqual(consumed.value, 300)
    XCTAssertLessThan(worst.value, 5)
    if ProcessInfo.processInfo.activeProcessorCount > 1 {
      XCTAssertEqual(worst.value, 4)  // the window is used: indices 1-4 run while index 0 sleeps
    }
  }

  func testOrderedLoopStopsAtTheFirstConsumerError() {
    struct Stop: Error {}
    let seen = Locked<[Int]>([])
    XCTAssertThrowsError(
      try parallelForEachInOrder(1000) { $0 } consume: { i, _ in
        if i == 10 { throw Stop() }
        seen.mutate { $0.append(i) }
      }
    ) { XCTAssertTrue($0 is Stop) }
    XCTAssertEqual(seen.value, Array(0..<10))
  }

  func testBatchWritesTheShardsLinesAndAFailureLine() throws {
    let dir = NSTemporaryDirectory() + "shard-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var datasets: [Dataset] = []
    for g in 0..<5 {
      var d = Dataset(file: "f.csv", params: [1], tokens: [1], flops: [1], loss: [Double(g)])
      d.group = "g\(g)"
      datasets.append(d)
    }
    struct Bad: Error, CustomStringConvertible { var description: String { "no \"good\"\nfit" } }
    let path = dir + "/out.jsonl"
    try "old\n".write(toFile: path, atomically: true, encoding: .utf8)
    let stream = try AtomicFile.Stream(path)
    let summary = try FitBatch(shard: Shard(index: 2, count: 2)).run(datasets, to: stream) { d in
      if d.group == "g3" { throw Bad() }
      return .object([("group", .string(d.group!)), ("loss", .number(d.loss[0]))])
    }
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old\n", "nothing replaces the file before commit")
    try stream.commit()
    XCTAssertEqual(summary, FitBatch.Summary(written: 3, failed: 1, slice: 2..<5, total: 5))
    XCTAssertEqual(
      try String(contentsOfFile: path, encoding: .utf8),
      """
      {"group": "g2", "loss": 2}
      {"file": "f.csv", "group": "g3", "error": "no \\"good\\"\\nfit"}
      {"group": "g4", "loss": 4}

      """)
  }

  func testAnAbandonedStreamLeavesTheFileAsItWas() throws {
    let dir = NSTemporaryDirectory() + "shard-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.jsonl"
    try "old\n".write(toFile: path, atomically: true, encoding: .utf8)
    do {
      let stream = try AtomicFile.Stream(path)
      try stream.append("new\n")
    }
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old\n")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["out.jsonl"], "no temporary file left")
  }
}

/// A value shared by test threads.
final class Locked<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: T
  init(_ value: T) { stored = value }
  var value: T { lock.withLock { stored } }
  func mutate(_ f: (inout T) -> Void) { lock.withLock { f(&stored) } }
}
