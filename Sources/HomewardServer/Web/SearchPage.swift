import Foundation
import HTTPTypes
import HomewardCore
import HomewardStore
import Hummingbird

extension WebApplication {
    /// The search page: the box, the filters and, once something is asked, the results.
    func searchPage(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let (results, elapsed) = try await runSearch(page)
        let sources = try await register(page).sources(kind: nil, offset: 0, limit: 500).items
        func options<Value: RawRepresentable>(_ values: [Value], _ prefix: String, selected: String?) -> [[String: Any]]
        where Value.RawValue == String {
            values.map { ["value": $0.rawValue, "label": t["\(prefix)_\($0.rawValue)"], "selected": $0.rawValue == selected] }
        }
        return pages.render(
            "search",
            [
                "q": page.query("q") ?? "",
                "affiliations": options(Affiliation.allCases, "affiliation", selected: page.query("affiliation")),
                "statuses": options(PersonStatus.allCases, "status", selected: page.query("status")),
                "categories": options(PersonCategory.allCases, "category", selected: page.query("category")),
                "sources": sources.map {
                    ["value": $0.id.uuidString, "label": $0.title, "selected": $0.id.uuidString == page.query("source")]
                },
                "results": results as Any,
            ],
            for: page, title: t["search_title"], headers: serverTiming(elapsed))
    }

    /// Only the results, for the search box to show while the user types.
    func searchResults(_ page: PageRequest) async throws -> Response {
        let (results, elapsed) = try await runSearch(page)
        return pages.fragment("search_results", ["results": results as Any], for: page, headers: serverTiming(elapsed))
    }

    /// Runs the query of the page's address; nil when nothing was asked.
    private func runSearch(_ page: PageRequest) async throws -> (results: [String: Any]?, elapsed: Duration) {
        let t = page.t
        let text = page.rawQuery("q")
        var facets: [String] = []
        for name in ["affiliation", "status", "category", "source"] {
            if let value = page.query(name) { facets.append("\(name):\(value)") }
        }
        guard !text.allSatisfy(\.isWhitespace) || !facets.isEmpty else { return (nil, .zero) }
        let clock = ContinuousClock()
        let started = clock.now
        let (found, persons) = try await search.search(text, facets: facets, limit: 50)
        let elapsed = clock.now - started
        try await register(page).noteListing(
            entity: "person", query: "search \"\(text)\"" + (facets.isEmpty ? "" : " " + facets.joined(separator: " ")))
        let rows: [[String: Any]] = persons.map { person in
            [
                "link": Site.person.link(person.id.uuidString),
                "name": person.displayName,
                "otherNames": person.names.dropFirst().map { $0.filter { !$0.isEmpty }.joined(separator: " ") }
                    .prefix(3).joined(separator: " · "),
                "hasOtherNames": person.names.count > 1,
                "dateOfBirth": person.displayDateOfBirth ?? "",
                "status": t["status_\(person.status.rawValue)"],
                "statusClass": person.status.rawValue,
                "affiliation": t["affiliation_\(person.affiliation.rawValue)"],
            ]
        }
        let summary =
            found.total > rows.count
            ? t.format("search_count_more", ["shown": String(rows.count), "total": t.number(found.total)])
            : t.format("search_count", ["total": t.number(found.total)])
        let exportLink = Site.searchExport.path + (page.request.uri.query.map { "?" + $0 } ?? "")
        return (["rows": rows, "summary": summary, "none": rows.isEmpty, "exportLink": exportLink], elapsed)
    }

    /// `Server-Timing`, so a browser's tools and the search benchmark see what the search itself took.
    private func serverTiming(_ elapsed: Duration) -> HTTPFields {
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        return [.init("Server-Timing")!: String(format: "search;dur=%.2f", milliseconds)]
    }
}
