import Foundation
import HomewardCore
import HomewardMatching
import HomewardStore
import Synchronization

/// The search box's index of every person, kept in memory and brought up to date after each
/// change made through this server.
final class SearchService: Sendable {
    private let index = Mutex<PersonSearchIndex?>(nil)
    private let summaries = Mutex<[UUID: PersonSearchDocument]>([:])
    private let database: HomewardDatabase

    init(database: HomewardDatabase) {
        self.database = database
    }

    /// Reads every person from the register; the first search waits for it.
    func load() async throws {
        let documents = try await database.register(actor: "system:search").searchDocuments()
        let built = PersonSearchIndex(knowledge: .standard, entries: documents.map(Self.entry))
        summaries.withLock { $0 = Dictionary(documents.map { ($0.id, $0) }) { first, _ in first } }
        index.withLock { $0 = built }
    }

    /// Reads one person again after a change.
    func refresh(_ personID: UUID) async throws {
        try await loadIfNeeded()
        let document = try await database.register(actor: "system:search").searchDocument(of: personID)
        index.withLock { index in
            if let document { index?.upsert(Self.entry(document)) } else { index?.remove(personID) }
        }
        summaries.withLock { $0[personID] = document }
    }

    func search(_ text: String, facets: [String], limit: Int) async throws -> (
        results: SearchResults, persons: [PersonSearchDocument]
    ) {
        try await loadIfNeeded()
        let results = index.withLock { $0?.search(text, facets: facets, limit: limit) } ?? SearchResults(hits: [], total: 0)
        let persons = summaries.withLock { summaries in results.hits.compactMap { summaries[$0.id] } }
        return (results, persons)
    }

    private func loadIfNeeded() async throws {
        if index.withLock({ $0 == nil }) { try await load() }
    }

    static func entry(_ document: PersonSearchDocument) -> SearchEntry {
        var facets = [
            "affiliation:\(document.affiliation.rawValue)", "status:\(document.status.rawValue)",
            "category:\(document.category.rawValue)",
        ]
        facets += document.sourceIDs.map { "source:\($0.uuidString)" }
        return SearchEntry(id: document.id, names: document.names, datesOfBirth: document.datesOfBirth, facets: facets)
    }
}
