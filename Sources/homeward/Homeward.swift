import ArgumentParser
import Foundation
import HomewardCore
import HomewardMail
import HomewardServer
import HomewardStore
import Hummingbird
import Logging

@main
struct Homeward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "homeward",
        abstract: "The register of a national information bureau: persons held or missing, their records, events and status.",
        subcommands: [
            Serve.self, Migrate.self, Demo.self, Import.self, Export.self, Stats.self, User.self, Token.self, Audit.self,
            Review.self,
            Link.self,
            PlanBenchmark.self,
        ]
    )
}

/// Where the register is; the one place storage configuration is read (flag, then environment, then default).
struct StorageOptions: ParsableArguments {
    @Option(help: "Folder holding the SQLite register (env HOMEWARD_DATA_DIR; default ./data).")
    var dataDir: String?

    @Option(
        name: .customLong("database-url"),
        help: "A postgres://user:password@host:port/database URL; overrides --data-dir (env HOMEWARD_DATABASE_URL)."
    )
    var databaseURL: String?

    @Option(help: "How much to log: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func location() throws -> DatabaseLocation {
        let environment = ProcessInfo.processInfo.environment
        let dataDirectory = dataDir ?? environment["HOMEWARD_DATA_DIR"] ?? "data"
        do {
            return try DatabaseLocation.resolve(
                databaseURL: databaseURL ?? environment["HOMEWARD_DATABASE_URL"], dataDirectory: dataDirectory
            )
        } catch {
            throw ArgumentParser.ValidationError(error.description)
        }
    }

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = logLevel
        return logger
    }

    /// Opens the register and brings its schema up to date.
    func open() async throws -> HomewardDatabase {
        let location = try location()
        let logger = logger("homeward.database")
        let database = try HomewardDatabase(location: location, logger: logger)
        do {
            try await database.migrate()
        } catch {
            try? await database.shutdown()
            throw CommandFailure("cannot open the register (\(location)): \(String(reflecting: error))")
        }
        return database
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension TokenScope: ExpressibleByArgument {}
extension Role: ExpressibleByArgument {}

/// Runs `body` with an open database and closes it afterwards, also when `body` throws.
func withDatabase<T>(_ storage: StorageOptions, _ body: (HomewardDatabase) async throws -> T) async throws -> T {
    let database = try await storage.open()
    do {
        let result = try await body(database)
        try await database.shutdown()
        return result
    } catch {
        try? await database.shutdown()
        throw CommandFailure(describing: error)
    }
}

/// A command that could not do its work: ArgumentParser prints the reason and exits with 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }

    /// Database drivers hide their server's message from `description`; an operator needs it.
    init(describing error: any Error) {
        if let failure = error as? CommandFailure {
            self = failure
        } else if let validation = error as? HomewardCore.ValidationError {
            description = validation.description
        } else {
            description = String(reflecting: error)
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serves the register over HTTP (migrates the database first).")

    @OptionGroup var storage: StorageOptions

    @Option(help: "The address to listen on.")
    var hostname = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Flag(help: "Fill an empty register with demo data, create demo users and print a demo API token.")
    var demo = false

    @Flag(help: "Send cookies over plain HTTP too: only behind a proxy on a trusted network (loopback needs no such flag).")
    var insecureCookies = false

    @Option(help: "Round the public statement's figures down to a multiple of this.")
    var statementRounding = 50

    @Option(help: "The address families reach this server at, for the link in their notifications (env HOMEWARD_PUBLIC_URL).")
    var publicURL: String?

    @Flag(help: "Count the address a reverse proxy on this machine names in X-Forwarded-For for the public pages' rate limits.")
    var behindProxy = false

    @Option(
        name: .customLong("smtp-url"),
        help: ArgumentHelp(
            "E-mail families' notifications through this server (env HOMEWARD_SMTP_URL): smtp://user:password@host:587?from=bureau@example.org (STARTTLS), smtps://…:465 (TLS) or smtp+plain://host:25?from=… (a relay on loopback)."
        ))
    var smtpURL: String?

    @Option(help: "Seconds between the outbox's looks for changed statuses and mail to send.")
    var outboxInterval = 30

    func run() async throws {
        let logger = storage.logger("homeward")
        let database = try await storage.open()
        do {
            try await prepare(database, logger: logger)
        } catch {
            try? await database.shutdown()
            throw CommandFailure(describing: error)
        }
        var configuration = ServerConfiguration(
            hostname: hostname, port: port, secureCookies: !insecureCookies, statementRounding: statementRounding)
        configuration.publicURL = publicURL ?? ProcessInfo.processInfo.environment["HOMEWARD_PUBLIC_URL"]
        configuration.behindProxy = behindProxy
        configuration.outboxInterval = .seconds(max(1, outboxInterval))
        let mail = try mailTransport(bureau: configuration.bureauName)
        let app = try buildApplication(database: database, configuration: configuration, logger: logger, mail: mail)
        say("Homeward is serving \(database.location) at http://\(hostname):\(port)")
        try await app.runService()
    }

    /// The SMTP server notifications go through, when one is configured.
    private func mailTransport(bureau: String) throws -> (transport: any MailTransport, from: MailAddress)? {
        guard let url = smtpURL ?? ProcessInfo.processInfo.environment["HOMEWARD_SMTP_URL"] else {
            say("No SMTP server is configured: families' notifications wait in the outbox for liaison staff.")
            return nil
        }
        do {
            let smtp = try SMTPConfiguration(url: url)
            say("Families' notifications are e-mailed through \(smtp).")
            return (SMTPMailer(configuration: smtp), try MailAddress(smtp.from.address, name: bureau))
        } catch {
            throw CommandFailure(describing: error)
        }
    }

    private func prepare(_ database: HomewardDatabase, logger: Logger) async throws {
        let register = database.register(actor: "system:serve")
        let persons = try await register.statistics().persons
        if demo {
            if persons == 0 {
                say("Filling the empty register with demo data…")
                let summary = try await DemoRegister().load(into: database.register(actor: "system:demo"))
                say(summary.description)
                say(
                    "A family's inquiry to check at /inquiries/status: case code \(summary.sampleCaseCode), "
                        + "applicant born \(summary.sampleApplicantBorn).")
                let pairs = try await findDuplicates(database: database, actor: "system:demo")
                say("\(pairs) possible duplicates wait for review.")
            } else {
                say("The register already holds \(persons) persons; the demo data is not loaded again.")
            }
            try await DemoUsers.ensure(in: database)
            try await database.revokeAccessTokens(named: "demo", actor: "system:demo")
            let token = try await database.createAccessToken(
                name: "demo", scopes: Set(TokenScope.allCases), actor: "system:demo")
            say("Demo API token (valid until the next start with --demo): \(token)")
            say("  curl -H 'Authorization: Bearer \(token)' http://\(hostname):\(port)/api/v1/persons")
        } else {
            if try await database.userCount() == 0 {
                say("No one can sign in yet. Create the first administrator:")
                say("  homeward user create --username <name> --role admin")
            }
            if persons == 0 {
                say("The register is empty. Load demo data with `homeward demo`, or start with `homeward serve --demo`.")
            }
        }
    }
}

/// The demo's staff: one user per role, all with the same password, printed at start.
enum DemoUsers {
    static let password = "homeward-demo-2026"

    static func ensure(in database: HomewardDatabase) async throws {
        let existing = Set(try await database.users().map(\.username))
        for role in Role.allCases where !existing.contains(role.rawValue) {
            _ = try await database.createUser(
                username: role.rawValue, displayName: "Demo \(role.rawValue)", role: role, password: password,
                language: "en", actor: "system:demo")
        }
        say("Demo users (password '\(password)'): \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        say("  Sign in at the address below; each sees what their role allows.")
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Creates or updates the database schema, then exits.")

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        try await withDatabase(storage) { database in say("The register at \(database.location) is up to date.") }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fills an empty register with realistic invented data, the same on every run of the same seed."
    )

    @OptionGroup var storage: StorageOptions

    @Option(help: "How many of our own people (held or missing).")
    var own = 3_000

    @Option(help: "How many of the adversary's people we hold.")
    var adversary = 1_500

    @Option(help: "The seed of the generator.")
    var seed: UInt64 = 2022_02_24

    @Flag(help: "Do not look for possible duplicates afterwards (for large registers made for benchmarks).")
    var withoutReview = false

    func validate() throws {
        guard own >= 0, adversary >= 0, own + adversary <= 1_000_000 else {
            throw ArgumentParser.ValidationError("--own and --adversary must be 0 or more, and 1,000,000 at most together")
        }
    }

    func run() async throws {
        try await withDatabase(storage) { database in
            let persons = try await database.register(actor: "system:demo").statistics().persons
            guard persons == 0 else {
                throw CommandFailure(
                    "The register at \(database.location) already holds \(persons) persons; demo data goes only into an empty one."
                )
            }
            let summary = try await DemoRegister(ownPersons: own, adversaryPersons: adversary, seed: seed)
                .load(into: database.register(actor: "system:demo"))
            say(summary.description)
            if withoutReview {
                say("The review queue was not filled (--without-review); fill it with `homeward review refresh`.")
            } else {
                let pairs = try await findDuplicates(database: database, actor: "system:demo")
                say("\(pairs) possible duplicates wait for review.")
            }
            try await DemoUsers.ensure(in: database)
        }
    }
}

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prints the register's figures as JSON, as GET /api/v1/stats gives them.")

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let json = try await withDatabase(storage) { try await statisticsJSON(database: $0) }
        say(json)
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Personal access tokens for the JSON API.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Creates a token and prints it once; only its hash is kept.")

        @OptionGroup var storage: StorageOptions

        @Option(help: "Whose token this is, as the audit log will name them.")
        var name: String

        @Option(
            name: .customLong("scope"),
            help: "What the token may do: read (GET), write (the rest), exchanges (the exchange routes too); repeat for more.")
        var scopes: [TokenScope] = [.read]

        func validate() throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else {
                throw ArgumentParser.ValidationError("--name must be 1 to 100 characters")
            }
        }

        func run() async throws {
            let token = try await withDatabase(storage) {
                try await $0.createAccessToken(name: name, scopes: Set(scopes), actor: "cli")
            }
            say(token)
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Checks the audit log's hash chain; exits 1 and names the first bad entry if any was altered or removed."
        )

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let verification = try await withDatabase(storage) { try await $0.verifyAuditLog() }
            switch verification {
            case .intact(let entries):
                say("The audit log is intact: \(entries) entries.")
            case .broken(let sequence, let reason):
                say("The audit log is broken at entry \(sequence): \(reason).")
                throw ExitCode(1)
            }
        }
    }
}

struct Review: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The queue of possible duplicates.", subcommands: [Refresh.self])

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs the matcher over every record and fills the review queue; decided pairs keep their decision.")

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let pairs = try await withDatabase(storage) { try await findDuplicates(database: $0, actor: "cli") }
            say("\(pairs) possible duplicates wait for review.")
        }
    }
}

extension DemoRegister.Summary: CustomStringConvertible {
    public var description: String {
        "Demo register: \(persons) persons, \(records) records from \(sources) sources, \(events) events, "
            + "\(facilities) facilities, \(exchangeDays) exchange days, "
            + "\(exchanges) exchanges (one under negotiation), \(medicalFindings) medical findings, \(fundHolds) holds on the fund, "
            + "\(inquiries) families' inquiries."
    }
}

/// Writes a line to standard output at once, so it reaches a log file as it happens.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
