import Foundation

/// Parses numeric CSV fields: decimal or scientific notation, optionally with a size suffix
/// (`70M`, `1.4B`, `300B`, `2.5T`, `10K`) where the column holds a count.
public enum NumberParser {
  /// Why a field is not a usable number.
  public enum Failure: Error, Equatable {
    case empty
    case notANumber
    case nan
    case infinite
    case overflow
  }

  /// Multipliers for size suffixes (case-insensitive): K = 1e3, M = 1e6, B or G = 1e9, T = 1e12.
  static func suffixMultiplier(_ c: UInt8) -> Double? {
    switch c | 0x20 {
    case UInt8(ascii: "k"): return 1e3
    case UInt8(ascii: "m"): return 1e6
    case UInt8(ascii: "b"), UInt8(ascii: "g"): return 1e9
    case UInt8(ascii: "t"): return 1e12
    default: return nil
    }
  }

  /// Parses `bytes[start..<end]` (surrounding spaces allowed).
  public static func parse(
    _ bytes: [UInt8], _ startIn: Int, _ endIn: Int, allowSuffix: Bool
  ) -> Result<Double, Failure> {
    var start = startIn, end = endIn
    while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
    while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
    if start == end { return .failure(.empty) }
    // Thousands separators ("1,000,000", from a quoted field): each comma must be followed by
    // exactly three digits and preceded by a digit.
    if bytes[start..<end].contains(UInt8(ascii: ",")) {
      var cleaned: [UInt8] = []
      var k = start
      while k < end {
        let c = bytes[k]
        if c == UInt8(ascii: ",") {
          let groupOK =
            k > start && isDigit(bytes[k - 1]) && k + 3 <= end - 1
            && isDigit(bytes[k + 1]) && isDigit(bytes[k + 2]) && isDigit(bytes[k + 3])
            && (k + 4 >= end || !isDigit(bytes[k + 4]))
          guard groupOK else { return .failure(.notANumber) }
        } else {
          cleaned.append(c)
        }
        k += 1
      }
      return parse(cleaned, 0, cleaned.count, allowSuffix: allowSuffix)
    }
    var multiplier = 1.0
    if allowSuffix, end - start >= 2, let m = suffixMultiplier(bytes[end - 1]) {
      let prev = bytes[end - 2]
      if prev >= 0x30 && prev <= 0x39 || prev == UInt8(ascii: ".") {
        // A size suffix after an exponent ("7e9B") is two scales at once: refused, not 7e18.
        if bytes[start..<(end - 1)].contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
          return .failure(.notANumber)
        }
        multiplier = m
        end -= 1
      }
    }
    // Only characters of a decimal number reach strtod (it would also accept hex, "nan", "inf").
    for k in start..<end {
      let c = bytes[k]
      let ok =
        (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
        || c == UInt8(ascii: "+") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
      if !ok {
        return .failure(classifyWord(bytes, start, end))
      }
    }
    if let v = fastPath(bytes, start, end) {
      let scaled = v * multiplier
      return scaled.isInfinite ? .failure(.overflow) : .success(scaled)
    }
    let len = end - start
    if len > 400 { return .failure(.notANumber) }
    var value = 0.0
    var consumed = 0
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: len + 1) { buf in
      for k in 0..<len { buf[k] = CChar(bitPattern: bytes[start + k]) }
      buf[len] = 0
      var endPtr: UnsafeMutablePointer<CChar>? = nil
      value = strtod(buf.baseAddress!, &endPtr)
      consumed = endPtr.map { $0 - buf.baseAddress! } ?? 0
    }
    if consumed != len { return .failure(.notANumber) }
    if value.isInfinite { return .failure(.overflow) }
    let scaled = value * multiplier
    if scaled.isInfinite { return .failure(.overflow) }
    return .success(scaled)
  }

  /// Clinger's fast path: at most 15 significant digits and a decimal exponent within ±22, where
  /// one multiplication or division by an exact power of ten is correctly rounded. Anything else
  /// returns nil and goes to strtod.
  @inline(__always)
  static func fastPath(_ b: [UInt8], _ start: Int, _ end: Int) -> Double? {
    var i = start
    var negative = false
    if b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
      negative = b[i] == UInt8(ascii: "-")
      i += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var sawDigit = false
    while i < end, isDigit(b[i]) {
      sawDigit = true
      if mantissa != 0 || b[i] != 0x30 { digits += 1 }
      if digits > 15 { return nil }
      mantissa = mantissa * 10 + UInt64(b[i] - 0x30)
      i += 1
    }
    if i < end, b[i] == UInt8(ascii: ".") {
      i += 1
      while i < end, isDigit(b[i]) {
        sawDigit = true
        if mantissa != 0 || b[i] != 0x30 { digits += 1 }
        if digits > 15 { return nil }
        mantissa = mantissa * 10 + UInt64(b[i] - 0x30)
        exponent -= 1
        i += 1
      }
    }
    guard sawDigit else { return nil }
    if i < end, b[i] | 0x20 == UInt8(ascii: "e") {
      i += 1
      var expNegative = false
      if i < end, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
        expNegative = b[i] == UInt8(ascii: "-")
        i += 1
      }
      var e = 0
      var sawExp = false
      while i < end, isDigit(b[i]) {
        sawExp = true
        e = e * 10 + Int(b[i] - 0x30)
        if e > 10_000 { return nil }
        i += 1
      }
      guard sawExp else { return nil }
      exponent += expNegative ? -e : e
    }
    guard i == end else { return nil }
    var v = Double(mantissa)
    if exponent < 0 {
      guard exponent >= -22 else { return nil }
      v /= powersOfTen[-exponent]
    } else if exponent > 0 {
      guard exponent <= 22 else { return nil }
      v *= powersOfTen[exponent]
    }
    return negative ? -v : v
  }

  static let powersOfTen: [Double] = (0...22).map { k in
    var p = 1.0
    for _ in 0..<k { p *= 10 }
    return p
  }

  @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

  private static func classifyWord(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Failure {
    var word = String(decoding: bytes[start..<end], as: UTF8.self).lowercased()
    if word.hasPrefix("+") || word.hasPrefix("-") { word.removeFirst() }
    if word == "nan" { return .nan }
    if word == "inf" || word == "infinity" { return .infinite }
    return .notANumber
  }
}
