import Foundation
import HTTPTypes
import HomewardCore
import HomewardStore
import Hummingbird
import NIOCore
import OpenAPIRuntime

/// API paths anyone may read: the public figures and the API description. A generic middleware
/// cannot hold a stored static, so the set lives here rather than being rebuilt on every request.
let publicAPIPaths: Set<String> = ["/api/openapi.yaml", "/api/v1/stats"]

/// Who is making the current request, as the audit log names them.
enum RequestActor {
    @TaskLocal static var current: String?
}

/// Denies every API request that is not to a public path and carries no valid personal access
/// token, and every write whose token lacks the write scope.
///
/// It sits in front of every route under /api/, so an API route added later is private unless it
/// is added to `publicAPIPaths` on purpose. The pages of the web application are guarded by
/// their own requirements (`Site`, `WebRouter`).
struct TokenAuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let database: HomewardDatabase

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let path = request.uri.path
        guard path == "/api" || path.hasPrefix("/api/") else { return try await next(request, context) }
        let isRead = request.method == .get || request.method == .head
        if isRead, publicAPIPaths.contains(path) {
            return try await next(request, context)
        }
        guard let token = Self.bearerToken(request.headers[.authorization]) else {
            return Self.unauthorized("This route needs a personal access token: send 'Authorization: Bearer <token>'.")
        }
        guard let holder = try await database.authenticate(token: token) else {
            return Self.unauthorized("The access token is unknown or has been revoked.")
        }
        var needed: [TokenScope] = [isRead ? .read : .write]
        if path.hasPrefix("/api/v1/exchange") { needed.append(.exchanges) }
        if let missing = needed.first(where: { !holder.scopes.contains($0) }) {
            return problemResponse(
                ProblemDocument(
                    title: "Forbidden", status: 403,
                    detail: "This token lacks the '\(missing.rawValue)' scope this route needs: it has the scopes "
                        + "'\(holder.scopes.map(\.rawValue).sorted().joined(separator: " "))'. Create one with --scope \(missing.rawValue)."
                ))
        }
        return try await RequestActor.$current.withValue("token:\(holder.name)") {
            try await next(request, context)
        }
    }

    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    static func unauthorized(_ detail: String) -> Response {
        problemResponse(
            ProblemDocument(title: "Unauthorized", status: 401, detail: detail), headers: [.wwwAuthenticate: "Bearer"])
    }
}

/// Refuses bodies larger than the server accepts before anything reads them into memory.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int
    /// Forms that carry files (a list to import): their route reads and limits the body itself,
    /// once it knows who is sending it.
    var uploadPaths: Set<String> = []

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        if request.method == .post, uploadPaths.contains(request.uri.path) { return try await next(request, context) }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            return tooLarge()
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            return tooLarge()
        }
        return try await next(request, context)
    }

    private func tooLarge() -> Response {
        problemResponse(
            ProblemDocument(
                title: "Content too large", status: 413,
                detail: "The body is larger than \(maxBytes) bytes, the most this server accepts."
            )
        )
    }
}

func problemResponse(_ problem: ProblemDocument, headers: HTTPFields = [:]) -> Response {
    Response(
        status: .init(code: problem.status),
        headers: problem.headers(adding: headers),
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: problem.encoded))
    )
}

/// Logs each request's method, path, status and duration, never its query: search queries and
/// filters name the persons being looked for, and logs are not audited.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, started: started)
            return response
        } catch {
            log(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, started: started)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        context.logger.info(
            "\(request.method) \(request.uri.path) \(status)",
            metadata: [
                "duration_ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)"
            ]
        )
    }
}
