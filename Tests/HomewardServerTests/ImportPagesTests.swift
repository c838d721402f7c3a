import Foundation
import HTTPTypes
import HomewardCore
import HomewardStore
import HomewardTestSupport
import NIOCore
import Testing

@testable import HomewardServer

extension WebHarness {
    /// Sends a file as the upload form does: `multipart/form-data`, with the session's form token.
    func upload(
        _ uri: String, file: (name: String, bytes: [UInt8]), fields: [String: String], _ browser: inout Browser
    ) async throws -> Answer {
        try await postMultipart(uri, fields: fields, files: [("file", file.name, file.bytes)], browser)
    }

    /// Posts a `multipart/form-data` form as a browser does, with the session's form token.
    func postMultipart(
        _ uri: String, fields: [String: String], files: [(field: String, name: String, bytes: [UInt8])], _ browser: Browser
    ) async throws -> Answer {
        let boundary = "----homeward\(UUID().uuidString)"
        var body: [UInt8] = []
        var all = fields
        if all["_csrf"] == nil, let token = browser.formToken { all["_csrf"] = token }
        for (name, value) in all.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        if !browser.cookies.isEmpty { headers[.cookie] = browser.cookieHeader }
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        return Answer(status: response.status, body: String(buffer: response.body), headers: response.headers)
    }
}

@Suite("Import pages: upload, preview, correct, commit")
struct ImportPagesTests {
    static let list = windows1251(ListImportTests.adversaryList)

    @Test("a registrar uploads a Windows-1251 list, sees the preview, corrects a column and imports it once")
    func uploadPreviewCommit() async throws {
        try await withWeb(.sqlite) { web in
            var browser = try await web.signedIn(.registrar)
            let page = try await web.get("/imports", &browser)
            #expect(page.status == .ok)
            #expect(page.body.contains("enctype=\"multipart/form-data\""))

            let sent = try await web.upload(
                "/imports", file: ("список.csv", Self.list), fields: ["sourceKind": "adversary-list"], &browser)
            #expect(sent.status == .seeOther)
            let pending = try #require(sent.location)
            #expect(pending.hasPrefix("/imports/pending/"))

            var preview = try await web.get(pending, &browser)
            #expect(preview.status == .ok)
            #expect(preview.body.contains("windows-1251"))
            #expect(preview.body.contains("ПЕТРЕНКО Иван Николаевич"))
            #expect(preview.body.contains("id=\"commit\""))
            #expect(preview.body.contains("весна 1991"), "the unreadable date is shown as a warning")
            let before = try await web.database.register(actor: "test").statistics().persons

            // Not reading the rank column is a correction the person can make before committing.
            let adjusted = try await web.post(
                pending,
                [
                    "sourceKind": "adversary-list", "encoding": "detect", "delimiter": "detect", "column_0": "ignore",
                    "column_1": "full-name", "column_2": "date-of-birth", "column_3": "ignore", "column_4": "service-number",
                    "column_5": "unit",
                ], &browser)
            #expect(adjusted.status == .seeOther)
            preview = try await web.get(pending, &browser)
            #expect(
                preview.body.contains(
                    "<select name=\"column_3\" aria-label=\"Воинское звание\"><option value=\"ignore\" selected>"))
            #expect(try await web.database.register(actor: "test").statistics().persons == before, "a preview writes nothing")

            // The same file sent again in another tab, previewed before the first is committed.
            let twin = try #require(
                try await web.upload(
                    "/imports", file: ("копія.csv", Self.list), fields: ["sourceKind": "adversary-list"], &browser
                ).location)
            #expect(try await web.get(twin, &browser).body.contains("id=\"commit\""))

            let done = try await web.post(pending + "/commit", [:], &browser)
            #expect(done.status == .ok)
            #expect(done.body.contains("id=\"import-summary\""))
            let register = web.database.register(actor: "test")
            let imports = try await register.listImports(offset: 0, limit: 5)
            #expect(imports.total == 1)
            let records = try await register.records(sourceID: imports.items[0].sourceID, personID: nil, offset: 0, limit: 10)
            #expect(records.total == 4)
            #expect(records.items.allSatisfy { $0.particulars.rank == nil })
            #expect(try await web.get("/imports", &browser).body.contains("список.csv"))

            let reloaded = try await web.get(twin, &browser)
            #expect(reloaded.body.contains("id=\"already-imported\""), "a preview made before the import is not reused as it was")
            #expect(!reloaded.body.contains("id=\"commit\""))

            // The pending upload is gone; the same file again is recognised and cannot be committed.
            #expect(try await web.get(pending, &browser).status == .notFound)
            let again = try await web.upload(
                "/imports", file: ("copy.csv", Self.list), fields: ["sourceKind": "adversary-list"], &browser)
            let second = try #require(again.location)
            let repeated = try await web.get(second, &browser)
            #expect(repeated.body.contains("id=\"already-imported\""))
            #expect(!repeated.body.contains("id=\"commit\""))
            #expect(try await web.post(second + "/commit", [:], &browser).status == .conflict)
            #expect(try await register.listImports(offset: 0, limit: 5).total == 1)
        }
    }

    @Test("an upload is its sender's: others cannot see it; a broken file says what is wrong; no form token, no upload")
    func boundaries() async throws {
        try await withWeb(.sqlite) { web in
            var registrar = try await web.signedIn(.registrar)
            _ = try await web.get("/imports", &registrar)
            let sent = try await web.upload(
                "/imports", file: ("список.csv", Self.list), fields: ["sourceKind": "adversary-list"], &registrar)
            let pending = try #require(sent.location)
            var admin = try await web.signedIn(.admin)
            #expect(try await web.get(pending, &admin).status == .notFound)

            var viewer = try await web.signedIn(.viewer)
            #expect(try await web.get("/imports", &viewer).status == .forbidden)

            let forged = try await web.upload(
                "/imports", file: ("x.csv", Self.list), fields: ["_csrf": "forged", "sourceKind": "open-source"], &registrar)
            #expect(forged.status == .forbidden)

            let broken = try await web.upload(
                "/imports", file: ("broken.csv", Array("ПІБ,Дата\n\"Коваль Іван,1990\n".utf8)),
                fields: ["sourceKind": "open-source"],
                &registrar)
            let brokenPreview = try await web.get(try #require(broken.location), &registrar)
            #expect(brokenPreview.status == .unprocessableContent)
            #expect(brokenPreview.body.contains("id=\"read-error\""))
            #expect(brokenPreview.body.contains("row 2"))

            let empty = try await web.upload(
                "/imports", file: ("empty.csv", []), fields: ["sourceKind": "open-source"], &registrar)
            #expect(empty.status == .unprocessableContent)
        }
    }
}
