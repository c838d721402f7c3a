import FluentKit
import Foundation
import HomewardCore
import SQLKit

/// The register's figures: counts by affiliation × status × category, and the totals quoted in public.
public struct RegisterStatistics: Hashable, Sendable {
    public struct Cell: Hashable, Sendable {
        public var affiliation: Affiliation
        public var status: PersonStatus
        public var category: PersonCategory
        public var count: Int
    }

    public var cells: [Cell]
    /// Exchanges in which at least one of our people came home.
    public var exchanges: Int

    public func count(affiliation: Affiliation? = nil, where matches: (PersonStatus) -> Bool = { _ in true }) -> Int {
        cells.filter { (affiliation == nil || $0.affiliation == affiliation) && matches($0.status) }.reduce(0) { $0 + $1.count }
    }

    public var persons: Int { count() }
    public var own: Int { count(affiliation: .own) }
    public var adversary: Int { count(affiliation: .adversary) }
    public var ownHeld: Int { count(affiliation: .own, where: \.isHeld) }
    public var ownMissing: Int { count(affiliation: .own) { $0 == .noInformation } }
    public var ownReturned: Int { count(affiliation: .own) { $0 == .returned } }
    public var ownDied: Int { count(affiliation: .own) { $0 == .died || $0 == .remainsReturned } }
    public var adversaryHeld: Int { count(affiliation: .adversary, where: \.isHeld) }
    public var adversaryExchanged: Int { count(affiliation: .adversary) { $0 == .exchanged } }
}

extension Register {
    public func statistics() async throws -> RegisterStatistics {
        let sql = try store.database.sqlDatabase()
        let rows = try await sql.raw(
            """
            SELECT affiliation, status, category, COUNT(*) AS count FROM persons
            GROUP BY affiliation, status, category ORDER BY affiliation, status, category
            """
        ).all()
        let cells = try rows.map { row in
            RegisterStatistics.Cell(
                affiliation: try decoded(
                    Affiliation.self, try row.decode(column: "affiliation", as: String.self), column: "affiliation"),
                status: try decoded(PersonStatus.self, try row.decode(column: "status", as: String.self), column: "status"),
                category: try decoded(
                    PersonCategory.self, try row.decode(column: "category", as: String.self), column: "category"),
                count: try row.decode(column: "count", as: Int.self)
            )
        }
        // Exchanges recorded in Homeward count once each; a return day known only from events
        // (a list imported, an older register) counts as one exchange unless a recorded exchange was held that day.
        let exchangeRow = try await sql.raw(
            """
            SELECT
              (SELECT COUNT(*) FROM exchanges x WHERE x.state = 'completed'
                 AND EXISTS (SELECT 1 FROM exchange_outcomes o WHERE o.exchange_id = x.id
                               AND o.side = 'ours' AND o.outcome = 'handed-over'))
              + (SELECT COUNT(DISTINCT e.date) FROM events e
                 JOIN persons p ON p.id = e.person_id
                 WHERE e.kind = 'exchanged' AND p.affiliation = 'own' AND e.date IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM events c WHERE c.supersedes = e.id)
                   AND NOT EXISTS (SELECT 1 FROM exchanges x WHERE x.state = 'completed' AND x.held_on = e.date))
              AS exchanges
            """
        ).first()
        let exchanges = try exchangeRow?.decode(column: "exchanges", as: Int.self) ?? 0
        return RegisterStatistics(cells: cells, exchanges: exchanges)
    }
}

/// How many events of one kind happened to our people in one month, for the charts over time.
public struct MonthlyCount: Hashable, Sendable {
    /// `YYYY-MM`.
    public var month: String
    public var kind: EventKind
    public var count: Int
}

extension Register {
    /// Events of our people by month and kind, corrected events left out; exchanges are counted
    /// as exchange days, not persons.
    public func monthlyEventCounts(kinds: [EventKind]) async throws -> [MonthlyCount] {
        let sql = try store.database.sqlDatabase()
        let rows = try await sql.raw(
            """
            SELECT substr(e.date, 1, 7) AS month, e.kind AS kind, COUNT(*) AS count FROM events e
            JOIN persons p ON p.id = e.person_id
            WHERE p.affiliation = 'own' AND e.date IS NOT NULL AND length(e.date) >= 7
              AND NOT EXISTS (SELECT 1 FROM events c WHERE c.supersedes = e.id)
            GROUP BY substr(e.date, 1, 7), e.kind ORDER BY month
            """
        ).all()
        let wanted = Set(kinds)
        return try rows.compactMap { row in
            guard let kind = EventKind(rawValue: try row.decode(column: "kind", as: String.self)), wanted.contains(kind) else {
                return nil
            }
            return MonthlyCount(
                month: try row.decode(column: "month", as: String.self), kind: kind,
                count: try row.decode(column: "count", as: Int.self))
        }
    }
}
