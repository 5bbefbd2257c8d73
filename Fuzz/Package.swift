// swift-tools-version:6.0
// The fuzz targets of connectome-kernel: one libFuzzer executable, `connectome-fuzz TARGET [libFuzzer args]`.
//
// A package of its own so that `swift build` and `swift test` of the kernel never build it. It must be
// built with coverage instrumentation, AddressSanitizer and libFuzzer's driver, which only the Makefile
// passes (`make fuzz`, `make fuzz-smoke`); see README.md here for why it links `fuzzer_no_main`.
import PackageDescription

let package = Package(
    name: "connectome-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "connectome-kernel", path: ".."),
    ],
    targets: [
        .executableTarget(name: "connectome-fuzz", dependencies: [
            .product(name: "ConnectomeKernelModules", package: "connectome-kernel"),
        ]),
    ]
)
