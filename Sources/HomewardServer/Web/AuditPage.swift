import Foundation
import HomewardStore
import Hummingbird

extension WebApplication {
    /// The auditor's page: the log, newest first, narrowed by who, what, which item and when; and,
    /// on request, whether the hash chain is intact.
    func auditPage(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let viewer = try page.signedIn
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        let until = page.query("until").flatMap { day.date(from: $0) }.map { $0.addingTimeInterval(86_400) }
        let filter = AuditFilter(
            actor: page.query("actor"), action: page.query("action"), entity: page.query("entity"),
            entityID: page.query("entityId"), from: page.query("from").flatMap { day.date(from: $0) }, until: until)
        let offset = max(0, Int(page.query("offset") ?? "") ?? 0)
        let entries = try await database.auditEntries(filter, offset: offset, limit: 100)
        // Reading the log is itself a read of personal data (it names who looked at whom).
        try await database.register(actor: viewer.actor, clock: clock).noteListing(
            entity: "audit_entry", query: page.request.uri.query ?? "")
        let timestamp = ISO8601DateFormatter()
        var verification: String?
        if page.query("verify") != nil {
            switch try await database.verifyAuditLog() {
            case .intact(let count): verification = t.format("audit_intact", ["count": t.number(count)])
            case .broken(let sequence, let reason):
                verification = t.format("audit_broken", ["sequence": String(sequence), "reason": reason])
            }
        }
        var nextQuery = page.queryFields.values.filter { $0.key != "offset" }.compactMap { name, values in
            values.first.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        }
        nextQuery.append("offset=\(offset + 100)")
        return pages.render(
            "audit",
            [
                "rows": entries.items.map {
                    [
                        "sequence": $0.sequence, "at": timestamp.string(from: $0.at), "actor": $0.actor, "action": $0.action,
                        "entity": $0.entity, "entityId": $0.entityID ?? "", "detail": $0.detail,
                        "hash": String($0.hash.prefix(12)),
                    ] as [String: Any]
                },
                "summary": t.format("audit_count", ["total": t.number(entries.total)]),
                "filter": [
                    "actor": filter.actor ?? "", "action": filter.action ?? "", "entity": filter.entity ?? "",
                    "entityId": filter.entityID ?? "", "from": page.query("from") ?? "", "until": page.query("until") ?? "",
                ],
                "verification": verification as Any,
                "next": (offset + 100 < entries.total ? "\(Site.audit.path)?\(nextQuery.joined(separator: "&"))" : nil) as Any,
            ],
            for: page, title: t["audit_title"])
    }
}
