/// Dense BF16 peak throughput per GPU (never the 2:4-sparsity headline figure), from
/// SCALING_REFERENCE.md §4 "Peak dense throughput".
public struct GPU: Sendable, Equatable {
  public let name: String
  public let denseBF16TFLOPs: Double

  public static let known: [GPU] = [
    GPU(name: "a100", denseBF16TFLOPs: 312),
    GPU(name: "h100-sxm", denseBF16TFLOPs: 989.4),
    GPU(name: "h100-pcie", denseBF16TFLOPs: 756),
    GPU(name: "h200", denseBF16TFLOPs: 989.4),
    GPU(name: "b200", denseBF16TFLOPs: 2250),
  ]

  public static func named(_ name: String) -> GPU? {
    known.first { $0.name == name.lowercased() }
  }
}

/// Hardware assumptions that turn FLOPs into GPU-hours, days and money.
public struct Hardware: Sendable, Equatable {
  /// Peak dense throughput in TFLOP/s per GPU.
  public var peakTFLOPs: Double
  public var gpuName: String
  /// Model FLOPs utilisation in (0, 1].
  public var mfu: Double
  public var gpus: Int
  public var usdPerGPUHour: Double?

  public init(peakTFLOPs: Double, gpuName: String, mfu: Double = 0.4, gpus: Int = 1, usdPerGPUHour: Double? = nil) {
    self.peakTFLOPs = peakTFLOPs
    self.gpuName = gpuName
    self.mfu = mfu
    self.gpus = gpus
    self.usdPerGPUHour = usdPerGPUHour
  }

  /// Sustained FLOP/s of one GPU.
  public var flopsPerSecond: Double { peakTFLOPs * 1e12 * mfu }
  /// GPU-hours = C / (peak × MFU × 3600).
  public func gpuHours(flops C: Double) -> Double { C / (flopsPerSecond * 3600) }
  public func days(flops C: Double) -> Double { gpuHours(flops: C) / Double(gpus) / 24 }
  public func cost(flops C: Double) -> Double? { usdPerGPUHour.map { $0 * gpuHours(flops: C) } }
  public func flops(gpuHours H: Double) -> Double { H * 3600 * flopsPerSecond }
}
