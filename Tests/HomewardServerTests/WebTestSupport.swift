import Foundation
import HTTPTypes
import HomewardCore
import HomewardStore
import HomewardTestSupport
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import HomewardServer

/// The operators' application on a fresh register with one user per role, driven in-process as
/// a browser would: cookies kept, forms posted.
struct WebHarness {
    let client: any TestClientProtocol
    let database: HomewardDatabase
    /// What the register held when the server started.
    let sample: WebTests.Sample
    static let password = "correct horse battery"

    /// A browser's cookie jar.
    struct Browser {
        var cookies: [String: String] = [:]
        var formToken: String?

        var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
    }

    struct Answer {
        var status: HTTPResponse.Status
        var body: String
        var headers: HTTPFields

        var location: String? { headers[.location] }
        var redirectsToSignIn: Bool { status == .seeOther && (location ?? "").hasPrefix("/login") }
    }

    func request(
        _ method: HTTPRequest.Method, _ uri: String, form: [String: String]? = nil, browser: inout Browser,
        headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        try await request(method, uri, fields: form.map { Array($0) }, browser: &browser, headers: extra)
    }

    /// A request whose form may repeat a name, as a list of ticked boxes does.
    func request(
        _ method: HTTPRequest.Method, _ uri: String, fields: [(key: String, value: String)]?, browser: inout Browser,
        headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        if !browser.cookies.isEmpty { headers[.cookie] = browser.cookieHeader }
        var body: ByteBuffer?
        if let form = fields {
            headers[.contentType] = "application/x-www-form-urlencoded"
            let encoded = form.map { key, value in
                "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }
            body = ByteBuffer(string: encoded.joined(separator: "&"))
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";").first ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let name = String(parts[0])
            if parts[1].isEmpty || field.value.contains("Max-Age=0") {
                browser.cookies[name] = nil
            } else {
                browser.cookies[name] = String(parts[1])
            }
        }
        let text = String(buffer: response.body)
        if let token = Self.value(of: "_csrf", in: text) { browser.formToken = token }
        return Answer(status: response.status, body: text, headers: response.headers)
    }

    func get(_ uri: String, _ browser: inout Browser) async throws -> Answer {
        try await request(.get, uri, browser: &browser)
    }

    /// Posts a form with the session's form token, as the page's own form would.
    func post(_ uri: String, _ form: [String: String], _ browser: inout Browser) async throws -> Answer {
        var fields = form
        if fields["_csrf"] == nil, let token = browser.formToken { fields["_csrf"] = token }
        return try await request(.post, uri, form: fields, browser: &browser)
    }

    /// Posts a form whose names may repeat, with the session's form token.
    func post(_ uri: String, fields: [(key: String, value: String)], _ browser: inout Browser) async throws -> Answer {
        var fields = fields
        if let token = browser.formToken { fields.append((key: "_csrf", value: token)) }
        return try await request(.post, uri, fields: fields, browser: &browser)
    }

    /// Signs in as the user named after `role`; returns the browser with its session.
    func signIn(_ role: Role, password: String = WebHarness.password) async throws -> (Browser, Answer) {
        var browser = Browser()
        let page = try await get("/login", &browser)
        let token = try #require(Self.value(of: "_signin", in: page.body))
        let answer = try await request(
            .post, "/login", form: ["_signin": token, "username": role.rawValue, "password": password], browser: &browser)
        if answer.status == .seeOther {
            _ = try await get("/dashboard", &browser)
        }
        return (browser, answer)
    }

    func signedIn(_ role: Role) async throws -> Browser {
        let (browser, answer) = try await signIn(role)
        #expect(answer.status == .seeOther, "\(role) could not sign in: \(answer.status)")
        return browser
    }

    /// The value of the first hidden input named `name` on a page.
    static func value(of name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

/// bcrypt at its lowest cost: the tests check the rules, not the hash's strength.
let fastPasswords: SignInPolicy = {
    var policy = SignInPolicy()
    policy.bcryptCost = 4
    return policy
}()

func withWeb(_ backend: TestBackend, _ body: @Sendable (WebHarness) async throws -> Void) async throws {
    try await withTestDatabase(backend) { database in
        for role in Role.allCases {
            _ = try await database.createUser(
                username: role.rawValue, displayName: "Test \(role.rawValue)", role: role, password: WebHarness.password,
                language: "en", actor: "test", policy: fastPasswords)
        }
        let sample = try await WebTests.sample(database)
        let app = try buildApplication(
            database: database, configuration: ServerConfiguration(), logger: testLogger(), ownsDatabase: false,
            clock: { testNow }
        )
        try await app.test(.router) { client in
            try await body(WebHarness(client: client, database: database, sample: sample))
        }
    }
}
