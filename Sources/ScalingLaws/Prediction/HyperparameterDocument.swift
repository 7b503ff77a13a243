import Foundation

/// A `scaling hparams --format json` file read back as a ``HyperparameterLaw`` (`plan --hparams
/// FILE`): the two power laws, the curvature, the fitted ranges and the bootstrap samples.
public struct HyperparameterDocument: Decodable, Sendable {
  struct Power: Decodable, Sendable {
    var coefficient: Double
    var params_exponent: Double
    var tokens_exponent: Double
    var flops_exponent: Double?
  }
  struct Curvature: Decodable, Sendable {
    var learning_rate: Double
    var batch: Double
    var cross: Double
  }
  struct Bootstrap: Decodable, Sendable {
    var learning_rate: [[Double]]
    var batch: [[Double]]
  }
  var kind: String
  var file: String
  var learning_rate: Power
  var batch: Power?
  var curvature: Curvature?
  var params_range: [Double]?
  var tokens_range: [Double]?
  var bootstrap: Bootstrap?

  public struct ReadError: Error, CustomStringConvertible, Sendable {
    public let description: String
  }

  /// Whether the bytes are a hyperparameter fit file (its `kind`).
  public static func isHyperparameterFile(_ data: Data) -> Bool {
    ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["kind"] as? String == "hparams"
  }

  /// The law in `path`; throws ``ReadError`` naming the file for one that is not a readable
  /// hyperparameter fit or holds a non-finite or non-positive coefficient.
  public static func law(path: String) throws -> HyperparameterLaw {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ReadError(description: "\(path): cannot read the hyperparameter fit file")
    }
    let d: HyperparameterDocument
    do {
      d = try JSONDecoder().decode(HyperparameterDocument.self, from: data)
    } catch {
      throw ReadError(description: "\(path): not a `scaling hparams --format json` file (\(Self.reason(error)))")
    }
    guard d.kind == "hparams" else {
      throw ReadError(description: "\(path): not a `scaling hparams --format json` file (its kind is '\(d.kind)')")
    }
    func power(_ p: Power, _ what: String) throws -> HyperparameterLaw.PowerLaw {
      let all = [p.coefficient, p.params_exponent, p.tokens_exponent, p.flops_exponent ?? 0]
      guard all.allSatisfy(\.isFinite), p.coefficient > 0 else {
        throw ReadError(description: "\(path): the \(what) law's coefficients are not finite with a positive scale; refusing to plan with it")
      }
      return HyperparameterLaw.PowerLaw(coefficient: p.coefficient, params: p.params_exponent, tokens: p.tokens_exponent, flops: p.flops_exponent ?? 0)
    }
    var law = HyperparameterLaw(
      name: "hparams:\(path)", source: "fitted by scaling hparams to \(d.file)", definitions: "N, D and the batch (tokens) as in \(d.file)",
      learningRate: try power(d.learning_rate, "learning-rate"), batch: try d.batch.map { try power($0, "batch") })
    if let k = d.curvature { law.curvature = HyperparameterLaw.Curvature(learningRate: k.learning_rate, batch: k.batch, cross: k.cross) }
    if let r = d.params_range, r.count == 2, r[0] <= r[1] { law.paramsRange = r[0]...r[1] }
    if let r = d.tokens_range, r.count == 2, r[0] <= r[1] { law.tokensRange = r[0]...r[1] }
    if let b = d.bootstrap {
      let lr = b.learning_rate.filter { $0.count == 3 && $0.allSatisfy(\.isFinite) }
      let bs = b.batch.filter { $0.count == 3 && $0.allSatisfy(\.isFinite) }
      for (i, s) in lr.enumerated() {
        let bp = i < bs.count ? HyperparameterLaw.PowerLaw(coefficient: exp(bs[i][0]), params: bs[i][1], tokens: bs[i][2]) : nil
        if law.batch != nil && bp == nil { break }
        law.samples.append((HyperparameterLaw.PowerLaw(coefficient: exp(s[0]), params: s[1], tokens: s[2]), bp))
      }
    }
    return law
  }

  static func reason(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let k, _): return "no '\(k.stringValue)'"
    case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
      return "'\(c.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
    case DecodingError.dataCorrupted: return "not valid JSON"
    default: return "\(error)"
    }
  }
}
