/// Sliding-window attention: a local layer attends to (and caches) at most `window` past tokens,
/// a global one to the whole context. `pattern` lists the attention layers' kinds, repeated over
/// them: [local] for all-local (Mistral 7B), [local, global] alternating (Gemma 2, gpt-oss),
/// five local then one global (Gemma 3).
public struct AttentionWindow: Sendable, Equatable, Hashable {
  public enum Kind: Character, Sendable, Hashable {
    case local = "L"
    case global = "G"
  }

  public var window: Int
  public var pattern: [Kind]

  public init(window: Int, pattern: [Kind] = [.local]) {
    self.window = window
    self.pattern = pattern.isEmpty ? [.local] : pattern
  }

  /// Every `globalEvery`-th attention layer global, the rest local (nil or 0: all local).
  public init(window: Int, globalEvery: Int?) {
    if let g = globalEvery, g >= 1 {
      self.init(window: window, pattern: Array(repeating: .local, count: g - 1) + [.global])
    } else {
      self.init(window: window)
    }
  }

  /// Parses a pattern such as "LLLLLG" (case-insensitive); nil on any other character.
  public static func pattern(_ text: String) -> [Kind]? {
    let kinds = text.uppercased().map { Kind(rawValue: $0) }
    guard !kinds.isEmpty, kinds.allSatisfy({ $0 != nil }) else { return nil }
    return kinds.map { $0! }
  }

  public var patternText: String { String(pattern.map(\.rawValue)) }

  /// Local layers among `attentionLayers` (the pattern repeated from the first layer).
  public func localLayers(of attentionLayers: Int) -> Int {
    (0..<attentionLayers).filter { pattern[$0 % pattern.count] == .local }.count
  }
}
