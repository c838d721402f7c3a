import Foundation
import HTTPTypes
import HomewardCore
import HomewardServer
import HomewardStore
import HomewardTestSupport
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A server on a fresh register, with a valid token, driven in-process.
struct APIHarness {
    let client: any TestClientProtocol
    let token: String
    let database: HomewardDatabase

    func request(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: String? = nil,
        authorised: Bool = true,
        headers extra: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, body: String, headers: HTTPFields) {
        var headers = extra
        if authorised { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }
        )
        return (response.status, String(buffer: response.body), response.headers)
    }

    func object(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil) async throws -> [String: Any] {
        let (status, body, _) = try await request(method, uri, json: json)
        #expect((200..<300).contains(status.code), "\(method) \(uri) answered \(status.code): \(body)")
        return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }
}

func withAPI(
    _ backend: TestBackend, scopes: Set<TokenScope> = [.read, .write], _ body: @Sendable (APIHarness) async throws -> Void
) async throws {
    try await withTestDatabase(backend) { database in
        let token = try await database.createAccessToken(name: "tester", scopes: scopes, actor: "test")
        let app = try buildApplication(
            database: database, configuration: ServerConfiguration(), logger: testLogger(), ownsDatabase: false,
            clock: { testNow }
        )
        try await app.test(.router) { client in
            try await body(APIHarness(client: client, token: token, database: database))
        }
    }
}

func problem(_ body: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
}

func fieldErrors(_ body: String) throws -> [String] {
    let errors = try problem(body)["errors"] as? [[String: Any]] ?? []
    return errors.compactMap { $0["field"] as? String }
}

let petrenkoJSON = """
    {"affiliation":"own","category":"servicemember",
     "identity":{"name":{"surname":"Петренко","givenNames":"Олександр","patronymic":"Миколайович"},
                 "dateOfBirth":"1987-05-04","placeOfBirth":"Київ","serviceNumber":"АА123456"}}
    """
