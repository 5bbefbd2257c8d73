// swift-tools-version:6.0
// connectome-kernel: a Jupyter kernel for connectomics, in Swift.
// Layout and seams: see README.md ("Layout of the code") and the project's design notes.
import PackageDescription

let package = Package(
    name: "connectome-kernel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "connectome-kernel", targets: ["connectome-kernel"]),
        /// The measuring instruments behind bench/ (`bench-slice`, `bench-stack`), kept out of the kernel binary.
        .executable(name: "connectome-bench", targets: ["connectome-bench"]),
        /// For the fuzz package in Fuzz/ only (a separate package, so `swift build` and `swift test` never build it).
        .library(name: "ConnectomeKernelModules", targets: [
            "JSONModel", "JupyterProtocol", "JupyterZMQ", "CommandLanguage", "ImageCodecs", "ConnectomeCore", "ConnectomeSample",
            "ConnectomeKernel",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // MARK: - C libraries from Debian (pkg-config), imported with `internal import`
        .systemLibrary(name: "CCKZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        // Headers only (no pkg-config, whose `-lcurl` would link it): CCKCurlShims opens libcurl on first use.
        .systemLibrary(name: "CCKCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCKSpng", pkgConfig: "spng", providers: [.apt(["libspng-dev"])]),
        .systemLibrary(name: "CCKZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        /// ISA-L's igzip: inflates gzip-stored chunks 2–3× faster than zlib (bench/slice/FINDINGS.md).
        .systemLibrary(name: "CCKIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        /// LZ4 frames and ZSTD: the buffer compressions of Arrow IPC (pyarrow, CAVE's materialization answers).
        .systemLibrary(name: "CCKLz4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CCKZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        /// libcurl's `curl_easy_setopt` / `curl_multi_setopt` are variadic: Swift cannot call them.
        .target(name: "CCKCurlShims", dependencies: ["CCKCurl"]),
        /// The classic libjpeg API (libjpeg-turbo) reports errors with longjmp, which Swift cannot catch;
        /// the C shim owns the setjmp and exposes section-skipping decode (`jpeg_skip_scanlines`).
        .target(name: "CCKJpeg", linkerSettings: [.linkedLibrary("jpeg")]),

        // MARK: - Shared value types
        .target(name: "JSONModel"),

        // MARK: - Jupyter
        .target(name: "JupyterProtocol", dependencies: [
            "JSONModel",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "JupyterZMQ", dependencies: [
            "JupyterProtocol",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: - The command language
        .target(name: "CommandLanguage"),

        // MARK: - The connectome domain
        .target(name: "ImageCodecs", dependencies: ["CCKSpng", "CCKJpeg", "CCKZlib", "CCKIsal"]),
        .target(name: "ConnectomeCore", dependencies: [
            "ImageCodecs", "JSONModel", "CCKLz4", "CCKZstd",
            .product(name: "Logging", package: "swift-log"),
        ]),
        /// The write side of the sample dataset: the synthetic volume, its connectome and the writers.
        .target(name: "ConnectomeSample", dependencies: ["ConnectomeCore", "ImageCodecs", "JSONModel"]),
        .target(name: "CurlHTTP", dependencies: [
            "ConnectomeCore", "CCKCurlShims", "CCKCurl",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: - Where the three worlds meet
        .target(name: "ConnectomeKernel", dependencies: [
            "JupyterProtocol", "CommandLanguage", "ConnectomeCore", "ConnectomeSample", "ImageCodecs", "JSONModel",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "connectome-kernel", dependencies: [
            "ConnectomeKernel", "JupyterZMQ", "CurlHTTP", "ConnectomeCore", "JupyterProtocol", "ImageCodecs",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "connectome-bench", dependencies: [
            "ConnectomeCore", "ConnectomeSample", "CurlHTTP", "ImageCodecs",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Tests: one target per library target
        /// Written once for the test targets: the nginx harness, loopback sockets, the canned
        /// transport, temporary directories and the store conformance suite.
        .target(name: "TestSupport", dependencies: ["ConnectomeCore"], path: "Tests/TestSupport"),
        .testTarget(name: "JSONModelTests", dependencies: ["JSONModel"]),
        .testTarget(name: "JupyterProtocolTests", dependencies: ["JupyterProtocol", "JSONModel"]),
        .testTarget(name: "JupyterZMQTests", dependencies: ["JupyterZMQ", "JupyterProtocol", "CCKZeroMQ"]),
        .testTarget(name: "CommandLanguageTests", dependencies: ["CommandLanguage"]),
        .testTarget(name: "ImageCodecsTests", dependencies: ["ImageCodecs"]),
        .testTarget(name: "ConnectomeCoreTests", dependencies: ["ConnectomeCore", "ConnectomeSample", "ImageCodecs", "JSONModel", "TestSupport"],
                    exclude: ["Scene/Fixtures"]),
        .testTarget(name: "ConnectomeSampleTests", dependencies: ["ConnectomeSample", "ConnectomeCore", "TestSupport"]),
        .testTarget(name: "CurlHTTPTests", dependencies: [
            "CurlHTTP", "ConnectomeCore", "ConnectomeSample", "TestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ConnectomeKernelTests", dependencies: [
            "ConnectomeKernel", "JupyterProtocol", "CommandLanguage", "ConnectomeCore", "ConnectomeSample", "JSONModel", "TestSupport",
        ]),
    ]
)
