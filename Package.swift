// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "scaling",
  products: [
    .library(name: "ScalingLaws", targets: ["ScalingLaws"]),
    .executable(name: "scaling", targets: ["scaling"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
  ],
  targets: [
    // MARK: - C system library (Debian: liblapacke-dev)
    .systemLibrary(
      name: "CLAPACKE", pkgConfig: "lapacke",
      providers: [.apt(["liblapacke-dev"])]),

    // MARK: - C kernel: the multi-power law's node sum with glibc's vector exp/log1p (libmvec,
    // opened at run time; see Sources/CMultiPower/CMultiPower.c for why it is C)
    .target(name: "CMultiPower", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("m")]),

    // MARK: - Libraries (one-way imports: LinearAlgebra <- Fitting <- ScalingLaws)
    .target(name: "LinearAlgebra", dependencies: ["CLAPACKE"]),
    .target(name: "Fitting", dependencies: ["LinearAlgebra"]),
    .target(name: "ScalingLaws", dependencies: ["Fitting", "LinearAlgebra", "CMultiPower"]),

    // MARK: - The report's YAML config, read into the command line it stands for (Yams)
    .target(name: "AnalysisConfig", dependencies: [.product(name: "Yams", package: "Yams")]),

    // MARK: - Command-line tool
    .executableTarget(
      name: "scaling",
      dependencies: [
        "ScalingLaws",
        "Fitting",
        "AnalysisConfig",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      // The Swift runtime and Foundation linked into the binary (the executable's own module
      // compiled against the static resource directory; the libraries and tests are untouched,
      // so `swift test` shares their build): the process start loses the dynamic loading and
      // symbol relocation of ~20 shared libraries (issue 11's whole-process time). Linked as a
      // position-dependent executable (-no-pie): a PIE of this size carries ~79,000 relative
      // relocations (the runtime's and Foundation's metadata pointers) that the loader applies
      // at every start, copying ~220 pages; without PIE they are resolved at link time
      // (measured: 639 -> 420 page faults per run, ~1.5-4 ms of a 20 ms fit).
      swiftSettings: [.unsafeFlags(["-static-stdlib"])],
      linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie"])]),

    // MARK: - Fuzz targets (`make fuzz` builds them with -sanitize=fuzzer,address -DFUZZING;
    // a plain build gives replay tools that run the same checks on saved inputs)
    .target(name: "FuzzSupport"),
    .executableTarget(name: "fuzz-csv", dependencies: ["ScalingLaws", "FuzzSupport"]),
    .executableTarget(name: "fuzz-fit", dependencies: ["ScalingLaws", "FuzzSupport"]),
    .executableTarget(name: "fuzz-fitfile", dependencies: ["ScalingLaws", "FuzzSupport"]),
    .executableTarget(name: "fuzz-config", dependencies: ["AnalysisConfig", "FuzzSupport"]),

    // MARK: - Tests
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
    .testTarget(name: "FittingTests", dependencies: ["Fitting", "LinearAlgebra"]),
    .testTarget(
      name: "ScalingLawsTests", dependencies: ["ScalingLaws", "Fitting", "CMultiPower"],
      exclude: ["Snapshots"], resources: [.copy("Fixtures")]),
    // Property tests (Swift Testing + PropertyBased); the other targets use XCTest.
    .testTarget(
      name: "PropertyTests",
      dependencies: ["ScalingLaws", .product(name: "PropertyBased", package: "swift-property-based")]),
    .testTarget(
      name: "ScalingCLITests", dependencies: ["ScalingLaws"],
      resources: [.copy("Fixtures")]),
  ]
)
