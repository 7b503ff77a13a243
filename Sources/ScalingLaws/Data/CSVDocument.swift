import Foundation

/// An RFC 4180 CSV document held as UTF-8 bytes: quoted fields with commas, doubled quotes and
/// newlines; CRLF, LF or CR line ends; a UTF-8 byte-order mark; blank lines skipped.
///
/// Fields are handed out as byte ranges (``CSVField``) and converted only when a caller needs
/// them, so that a million-row file is parsed without a String per field. Written by hand
/// rather than with SwiftCSV or CSV.swift: those build a String for every field (too slow for
/// the 1,000,000-row target) and do not report line and column for every kind of error.
public struct CSVDocument: Sendable {
  public let name: String
  public let bytes: [UInt8]
  /// Offset of the first byte after the optional BOM.
  let bodyStart: Int

  /// Reads and validates a file (exists, is a regular file, is UTF-8 text).
  public init(contentsOf path: String, displayName: String? = nil) throws {
    let name = displayName ?? path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CSVError(file: name, "no such file")
    }
    guard !isDirectory.boolValue else { throw CSVError(file: name, "is a directory, not a CSV file") }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw CSVError(file: name, "cannot be read (permission denied)")
    }
    defer { try? handle.close() }
    let data: Data
    do {
      data = try handle.readToEnd() ?? Data()
    } catch {
      throw CSVError(file: name, "cannot be read (\(error.localizedDescription))")
    }
    try self.init(bytes: [UInt8](data), name: name)
  }

  public init(bytes: [UInt8], name: String) throws {
    self.name = name
    self.bytes = bytes
    if bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)) {
      throw CSVError(file: name, "is UTF-16 encoded; save it as UTF-8")
    }
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
      bodyStart = 3
    } else {
      bodyStart = 0
    }
    try CSVDocument.validateUTF8(bytes, from: bodyStart, name: name)
  }

  /// Rejects NUL bytes and invalid UTF-8 with the line and column of the first bad byte.
  static func validateUTF8(_ b: [UInt8], from start: Int, name: String) throws {
    var i = start
    var line = 1
    var lineStart = start
    let n = b.count
    while i < n {
      let c = b[i]
      if c < 0x80 {
        if c == 0 {
          throw CSVError(
            file: name, line: line, column: characterColumn(b, lineStart, i),
            "contains a NUL byte (binary data, not a CSV text file)")
        }
        if c == 0x0A {
          line += 1
          lineStart = i + 1
        } else if c == 0x0D {
          if i + 1 < n && b[i + 1] == 0x0A { i += 1 }
          line += 1
          lineStart = i + 1
        }
        i += 1
        continue
      }
      var need = 0
      var minValue: UInt32 = 0
      var value: UInt32 = 0
      if c & 0xE0 == 0xC0 {
        need = 1; value = UInt32(c & 0x1F); minValue = 0x80
      } else if c & 0xF0 == 0xE0 {
        need = 2; value = UInt32(c & 0x0F); minValue = 0x800
      } else if c & 0xF8 == 0xF0 {
        need = 3; value = UInt32(c & 0x07); minValue = 0x10000
      } else {
        need = -1
      }
      var ok = need > 0
      if ok {
        for k in 1...need {
          if i + k >= n || b[i + k] & 0xC0 != 0x80 { ok = false; break }
          value = (value << 6) | UInt32(b[i + k] & 0x3F)
        }
      }
      if ok && (value < minValue || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        ok = false
      }
      guard ok else {
        throw CSVError(
          file: name, line: line, column: characterColumn(b, lineStart, i),
          "is not valid UTF-8 (byte 0x\(String(c, radix: 16, uppercase: true)))")
      }
      i += need + 1
    }
  }

  /// 1-based character column of byte `offset` on a line starting at `lineStart`.
  static func characterColumn(_ b: [UInt8], _ lineStart: Int, _ offset: Int) -> Int {
    var col = 1
    var i = lineStart
    while i < offset {
      if b[i] & 0xC0 != 0x80 { col += 1 }
      i += 1
    }
    return col
  }

  /// The 1-based character column where a field starts (the opening quote for quoted fields).
  public func column(of field: CSVField) -> Int {
    CSVDocument.characterColumn(bytes, field.lineStart, field.isQuoted ? field.start - 1 : field.start)
  }

  /// The text of a field, unescaped.
  public func string(_ field: CSVField) -> String {
    let s = String(decoding: bytes[field.start..<field.end], as: UTF8.self)
    return field.hasEscapedQuotes ? s.replacingOccurrences(of: "\"\"", with: "\"") : s
  }

  public func error(_ field: CSVField, _ message: String) -> CSVError {
    CSVError(file: name, line: field.line, column: column(of: field), message)
  }

  /// Calls `body` with each non-blank record's fields, in order. The first call is the header.
  /// The array passed to `body` is reused between calls.
  public func forEachRecord(_ body: (_ fields: [CSVField]) throws -> Void) throws {
    let b = bytes
    let n = b.count
    var i = bodyStart
    var line = 1
    var lineStart = bodyStart
    var fields = [CSVField]()
    fields.reserveCapacity(32)
    let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
    while i < n {
      fields.removeAll(keepingCapacity: true)
      // One record.
      var endOfRecord = false
      while !endOfRecord {
        if i < n && b[i] == quote {
          let openLine = line, openLineStart = lineStart, openAt = i
          i += 1
          let start = i
          var escaped = false
          var closed = false
          while i < n {
            let c = b[i]
            if c == quote {
              if i + 1 < n && b[i + 1] == quote {
                escaped = true
                i += 2
                continue
              }
              closed = true
              break
            }
            if c == lf {
              line += 1
              lineStart = i + 1
            } else if c == cr {
              if !(i + 1 < n && b[i + 1] == lf) {
                line += 1
                lineStart = i + 1
              }
            }
            i += 1
          }
          guard closed else {
            throw CSVError(
              file: name, line: openLine,
              column: CSVDocument.characterColumn(b, openLineStart, openAt),
              "unterminated quoted field (the closing \" is missing)")
          }
          fields.append(
            CSVField(
              start: start, end: i, line: openLine, lineStart: openLineStart,
              hasEscapedQuotes: escaped, isQuoted: true))
          i += 1  // past the closing quote
          if i < n && b[i] != comma && b[i] != lf && b[i] != cr {
            throw CSVError(
              file: name, line: line, column: CSVDocument.characterColumn(b, lineStart, i),
              "unexpected character after a closing quote (a field's quotes must enclose all of it)")
          }
        } else {
          let start = i
          while i < n {
            let c = b[i]
            if c == comma || c == lf || c == cr { break }
            if c == quote {
              throw CSVError(
                file: name, line: line, column: CSVDocument.characterColumn(b, lineStart, i),
                "a quote inside an unquoted field (quote the whole field and double the quote)")
            }
            i += 1
          }
          fields.append(
            CSVField(
              start: start, end: i, line: line, lineStart: lineStart, hasEscapedQuotes: false,
              isQuoted: false))
        }
        if i >= n {
          endOfRecord = true
        } else if b[i] == comma {
          i += 1
          if i >= n { // trailing comma at end of file: one more empty field
            fields.append(
              CSVField(
                start: i, end: i, line: line, lineStart: lineStart, hasEscapedQuotes: false,
                isQuoted: false))
            endOfRecord = true
          }
        } else {
          if b[i] == cr && i + 1 < n && b[i + 1] == lf { i += 1 }
          i += 1
          line += 1
          lineStart = i
          endOfRecord = true
        }
      }
      // A blank line is one empty unquoted field: skip it.
      if fields.count == 1 && !fields[0].isQuoted && fields[0].start == fields[0].end { continue }
      // A whitespace-only line is skipped too.
      if fields.count == 1 && !fields[0].isQuoted
        && b[fields[0].start..<fields[0].end].allSatisfy({ $0 == 0x20 || $0 == 0x09 })
      {
        continue
      }
      try body(fields)
    }
  }
}
