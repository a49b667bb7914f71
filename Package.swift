// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "attune",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "attune", targets: ["attune"]),
    .library(name: "AttuneKit", targets: ["AttuneKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // Library
    .target(
      name: "AttuneKit",
      dependencies: [.product(name: "Yams", package: "Yams")],
      resources: [.copy("Resources")]
    ),

    // System libraries
    .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),

    // Executable
    .executableTarget(
      name: "attune",
      dependencies: [
        "AttuneKit",
        "CReadline",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "attune-bench",
      dependencies: ["AttuneKit"],
      path: "Benchmarks/attune-bench"
    ),

    // Tests
    .testTarget(name: "AttuneKitTests", dependencies: ["AttuneKit"], resources: [.copy("Fixtures")]),
    .testTarget(name: "attuneTests", dependencies: ["attune"]),
  ]
)
