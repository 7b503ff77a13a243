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
/// is called under a lock, one call at a time, so it may write to a stream. Memory holds at most
/// `window` results not yet consumed: a worker does not start index i until every index below
/// i − window + 1 has been consumed, so one slow early item makes the others wait instead of
/// piling up (a batch of a million fits streams in bounded memory). Indices are claimed in
/// increasing order, so the item the others wait for is always being computed (no deadlock).
/// When `consume` throws, the bodies not yet started are skipped and the first error is rethrown.
public func parallelForEachInOrder<T: Sendable>(
  _ count: Int, window: Int = 256, _ body: @Sendable (Int) -> T, consume: @Sendable (Int, T) throws -> Void
) throws {
  guard count > 0 else { return }
  let state = OrderedHandOff<T>(count: count, window: max(1, window))
  let workers = min(count, max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  DispatchQueue.concurrentPerform(iterations: workers) { _ in
    while let i = state.claim() {
      state.deliver(i, body(i), consume)
    }
  }
  if let error = state.error { throw error }
}

/// The buffer, the next index to claim and the next to consume of
/// ``parallelForEachInOrder(_:window:_:consume:)``.
private final class OrderedHandOff<T: Sendable>: @unchecked Sendable {
  private var mutex = pthread_mutex_t()
  private var advanced = pthread_cond_t()
  private var pending: [Int: T] = [:]
  private var claimed = 0
  private var next = 0
  private let count: Int
  private let window: Int
  private(set) var error: Error?

  init(count: Int, window: Int) {
    self.count = count
    self.window = window
    pthread_mutex_init(&mutex, nil)
    pthread_cond_init(&advanced, nil)
  }
  deinit {
    pthread_cond_destroy(&advanced)
    pthread_mutex_destroy(&mutex)
  }

  /// The next index to compute, once it is within the window of the next to consume; nil when
  /// every index is claimed or `consume` has failed.
  func claim() -> Int? {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while error == nil && claimed < count && claimed >= next + window {
      pthread_cond_wait(&advanced, &mutex)
    }
    guard error == nil, claimed < count else { return nil }
    claimed += 1
    return claimed - 1
  }

  func deliver(_ i: Int, _ value: T, _ consume: (Int, T) throws -> Void) {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    guard error == nil else { return }
    pending[i] = value
    let before = next
    while let v = pending.removeValue(forKey: next) {
      do {
        try consume(next, v)
      } catch {
        self.error = error
        pending.removeAll()
        pthread_cond_broadcast(&advanced)
        return
      }
      next += 1
    }
    if next > before { pthread_cond_broadcast(&advanced) }
  }
}
