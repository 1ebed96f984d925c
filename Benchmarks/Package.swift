// swift-tools-version: 6.1
// The Atende benchmark program, in its own package so the main build stays fast.
// Build and run in release mode: see README.md in this folder.
import PackageDescription

let package = Package(
  name: "AtendeBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "Atende", path: ".."),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
  ],
  targets: [
    .executableTarget(
      name: "atende-bench",
      dependencies: [
        .product(name: "AtendeAPI", package: "Atende"),
        .product(name: "AtendeServer", package: "Atende"),
        .product(name: "AtendeAdmin", package: "Atende"),
        .product(name: "AtendeStore", package: "Atende"),
        .product(name: "AtendeStorePostgres", package: "Atende"),
        .product(name: "AtendeDomain", package: "Atende"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ])
  ]
)
