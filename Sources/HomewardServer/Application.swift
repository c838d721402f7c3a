import Foundation
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

    public init(hostname: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20) {
        self.hostname = hostname
        self.port = port
        self.maxBodyBytes = maxBodyBytes
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

/// Builds the whole server, for `homeward serve` and the tests alike.
///
/// - Parameter ownsDatabase: whether shutting the application down also closes the database;
///   tests that keep using the database after the server keep this false.
public func buildApplication(
    database: HomewardDatabase,
    configuration: ServerConfiguration,
    logger: Logger,
    ownsDatabase: Bool = true,
    clock: @escaping @Sendable () -> Date = Date.init
) throws -> some ApplicationProtocol {
    let router = buildRouter(database: database, configuration: configuration, logger: logger, clock: clock)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.hostname, port: configuration.port), serverName: "Homeward"),
        logger: logger
    )
    if ownsDatabase { app.addServices(DatabaseService(database: database)) }
    return app
}

func buildRouter(
    database: HomewardDatabase,
    configuration: ServerConfiguration,
    logger: Logger,
    clock: @escaping @Sendable () -> Date
) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: TokenAuthenticationMiddleware(database: database))
    router.add(middleware: BodyLimitMiddleware(maxBytes: configuration.maxBodyBytes))

    router.get("/health") { _, _ in "ok" }
    router.get("/api/openapi.yaml") { _, _ in
        Response(
            status: .ok,
            headers: [.contentType: "application/yaml; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes))
        )
    }
    router.get("/") { _, _ in try await LandingPage.render(database: database) }

    let api = RegisterAPI(database: database, clock: clock)
    // Registration cannot fail for a generated handler set; a failure here is a programming error.
    try! api.registerHandlers(on: router, middlewares: [ProblemMiddleware(logger: logger)])
    return router
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
