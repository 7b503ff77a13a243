import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

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

/// Runs `body(i)` for i in 0..<count on all cores and hands each result to `consume` in index
/// order, as soon as it and every result before it are ready: a result waits only while an earlier
/// one is still being computed, then the thread that filled the gap hands the run on. `consume`
/// is called under a lock, one call at a time, so it may write to a stream. Memory holds the
/// results not yet consumed, not all of them (a batch of a million fits streams).
/// When `consume` throws, the bodies not yet started are skipped and the first error is rethrown.
public func parallelForEachInOrder<T: Sendable>(
  _ count: Int, _ body: @Sendable (Int) -> T, consume: @Sendable (Int, T) throws -> Void
) throws {
  guard count > 0 else { return }
  let state = OrderedHandOff<T>()
  DispatchQueue.concurrentPerform(iterations: count) { i in
    if state.failed { return }
    let value = body(i)
    state.deliver(i, value, consume)
  }
  if let error = state.error { throw error }
}

/// The buffer and the next index to consume of ``parallelForEachInOrder(_:_:consume:)``.
private final class OrderedHandOff<T: Sendable>: @unchecked Sendable {
  private var mutex = pthread_mutex_t()
  private var pending: [Int: T] = [:]
  private var next = 0
  private(set) var error: Error?

  init() { pthread_mutex_init(&mutex, nil) }
  deinit { pthread_mutex_destroy(&mutex) }

  var failed: Bool {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return error != nil
  }

  func deliver(_ i: Int, _ value: T, _ consume: (Int, T) throws -> Void) {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    guard error == nil else { return }
    pending[i] = value
    while let v = pending.removeValue(forKey: next) {
      do {
        try consume(next, v)
      } catch {
        self.error = error
        pending.removeAll()
        return
      }
      next += 1
    }
  }
}
