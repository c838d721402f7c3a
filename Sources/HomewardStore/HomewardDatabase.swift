import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// Where the register lives: one SQLite file by default, PostgreSQL when given a `postgres://` URL.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqliteFile(path: String)
    case postgres(url: String, searchPath: [String]? = nil)

    /// Reads a `--database-url` / `HOMEWARD_DATABASE_URL` value, else the SQLite file in `dataDirectory`.
    public static func resolve(databaseURL: String?, dataDirectory: String) throws(DatabaseConfigurationError) -> Self {
        guard let databaseURL, !databaseURL.isEmpty else {
            return .sqliteFile(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("homeward.sqlite").path)
        }
        if databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://") {
            return .postgres(url: databaseURL)
        }
        if databaseURL.hasPrefix("sqlite://") {
            return .sqliteFile(path: String(databaseURL.dropFirst("sqlite://".count)))
        }
        throw .unsupportedURL(databaseURL)
    }

    public var description: String {
        switch self {
        case .sqliteFile(let path): "SQLite file \(path)"
        case .postgres(let url, _): "PostgreSQL \(Self.redactingPassword(url))"
        }
    }

    private static func redactingPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}

public enum DatabaseConfigurationError: Error, CustomStringConvertible {
    case unsupportedURL(String)
    case cannotCreateDirectory(String, underlying: String)

    public var description: String {
        switch self {
        case .unsupportedURL(let url):
            "database URL '\(url)' is neither postgres://user:password@host:port/database nor sqlite:///path/to/file"
        case .cannotCreateDirectory(let path, let underlying):
            "cannot create the data directory \(path): \(underlying)"
        }
    }
}

/// The open database with its connection pools; shut it down once, when the program ends.
public final class HomewardDatabase: Sendable {
    public let location: DatabaseLocation
    let databases: Databases
    let threadPool: NIOThreadPool
    let writeGate = WriteGate()
    let logger: Logger

    public init(
        location: DatabaseLocation, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) throws {
        self.location = location
        self.logger = logger
        threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        databases = Databases(threadPool: threadPool, on: eventLoopGroup)
        switch location {
        case .sqliteFile(let path):
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw DatabaseConfigurationError.cannotCreateDirectory(directory, underlying: error.localizedDescription)
            }
            databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
        case .postgres(let url, let searchPath):
            var configuration = try SQLPostgresConfiguration(url: url)
            configuration.searchPath = searchPath
            databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace),
                as: .psql
            )
        }
    }

    var database: any Database {
        databases.database(logger: logger, on: databases.eventLoopGroup.any())!
    }

    var isSQLite: Bool {
        if case .sqliteFile = location { return true }
        return false
    }

    /// Brings the schema up to date; safe to run on every start.
    public func migrate() async throws {
        if isSQLite {
            // WAL lets pages be read while an import writes; it is a property of the file, set once.
            try await database.sqlDatabase().raw("PRAGMA journal_mode=WAL").run()
        }
        let migrations = FluentKit.Migrations()
        migrations.add(Migrations.all)
        let migrator = Migrator(
            databases: databases,
            migrations: migrations,
            logger: logger,
            on: databases.eventLoopGroup.any()
        )
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    public func shutdown() async throws {
        await databases.shutdownAsync()
        try await threadPool.shutdownGracefully()
    }

    /// The register, acting for `actor` (a user or token name, recorded in the audit log).
    public func register(actor: String, clock: @escaping @Sendable () -> Date = Date.init) -> Register {
        Register(store: self, actor: actor, clock: clock)
    }
}

extension Database {
    func sqlDatabase() throws -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            throw StoreError.internalInconsistency("the database driver does not speak SQL")
        }
        return sql
    }
}

/// Lets one write transaction run at a time in this process.
///
/// SQLite admits one writer at a time anyway; queueing here turns "database is locked" errors into
/// waiting, and keeps the audit hash chain linear. PostgreSQL gets the same order from an advisory
/// lock inside each transaction (see `AuditLog`), which also holds across several servers.
actor WriteGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}

extension HomewardDatabase {
    /// Runs one SQL statement as written: for maintenance and for tests that must reach under the
    /// register (to tamper with the audit log, say). Never pass it anything a user typed.
    public func execute(sql: String) async throws {
        try await database.sqlDatabase().raw(SQLQueryString(stringLiteral: sql)).run()
    }
}
