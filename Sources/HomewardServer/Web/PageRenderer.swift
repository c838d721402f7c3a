import Foundation
import HTTPTypes
import HomewardCore
import Hummingbird
import Mustache
import NIOCore

/// Renders the Mustache templates of `Templates/` into responses, with what every page shows.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    init() throws {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            preconditionFailure("Templates/ is missing from the HomewardServer resources")
        }
        var library = MustacheLibrary()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }
        for file in files.sorted() {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
    }

    /// Headers every page carries: personal data is never cached, framed or sniffed, and only
    /// this site's own scripts and styles run.
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .contentSecurityPolicy:
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        .init("X-Content-Type-Options")!: "nosniff",
        .init("Referrer-Policy")!: "same-origin",
    ]

    func render(
        _ template: String, _ values: [String: Any], for page: PageRequest, title: String, status: HTTPResponse.Status = .ok,
        headers extra: HTTPFields = [:]
    ) -> Response {
        var context = values
        context["t"] = page.t
        context["lang"] = page.language
        context["title"] = title
        context["path"] = page.request.uri.path
        if let viewer = page.viewer {
            context["viewer"] = [
                "name": viewer.user.displayName,
                "username": viewer.user.username,
                "role": page.t["role_\(viewer.user.role.rawValue)"],
            ]
            context["csrf"] = viewer.formToken
            context["canRead"] = viewer.can(.readRegister)
            context["canEdit"] = viewer.can(.editRegister)
            context["canReview"] = viewer.can(.reviewMatches)
            context["canAudit"] = viewer.can(.readAudit)
            context["canAnswer"] = viewer.can(.answerInquiries)
            context["canNegotiate"] = viewer.can(.negotiateExchanges)
        }
        guard let html = library.render(Self.compacted(context), withTemplate: template) else {
            preconditionFailure("no template named \(template)")
        }
        var headers = Self.pageHeaders
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A fragment for the search box's live results: the same template, no page around it.
    func fragment(_ template: String, _ values: [String: Any], for page: PageRequest, headers extra: HTTPFields = [:])
        -> Response
    {
        var context = values
        context["t"] = page.t
        let html = library.render(Self.compacted(context), withTemplate: template) ?? ""
        var headers = Self.pageHeaders
        headers.append(contentsOf: extra)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// The context without absent values: an optional that is nil is left out, so that
    /// `{{#name}}` sections treat it as missing rather than printing "nil".
    static func compacted(_ context: [String: Any]) -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in context {
            if let present = compacted(value) { result[key] = present }
        }
        return result
    }

    private static func compacted(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return compacted(wrapped)
        }
        switch value {
        case let dictionary as [String: Any]: return compacted(dictionary)
        case let list as [[String: Any]]: return list.map { compacted($0) }
        default: return value
        }
    }

    func problem(_ page: PageRequest, status: HTTPResponse.Status, message: String) -> Response {
        render("problem", ["message": message, "code": status.code], for: page, title: message, status: status)
    }

    /// "See other": after a form is handled, the browser loads the page it led to with GET.
    func redirect(to location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }
}
