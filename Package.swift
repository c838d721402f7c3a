// swift-tools-version:6.0
import PackageDescription

let strictSwift6: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Homeward",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "homeward", targets: ["homeward"]),
        .library(name: "HomewardCore", targets: ["HomewardCore"]),
        .library(name: "HomewardMatching", targets: ["HomewardMatching"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // The domain: pure Swift, no I/O.
        .target(name: "HomewardCore", swiftSettings: strictSwift6),
        // Record linkage: pure Swift, depends on the domain only, so it can be benchmarked alone.
        .target(
            name: "HomewardMatching",
            dependencies: ["HomewardCore"],
            resources: [.copy("Knowledge")],
            swiftSettings: strictSwift6
        ),
        .target(
            name: "HomewardStore",
            dependencies: [
                "HomewardCore",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ],
            swiftSettings: strictSwift6
        ),
        // A small SMTP client for the bureau's notifications to families.
        .target(
            name: "HomewardMail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/HomewardMail",
            swiftSettings: strictSwift6
        ),
        // The system zlib, which inflates the parts of XLSX workbooks.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "HomewardInterop", dependencies: ["HomewardCore", "CZlib"], swiftSettings: strictSwift6),
        .target(
            name: "HomewardServer",
            dependencies: [
                "HomewardCore",
                "HomewardStore",
                "HomewardMatching",
                "HomewardInterop",
                "HomewardMail",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            resources: [.copy("openapi.yaml"), .copy("Templates"), .copy("Locales"), .copy("Static")],
            swiftSettings: strictSwift6,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "homeward",
            dependencies: [
                "HomewardServer",
                "HomewardStore",
                "HomewardCore",
                "HomewardMatching",
                "HomewardInterop",
                "HomewardMail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6
        ),
        // Shared by the storage and server suites: fresh databases on SQLite and, when configured, PostgreSQL.
        .target(
            name: "HomewardTestSupport",
            dependencies: ["HomewardStore", "HomewardCore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/HomewardTestSupport",
            swiftSettings: strictSwift6
        ),
        .testTarget(name: "HomewardCoreTests", dependencies: ["HomewardCore"], swiftSettings: strictSwift6),
        .testTarget(
            name: "HomewardMailTests",
            dependencies: [
                "HomewardMail",
                // The tests run a real, scripted SMTP server on loopback.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "HomewardMatchingTests",
            dependencies: ["HomewardMatching", "HomewardCore"],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "HomewardInteropTests",
            dependencies: ["HomewardInterop", "HomewardCore", "CZlib"],
            exclude: ["Fixtures"],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "HomewardStoreTests",
            dependencies: [
                "HomewardStore", "HomewardCore", "HomewardTestSupport",
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "HomewardServerTests",
            dependencies: [
                "HomewardServer",
                "HomewardStore",
                "HomewardCore",
                "HomewardMatching",
                "HomewardMail",
                "HomewardTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSwift6
        ),
    ],
    swiftLanguageModes: [.v6]
)
