import Foundation
import HTTPTypes
import HomewardStore
import Hummingbird
import NIOCore
import OpenAPIRuntime

/// Paths anyone may read: the public figures, the API description, the health check. A generic
/// middleware cannot hold a stored static, so the set lives here rather than being rebuilt on
/// every request.
let publicReadPaths: Set<String> = ["/", "/health", "/api/openapi.yaml", "/api/v1/stats"]

/// Who is making the current request, as the audit log names them.
enum RequestActor {
    @TaskLocal static var current: String?
}

/// Denies every request that is not to a public path and carries no valid personal access token.
///
/// It sits in front of every route, so a route added later is private unless it is added to
/// `publicReadPaths` on purpose.
struct TokenAuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let database: HomewardDatabase

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        if request.method == .get || request.method == .head, publicReadPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard let token = Self.bearerToken(request.headers[.authorization]) else {
            return Self.unauthorized("This route needs a personal access token: send 'Authorization: Bearer <token>'.")
        }
        guard let holder = try await database.authenticate(token: token) else {
            return Self.unauthorized("The access token is unknown or has been revoked.")
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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
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
