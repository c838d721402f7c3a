import Foundation
import HomewardStore
import Hummingbird

/// The page at `/`: the public figures and where to go next. The operators' application replaces it.
enum LandingPage {
    static func render(database: HomewardDatabase) async throws -> Response {
        let figures = try await database.register(actor: "public").statistics()
        let html = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Homeward</title>
            <style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
            table{border-collapse:collapse}td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:right}
            th:first-child,td:first-child{text-align:left}</style></head>
            <body>
            <h1>Homeward</h1>
            <p>The register of the national information bureau.</p>
            <table>
            <tr><th>Our people</th><th>\(figures.own)</th></tr>
            <tr><td>held (captivity reported or confirmed)</td><td>\(figures.ownHeld)</td></tr>
            <tr><td>no information on captivity</td><td>\(figures.ownMissing)</td></tr>
            <tr><td>returned</td><td>\(figures.ownReturned)</td></tr>
            <tr><td>died</td><td>\(figures.ownDied)</td></tr>
            <tr><th>People we hold or held</th><th>\(figures.adversary)</th></tr>
            <tr><td>held now</td><td>\(figures.adversaryHeld)</td></tr>
            <tr><td>exchanged</td><td>\(figures.adversaryExchanged)</td></tr>
            <tr><th>Exchanges</th><th>\(figures.exchanges)</th></tr>
            </table>
            <p>JSON: <a href="/api/v1/stats">/api/v1/stats</a> ·
            API description: <a href="/api/openapi.yaml">/api/openapi.yaml</a></p>
            </body></html>
            """
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }
}
