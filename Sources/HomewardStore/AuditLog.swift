import FluentKit
import Foundation
import SQLKit
import Synchronization

/// One line of the audit log as a reader sees it.
public struct AuditEntry: Hashable, Sendable {
    public var sequence: Int
    public var at: Date
    public var actor: String
    public var action: String
    public var entity: String
    public var entityID: String?
    public var detail: String
    public var hash: String
}

/// The append-only, hash-chained audit log.
///
/// Each entry's hash covers its content and the previous entry's hash, so altering or removing any
/// row breaks every hash after it; `verify` finds the first entry where the chain breaks.
public enum AuditLog {
    static let genesisHash = String(repeating: "0", count: 64)
    /// Key of the PostgreSQL advisory lock that orders appends across connections and servers.
    static let appendLockKey = 7_011_122

    /// Appends an entry inside the caller's transaction.
    static func append(
        on database: any Database,
        isPostgres: Bool,
        chainHead: AuditChainHead? = nil,
        at: Date,
        actor: String,
        action: String,
        entity: String,
        entityID: String?,
        detail: String
    ) async throws {
        let head: AuditChainHead.Link
        if let known = chainHead?.link {
            head = known
        } else {
            if isPostgres {
                try await database.sqlDatabase().raw("SELECT pg_advisory_xact_lock(\(literal: appendLockKey))").run()
            }
            let last = try await AuditEntryModel.query(on: database).sort(\.$id, .descending).first()
            head = AuditChainHead.Link(sequence: last?.id ?? 0, hash: last?.hash ?? genesisHash)
        }
        let entry = AuditEntryModel()
        entry.id = head.sequence + 1
        // Whole seconds keep the hashed timestamp identical after a round trip through either database.
        entry.at = Date(timeIntervalSince1970: at.timeIntervalSince1970.rounded(.down))
        entry.actor = actor
        entry.action = action
        entry.entity = entity
        entry.entityID = entityID
        entry.detail = detail
        entry.previousHash = head.hash
        entry.hash = hash(of: entry)
        try await entry.create(on: database)
        chainHead?.link = AuditChainHead.Link(sequence: head.sequence + 1, hash: entry.hash)
    }

    static func hash(of entry: AuditEntryModel) -> String {
        let fields: [String] = [
            String(entry.id ?? 0), String(Int(entry.at.timeIntervalSince1970)), entry.actor, entry.action,
            entry.entity, entry.entityID ?? "", entry.detail, entry.previousHash,
        ]
        // Length-prefixing each field makes the encoding unambiguous: no two entries hash the same text.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        return Secrets.sha256Hex(canonical)
    }
}

/// The newest entry of the chain, remembered for the length of one transaction.
///
/// A transaction holds the write gate (and on PostgreSQL the advisory lock) from its first append
/// on, so no one else can extend the chain meanwhile; remembering the head spares a query per change.
final class AuditChainHead: Sendable {
    struct Link: Sendable {
        var sequence: Int
        var hash: String
    }

    private let storage = Mutex<Link?>(nil)

    var link: Link? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

/// Where the audit chain is broken, if it is.
public enum AuditVerification: Equatable, Sendable {
    case intact(entries: Int)
    case broken(sequence: Int, reason: String)
}

extension HomewardDatabase {
    /// Re-computes every hash in order and reports the first entry that does not fit.
    public func verifyAuditLog() async throws -> AuditVerification {
        var previousHash = AuditLog.genesisHash
        var expectedSequence = 1
        var count = 0
        var offset = 0
        let batch = 1_000
        while true {
            let entries = try await AuditEntryModel.query(on: database).sort(\.$id).range(offset..<(offset + batch)).all()
            for entry in entries {
                let sequence = entry.id ?? 0
                if sequence != expectedSequence {
                    return .broken(sequence: expectedSequence, reason: "entry \(expectedSequence) is missing")
                }
                if entry.previousHash != previousHash {
                    return .broken(sequence: sequence, reason: "it does not follow the entry before it")
                }
                if AuditLog.hash(of: entry) != entry.hash {
                    return .broken(sequence: sequence, reason: "its content was altered after it was written")
                }
                previousHash = entry.hash
                expectedSequence += 1
                count += 1
            }
            if entries.count < batch { return .intact(entries: count) }
            offset += batch
        }
    }

    /// The newest audit entries first, as the auditor's filters select them.
    public func auditEntries(_ filter: AuditFilter = AuditFilter(), offset: Int = 0, limit: Int = 100) async throws -> Page<
        AuditEntry
    > {
        var query = AuditEntryModel.query(on: database)
        if let actor = filter.actor { query = query.filter(\.$actor == actor) }
        if let action = filter.action { query = query.filter(\.$action == action) }
        if let entity = filter.entity { query = query.filter(\.$entity == entity) }
        if let entityID = filter.entityID { query = query.filter(\.$entityID == entityID) }
        if let from = filter.from { query = query.filter(\.$at >= from) }
        if let until = filter.until { query = query.filter(\.$at < until) }
        let total = try await query.copy().count()
        let models = try await query.sort(\.$id, .descending).range(offset..<(offset + limit)).all()
        let items = models.map {
            AuditEntry(
                sequence: $0.id ?? 0, at: $0.at, actor: $0.actor, action: $0.action, entity: $0.entity,
                entityID: $0.entityID, detail: $0.detail, hash: $0.hash
            )
        }
        return Page(items: items, total: total, offset: offset, limit: limit)
    }
}

/// What an auditor narrows the log to; nil means any.
public struct AuditFilter: Sendable, Equatable {
    public var actor: String?
    public var action: String?
    public var entity: String?
    public var entityID: String?
    public var from: Date?
    public var until: Date?

    public init(
        actor: String? = nil, action: String? = nil, entity: String? = nil, entityID: String? = nil, from: Date? = nil,
        until: Date? = nil
    ) {
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.from = from
        self.until = until
    }
}
