import Foundation
import HomewardMail
import HomewardStore
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle

public struct ServerConfiguration: Sendable {
    public var hostname: String
    public var port: Int
    /// The largest request body accepted; personal data never needs more in one JSON request.
    public var maxBodyBytes: Int
    /// Whether cookies go only over HTTPS. Browsers treat http://127.0.0.1 and localhost as secure,
    /// so this stays on except behind a proxy that speaks plain HTTP to browsers elsewhere.
    public var secureCookies: Bool
    /// The public statement's figures are rounded down to a multiple of this ("more than 2,500").
    public var statementRounding: Int
    /// The bureau's name, as exports and notifications give their author; unset, each language's own.
    public var bureauName = ServerConfiguration.defaultBureauName
    public static let defaultBureauName = "National Information Bureau"
    /// The domain of Homeward's own record identifiers in PFIF exports (`DOMAIN/person.UUID`).
    public var recordDomain = "homeward.bureau.example"
    /// The address families reach the public pages at (`https://homeward.bureau.example`), for the
    /// link in their notifications; without it the message names no address.
    public var publicURL: String?
    /// Whether a reverse proxy on this machine sets `X-Forwarded-For`: the public pages' rate limits
    /// then count the address it names, not the proxy's own.
    public var behindProxy = false
    /// How often the outbox looks for changed statuses made elsewhere and sends what is due.
    public var outboxInterval: Duration = .seconds(30)

    public init(
        hostname: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20, secureCookies: Bool = true,
        statementRounding: Int = 50
    ) {
        self.hostname = hostname
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.secureCookies = secureCookies
        self.statementRounding = statementRounding
    }
}

/// Closes the database's connection pools when the server shuts down.
struct DatabaseService: Service {
    let database: HomewardDatabase

    func run() async throws {
        try? await gracefulShutdown()
        try await database.shutdown()
    }
}

/// Reads the register into the search index and the inquiries' matcher as the server starts, so
/// the first search and the first inquiry are as quick as the rest.
struct SearchWarmUp: Service {
    let search: SearchService
    let matcher: InquiryMatcher
    let logger: Logger

    func run() async throws {
        do {
            try await search.load()
            try await matcher.warmUp()
        } catch {
            logger.error("the search index or the matcher could not be loaded; they will be on first use: \(error)")
        }
        try? await gracefulShutdown()
    }
}

/// Builds the whole server, for `homeward serve` and the tests alike.
///
/// - Parameter ownsDatabase: whether shutting the application down also closes the database;
///   tests that keep using the database after the server keep this false.
public func buildApplication(
    database: HomewardDatabase,
    configuration: ServerConfiguration,
    logger: Logger,
    ownsDatabase: Bool = true,
    mail: (transport: any MailTransport, from: MailAddress)? = nil,
    clock: @escaping @Sendable () -> Date = Date.init
) throws -> some ApplicationProtocol {
    let search = SearchService(database: database)
    var deliver: (@Sendable (OutboxMessage) async throws -> Void)?
    if let (transport, from) = mail {
        deliver = { message in try await transport.send(try Outbox.mail(message, from: from)) }
    }
    let outbox = Outbox(database: database, configuration: configuration, deliver: deliver, clock: clock, logger: logger)
    let matcher = InquiryMatcher(database: database, search: search)
    let router = try buildRouter(
        database: database, search: search, matcher: matcher, outbox: outbox, configuration: configuration, logger: logger,
        clock: clock)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.hostname, port: configuration.port), serverName: "Homeward"),
        logger: logger
    )
    app.addServices(SearchWarmUp(search: search, matcher: matcher, logger: logger))
    app.addServices(OutboxService(outbox: outbox, interval: configuration.outboxInterval))
    if ownsDatabase { app.addServices(DatabaseService(database: database)) }
    return app
}

func buildRouter(
    database: HomewardDatabase,
    search: SearchService,
    matcher: InquiryMatcher,
    outbox: Outbox,
    configuration: ServerConfiguration,
    logger: Logger,
    clock: @escaping @Sendable () -> Date
) throws -> Router<HomewardRequestContext> {
    let router = Router(context: HomewardRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: TokenAuthenticationMiddleware(database: database))
    router.add(
        middleware: BodyLimitMiddleware(
            maxBytes: configuration.maxBodyBytes,
            uploadPaths: Set(Site.all.filter { $0.acceptsFiles && $0.method == .post }.map(\.path))))

    router.get("/health") { _, _ in "ok" }
    router.get("/api/openapi.yaml") { _, _ in
        Response(
            status: .ok,
            headers: [.contentType: "application/yaml; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes))
        )
    }

    let web = WebApplication(
        database: database, pages: try PageRenderer(), search: search, duplicates: DuplicateFinder(database: database),
        matcher: matcher, outbox: outbox, limits: .standard(),
        configuration: configuration, clock: clock)
    web.register(on: router, logger: logger)

    let api = RegisterAPI(database: database, search: search, clock: clock)
    // Registration cannot fail for a generated handler set; a failure here is a programming error.
    try! api.registerHandlers(on: router, middlewares: [ProblemMiddleware(logger: logger)])
    return router
}

/// Looks for possible duplicates across the whole register and fills the review queue; returns
/// how many pairs wait for a decision.
public func findDuplicates(database: HomewardDatabase, actor: String) async throws -> Int {
    try await DuplicateFinder(database: database).refresh(actor: actor)
}

/// The OpenAPI document the server implements, served as written.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let data = try? Data(contentsOf: url)
        else { preconditionFailure("openapi.yaml is missing from the HomewardServer resources") }
        return [UInt8](data)
    }()
}
