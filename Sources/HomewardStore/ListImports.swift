import FluentKit
import Foundation
import HomewardCore

/// The file a list came in, as the register remembers it.
public struct ListFile: Hashable, Sendable {
    public var name: String
    /// SHA-256 of the file's bytes, in hex: the same file, under any name, is the same list.
    public var checksum: String
    /// `csv` or `xlsx`.
    public var format: String
    /// The text encoding a CSV file was read in.
    public var encoding: String?
    public var rows: Int

    public init(name: String, checksum: String, format: String, encoding: String?, rows: Int) {
        self.name = name
        self.checksum = checksum
        self.format = format
        self.encoding = encoding
        self.rows = rows
    }
}

/// A list that was imported: which file, as which source, and what it changed.
public struct ListImport: Hashable, Sendable, Identifiable {
    public var id: UUID
    public var file: ListFile
    public var sourceID: UUID
    public var newPersons: Int
    /// Rows joined to persons the register knew.
    public var linkedRecords: Int
    /// Rows left to no one until an analyst decides the pairs proposed for them.
    public var reviewRecords: Int
    public var importedAt: Date
    public var importedBy: String
}

/// What committing a list did.
public enum ListImportResult: Hashable, Sendable {
    case imported(ListImport)
    /// The file was imported before; nothing was added.
    case alreadyImported(ListImport)
}

/// What a list adds to the register: the source it becomes, the pairs left for review, and the
/// figures of the import. The rows themselves come as batches (see ``Register/importList(_:rows:)``).
public struct ListImportContent: Sendable {
    public var file: ListFile
    public var sourceID: UUID
    public var source: SourceDraft
    /// Pairs of a known person's record and a new record of this list, for an analyst.
    public var candidates: [CandidateDraft]
    public var linkedRecords: Int
    public var reviewRecords: Int

    public init(
        file: ListFile, sourceID: UUID, source: SourceDraft, candidates: [CandidateDraft], linkedRecords: Int,
        reviewRecords: Int
    ) {
        self.file = file
        self.sourceID = sourceID
        self.source = source
        self.candidates = candidates
        self.linkedRecords = linkedRecords
        self.reviewRecords = reviewRecords
    }
}

/// Where an import writes its rows, batch after batch, inside the import's one transaction.
public struct ListImportRows: Sendable {
    let register: Register
    let detail: String
    /// The persons the import has created so far; how many there are is the import's figure.
    let created = CreatedPersons()

    public func write(_ batch: RegisterBatch) async throws {
        try await register.insert(batch, action: "list.import", detail: detail, remembering: created)
    }
}

extension Register {
    /// The import of the file with this checksum, if there was one.
    public func listImport(checksum: String) async throws -> ListImport? {
        try await ListImportModel.query(on: database).filter(\.$checksum == checksum).first().map { try $0.listImport() }
    }

    public func listImports(offset: Int, limit: Int) async throws -> Page<ListImport> {
        let query = ListImportModel.query(on: database)
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$importedAt, .descending).offset(offset).limit(limit).all()
        return Page(items: try rows.map { try $0.listImport() }, total: total, offset: offset, limit: limit)
    }

    /// Writes a list in one transaction: the source, every row's record with the persons and
    /// events it brings (written by `rows`, batch by batch, so a large list is never held whole),
    /// the pairs for review and the import itself. A file imported before adds nothing.
    ///
    /// The checksum is checked inside the transaction and is unique in the schema, so two people
    /// importing the same file at once import it once. If `rows` throws, nothing is kept.
    public func importList(
        _ content: ListImportContent, rows: @escaping @Sendable (ListImportRows) async throws -> Void
    ) async throws -> ListImportResult {
        try content.source.validate(today: today)
        let now = clock()
        let actor = actor
        return try await transaction { register in
            let database = register.database
            if let earlier = try await ListImportModel.query(on: database).filter(\.$checksum == content.file.checksum).first() {
                return .alreadyImported(try earlier.listImport())
            }
            let source = SourceModel()
            source.id = content.sourceID
            source.version = 1
            source.apply(content.source)
            source.createdAt = now
            try await source.create(on: database)

            let sink = ListImportRows(
                register: register, detail: "\(content.file.name) (\(content.file.checksum.prefix(12)))")
            try await rows(sink)

            let encoder = JSONEncoder()
            let candidates = try content.candidates.map { try MatchCandidateModel($0, at: now, encoder: encoder) }
            for chunk in candidates.chunked(Register.batchChunk) { try await chunk.create(on: database) }

            let model = ListImportModel()
            model.id = UUID()
            model.checksum = content.file.checksum
            model.fileName = content.file.name
            model.format = content.file.format
            model.encoding = content.file.encoding
            model.sourceID = content.sourceID
            model.rows = content.file.rows
            model.newPersons = sink.created.persons.count
            model.linkedRecords = content.linkedRecords
            model.reviewRecords = content.reviewRecords
            model.importedAt = now
            model.importedBy = actor
            try await model.create(on: database)
            try await AuditLog.append(
                on: database, isPostgres: !store.isSQLite, chainHead: register.auditChainHead, at: now, actor: actor,
                action: "list.import", entity: "list_import", entityID: model.id?.uuidString,
                detail:
                    "\(content.file.name): \(content.file.rows) rows, \(model.newPersons) new persons, "
                    + "\(content.linkedRecords) joined to known persons, \(content.reviewRecords) for review"
            )
            return .imported(try model.listImport())
        }
    }
}

final class ListImportModel: Model, @unchecked Sendable {
    static let schema = "list_imports"

    @ID(key: .id) var id: UUID?
    @Field(key: "checksum") var checksum: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "format") var format: String
    @OptionalField(key: "encoding") var encoding: String?
    @Field(key: "source_id") var sourceID: UUID
    @Field(key: "rows") var rows: Int
    @Field(key: "new_persons") var newPersons: Int
    @Field(key: "linked_records") var linkedRecords: Int
    @Field(key: "review_records") var reviewRecords: Int
    @Field(key: "imported_at") var importedAt: Date
    @Field(key: "imported_by") var importedBy: String

    init() {}

    func listImport() throws -> ListImport {
        ListImport(
            id: try requireID(),
            file: ListFile(name: fileName, checksum: checksum, format: format, encoding: encoding, rows: rows),
            sourceID: sourceID, newPersons: newPersons, linkedRecords: linkedRecords, reviewRecords: reviewRecords,
            importedAt: importedAt, importedBy: importedBy
        )
    }
}
