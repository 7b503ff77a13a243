import Dispatch

/// Runs `body(i)` for i in 0..<count on all cores and returns the results in index order, so the
/// output does not depend on how the work was scheduled.
public func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
  guard count > 0 else { return [] }
  if count == 1 { return [body(0)] }
  let buffer = UnsafeMutablePointer<T?>.allocate(capacity: count)
  buffer.initialize(repeating: nil, count: count)
  defer {
    buffer.deinitialize(count: count)
    buffer.deallocate()
  }
  nonisolated(unsafe) let out = buffer
  DispatchQueue.concurrentPerform(iterations: count) { i in
    out[i] = body(i)
  }
  return (0..<count).map { buffer[$0]! }
}
