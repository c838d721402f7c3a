import Foundation
import HTTPTypes
import HomewardCore
import HomewardStore
import Hummingbird
import Logging
import NIOCore

/// The request context of every route: Hummingbird's, plus where the request came from (for
/// sign-in throttling and the audit log).
public struct HomewardRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}

/// A signed-in member of staff, for the length of one request.
struct Viewer: Sendable {
    let user: UserAccount
    let formToken: String
    let sessionToken: String

    var actor: String { "user:\(user.username)" }
    func can(_ permission: Permission) -> Bool { user.role.allows(permission) }
}

/// The names of the cookies the application sets.
enum CookieName {
    static let session = "homeward_session"
    static let language = "homeward_language"
    /// Carries the token the sign-in form echoes, before there is a session (double-submit).
    static let signInForm = "homeward_signin"
    /// The same, for the families' forms (a tracing request, a status check).
    static let publicForm = "homeward_form"
}

/// What a page handler is given: the request, who is asking, their form and their language.
struct PageRequest: Sendable {
    let request: Request
    let context: HomewardRequestContext
    let viewer: Viewer?
    /// The fields of a submitted form; empty for GET.
    let form: FormFields
    let t: Translations
    /// The address's query, decoded as a browser encodes a GET form ("+" is a space).
    let queryFields: FormFields
    /// Files sent with a `multipart/form-data` form, by field name; only routes that accept files get any.
    let uploads: [String: [UploadedFile]]
    /// The first file of each field.
    var files: [String: UploadedFile] { uploads.compactMapValues(\.first) }

    init(
        request: Request, context: HomewardRequestContext, viewer: Viewer?, form: FormFields, t: Translations,
        uploads: [String: [UploadedFile]] = [:]
    ) {
        self.request = request
        self.context = context
        self.viewer = viewer
        self.form = form
        self.t = t
        self.uploads = uploads
        queryFields = FormFields(urlEncoded: request.uri.query ?? "")
    }

    var language: String { t.code }

    /// A query parameter, trimmed; nil when absent or blank.
    func query(_ name: String) -> String? { queryFields[name] }

    /// A query parameter as typed: the search box needs to know whether its last word is finished.
    func rawQuery(_ name: String) -> String { queryFields.raw(name) }

    /// The `:id` of the path, or a 404 if it is not one.
    func id(_ name: String = "id") throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw HTTPError(.notFound)
        }
        return id
    }

    /// The token a form without a session echoes, as its cookie carries it (double submit): another
    /// site can make a browser post the form but can neither read nor set the cookie. A new one
    /// when the browser has none yet.
    func anonymousFormToken(cookie: String) -> String {
        request.cookies[cookie]?.value ?? Secrets.randomHex(32)
    }

    /// Whether the form sent back, in `field`, the token its cookie carries.
    func echoesAnonymousFormToken(cookie: String, field: String) -> Bool {
        guard let sent = form[field], let expected = request.cookies[cookie]?.value else { return false }
        return constantTimeEqual(sent, expected)
    }

    /// The signed-in viewer; the router guarantees one on every route that needs it.
    var signedIn: Viewer {
        get throws {
            guard let viewer else { throw HTTPError(.unauthorized) }
            return viewer
        }
    }
}

/// Form fields of an `application/x-www-form-urlencoded` body.
struct FormFields: Sendable {
    private(set) var values: [String: [String]] = [:]

    init() {}

    init(urlEncoded body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    /// The field's value, trimmed; nil when absent or blank.
    subscript(_ name: String) -> String? {
        guard let value = values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// Every value sent under the name, in order: the ticked boxes of a list.
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The value as typed, untrimmed, for showing it back in the form.
    func raw(_ name: String) -> String { values[name]?.first ?? "" }

    mutating func append(_ name: String, _ value: String) { values[name, default: []].append(value) }

    private static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }
}

/// Registers the pages of the operators' application, each behind its requirement.
///
/// Every page goes through `add`, which signs the viewer in from their cookie, refuses those the
/// route's requirement does not admit, and checks the form token of every form it receives.
struct WebRouter {
    /// The largest file a form may carry: a list of a few hundred thousand rows.
    static let maximumUpload = 64 << 20

