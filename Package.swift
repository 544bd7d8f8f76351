// swift-tools-version:6.0
// LivCloud: user-centric live migration of virtual machines between clouds.
//
// Layers, bottom to top (data flows one way):
//   CShims/CLivCloudProbe    C: CPUID, MSRs, /dev/kvm ioctls, process capabilities
//   CShims/CLivCloudLibvirt  system library module for libvirt (pkg-config "libvirt")
//   HostProbe                host facts over an injectable root, recordable as JSON
//   HostCapabilities         pure decision: HostFacts -> HostCapabilities
//   MigrationModel           pure pre-copy model: prediction, simulation, steering
//   LiveMigration            libvirt connections, domains, migrate-to-URI3, monitor
//   Relocation               traffic-driven relocation planning across data centres
//   RelocationExecution      runs a relocation plan's moves as live migrations
import PackageDescription

let package = Package(
    name: "LivCloud",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "HostProbe", targets: ["HostProbe"]),
        .library(name: "HostCapabilities", targets: ["HostCapabilities"]),
        .library(name: "MigrationModel", targets: ["MigrationModel"]),
        .library(name: "LiveMigration", targets: ["LiveMigration"]),
        .library(name: "Relocation", targets: ["Relocation"]),
        .library(name: "RelocationExecution", targets: ["RelocationExecution"]),
        .executable(name: "host-audit", targets: ["host-audit"]),
        .executable(name: "livcloud", targets: ["livcloud"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "CLivCloudProbe",
            path: "CShims/CLivCloudProbe",
            linkerSettings: [.linkedLibrary("cap")]
        ),
        .systemLibrary(
            name: "CLivCloudLibvirt",
            path: "CShims/CLivCloudLibvirt",
            pkgConfig: "libvirt",
            providers: [.apt(["libvirt-dev"])]
        ),
        .target(
            name: "HostProbe",
            dependencies: ["CLivCloudProbe", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "HostCapabilities", dependencies: ["HostProbe"]),
        .target(name: "MigrationModel"),
        .target(
            name: "LiveMigration",
            dependencies: [
                "CLivCloudLibvirt", "HostCapabilities", "MigrationModel",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "Relocation", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // Glue: executes a relocation plan's moves as live migrations.
        .target(
            name: "RelocationExecution",
            dependencies: ["Relocation", "LiveMigration", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "host-audit",
            dependencies: [
                "HostProbe", "HostCapabilities",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/host-audit"
        ),
        .executableTarget(
            name: "livcloud",
            dependencies: [
                "HostProbe", "HostCapabilities", "MigrationModel", "LiveMigration", "Relocation",
                "RelocationExecution",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/livcloud"
        ),
        // Helpers shared by test targets (not a product).
        .target(name: "LivCloudTestSupport", path: "Tests/LivCloudTestSupport"),
        .testTarget(name: "HostProbeTests", dependencies: ["HostProbe"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HostCapabilitiesTests", dependencies: ["HostCapabilities", "HostProbe", "LivCloudTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MigrationModelTests", dependencies: ["MigrationModel"]),
        .testTarget(
            name: "LiveMigrationTests",
            dependencies: ["LiveMigration", "HostCapabilities", "HostProbe", "Relocation", "RelocationExecution"]
        ),
        .testTarget(name: "RelocationTests", dependencies: ["Relocation"]),
        .testTarget(name: "ExampleTests", dependencies: ["HostProbe", "LivCloudTestSupport"]),
    ]
)
