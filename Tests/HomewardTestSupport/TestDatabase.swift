import Foundation
import HomewardStore
import Logging

/// A database engine the storage and API suites run against.
///
/// SQLite always; PostgreSQL too when `HOMEWARD_TEST_POSTGRES_URL` names a server (CI starts one),
/// so that both engines are held to the same behaviour.
public enum TestBackend: Sendable, CustomStringConvertible {
    case sqlite
    case postgres(url: String)

    public static var all: [TestBackend] {
        var backends: [TestBackend] = [.sqlite]
        if let url = ProcessInfo.processInfo.environment["HOMEWARD_TEST_POSTGRES_URL"], !url.isEmpty {
            backends.append(.postgres(url: url))
        }
        return backends
    }

    public var description: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }
}

/// A fixed instant, so that "today" and every timestamp in a test is the same on every run.
public let testNow = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24T16:00:00Z

public func testLogger() -> Logger {
    var logger = Logger(label: "homeward.test")
    logger.logLevel = .warning
    return logger
}

/// Runs `body` against a new, migrated, empty register, and removes it afterwards.
///
/// SQLite: a file in a fresh temporary folder. PostgreSQL: a schema of its own in the given
/// database, so tests run side by side without seeing each other's rows.
public func withTestDatabase<T: Sendable>(
    _ backend: TestBackend,
    _ body: (HomewardDatabase) async throws -> T
) async throws -> T {
    let logger = testLogger()
    switch backend {
    case .sqlite:
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("homeward-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try HomewardDatabase(
            location: .sqliteFile(path: folder.appendingPathComponent("homeward.sqlite").path),
            logger: logger
        )
        return try await run(database, body)
    case .postgres(let url):
        let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = try HomewardDatabase(location: .postgres(url: url), logger: logger)
        try await admin.execute(sql: "CREATE SCHEMA \(schema)")
        let outcome: Result<T, any Error>
        do {
            let database = try HomewardDatabase(location: .postgres(url: url, searchPath: [schema]), logger: logger)
            outcome = .success(try await run(database, body))
        } catch {
            outcome = .failure(error)
        }
        try? await admin.execute(sql: "DROP SCHEMA \(schema) CASCADE")
        try? await admin.shutdown()
        return try outcome.get()
    }
}

private func run<T: Sendable>(_ database: HomewardDatabase, _ body: (HomewardDatabase) async throws -> T) async throws -> T {
    do {
        try await database.migrate()
        let result = try await body(database)
        try await database.shutdown()
        return result
    } catch {
        try? await database.shutdown()
        throw error
    }
}