    let router: Router<HomewardRequestContext>
    let database: HomewardDatabase
    let pages: PageRenderer
    let logger: Logger
    let clock: @Sendable () -> Date

    /// - Parameter admit: refuses a request before its body is read (a rate limit on a public form);
    ///   returns nil to let it through.
    func add(
        _ route: WebRoute, admit: (@Sendable (PageRequest) -> Response?)? = nil,
        _ handler: @escaping @Sendable (PageRequest) async throws -> Response
    ) {
        let database = database
        let pages = pages
        let logger = logger
        let clock = clock
        router.on(RouterPath(route.path), method: route.method) { request, context in
            var viewer: Viewer?
            if let token = request.cookies[CookieName.session]?.value,
                let session = try await database.session(token: token, now: clock())
            {
                viewer = Viewer(user: session.user, formToken: session.formToken, sessionToken: token)
            }
            let language =
                viewer?.user.language ?? request.cookies[CookieName.language]?.value
                ?? Translations.preferred(acceptLanguage: request.headers[.acceptLanguage])
            let t = Translations.forLanguage(language)
            let visitor = PageRequest(request: request, context: context, viewer: viewer, form: FormFields(), t: t)

            guard route.requirement.admits(viewer?.user.role) else {
                let page = visitor
                if viewer == nil {
                    guard route.method == .get else { return pages.redirect(to: Site.signInPage.path) }
                    let next = request.uri.description
                    return pages.redirect(
                        to:
                            "\(Site.signInPage.path)?next=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                    )
                }
                return pages.problem(page, status: .forbidden, message: t["error_forbidden"])
            }
            if let refusal = admit?(visitor) { return refusal }
            // The body is read only for those the route admits, and a large one only where files are expected.
            var form = FormFields()
            var uploads: [String: [UploadedFile]] = [:]
            if route.method == .post {
                var request = request
                let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(ofContentType:))
                let limit = route.acceptsFiles && boundary != nil ? route.uploadLimit : context.maxUploadSize
                let body: ByteBuffer
                do {
                    body = try await request.collectBody(upTo: limit)
                } catch {
                    return pages.problem(
                        visitor, status: .contentTooLarge,
                        message: t.format("error_too_large", ["megabytes": String(limit >> 20)]))
                }
                if route.acceptsFiles, let boundary {
                    do {
                        let multipart = try MultipartForm(body: body, boundary: boundary)
                        form = multipart.fields
                        uploads = multipart.uploads
                    } catch {
                        return pages.problem(visitor, status: .badRequest, message: t["error_malformed_upload"])
                    }
                } else {
                    form = FormFields(urlEncoded: String(buffer: body))
                }
            }
            let page = PageRequest(request: request, context: context, viewer: viewer, form: form, t: t, uploads: uploads)
            // Every form of a signed-in viewer carries the session's token: a page on another site
            // cannot make their browser act for them.
            if route.method == .post, let viewer, route != Site.signIn {
                guard let sent = form["_csrf"], constantTimeEqual(sent, viewer.formToken) else {
                    return pages.problem(page, status: .forbidden, message: t["error_form_token"])
                }
            }
            do {
                return try await handler(page)
            } catch let error as HTTPError where error.status == .notFound {
                return pages.problem(page, status: .notFound, message: t["error_not_found"])
            } catch let error as HTTPError {
                return pages.problem(page, status: error.status, message: error.status.reasonPhrase)
            } catch let error as StoreError {
                if case .notFound = error { return pages.problem(page, status: .notFound, message: t["error_not_found"]) }
                logger.error("\(route) failed: \(error)")
                return pages.problem(page, status: .internalServerError, message: t["error_internal"])
            } catch {
                // Whatever else went wrong is for the log, never for the page: no stack, no query, no path.
                logger.error("\(route) failed: \(String(reflecting: error))")
                return pages.problem(page, status: .internalServerError, message: t["error_internal"])
            }
        }
    }
}

/// Compares two secrets in time that does not depend on where they first differ.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let left = Array(a.utf8)
    let right = Array(b.utf8)
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}

extension SocketAddress {
    var ipAddress: String? {
        switch self {
        case .v4(let address): address.host
        case .v6(let address): address.host
        case .unixDomainSocket: "local"
        }
    }
}
