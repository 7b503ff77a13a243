/// A GPU's dense BF16 and FP8 peak throughput (never the 2:4-sparsity headline figures; the
/// datasheets print the sparse ones and halve them in a footnote) and its HBM capacity and
/// bandwidth (vendor datasheets; the README cites each). A GPU without FP8 tensor cores (A100) has
/// no FP8 peak.
public struct GPU: Sendable, Equatable {
  public let name: String
  public let denseBF16TFLOPs: Double
  /// Dense FP8 tensor-core peak in TFLOP/s (nil: no FP8 tensor cores).
  public let denseFP8TFLOPs: Double?
  /// HBM capacity in GB (10⁹ bytes).
  public let memoryGB: Double
  /// HBM bandwidth in TB/s (10¹² bytes per second).
  public let bandwidthTBs: Double

  public static let known: [GPU] = [
    // A100 SXM4 80 GB: HBM2e, 2,039 GB/s (NVIDIA A100 datasheet).
    GPU(name: "a100", denseBF16TFLOPs: 312, denseFP8TFLOPs: nil, memoryGB: 80, bandwidthTBs: 2.039),
    // H100 SXM5: 80 GB HBM3, 3.35 TB/s; FP8 3,958 with sparsity = 1,978.9 dense (NVIDIA H100 datasheet).
    GPU(name: "h100-sxm", denseBF16TFLOPs: 989.4, denseFP8TFLOPs: 1978.9, memoryGB: 80, bandwidthTBs: 3.35),
    // H100 PCIe: 80 GB HBM2e, 2.0 TB/s; FP8 3,026 with sparsity = 1,513 dense (NVIDIA H100 datasheet).
    GPU(name: "h100-pcie", denseBF16TFLOPs: 756, denseFP8TFLOPs: 1513, memoryGB: 80, bandwidthTBs: 2.0),
    // H200 SXM: 141 GB HBM3e, 4.8 TB/s; the H100's GH100 compute, FP8 1,978.9 dense (NVIDIA H200 datasheet).
    GPU(name: "h200", denseBF16TFLOPs: 989.4, denseFP8TFLOPs: 1978.9, memoryGB: 141, bandwidthTBs: 4.8),
    // B200 (HGX B200): 180 GB HBM3e per GPU (1,440 GB per 8), 8 TB/s; FP8 72 PFLOPS sparse per 8 =
    // 4,500 dense per GPU (NVIDIA HGX B200 datasheet).
    GPU(name: "b200", denseBF16TFLOPs: 2250, denseFP8TFLOPs: 4500, memoryGB: 180, bandwidthTBs: 8.0),
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
