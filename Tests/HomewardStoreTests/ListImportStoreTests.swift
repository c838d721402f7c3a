import Foundation
import HomewardCore
import HomewardStore
import HomewardTestSupport
import Testing

@Suite("List imports in the store: all or nothing, once per file")
struct ListImportStoreTests {
    func content(sourceID: UUID = UUID(), checksum: String = "ab12") -> ListImportContent {
        ListImportContent(
            file: ListFile(name: "list.csv", checksum: checksum, format: "csv", encoding: "UTF-8", rows: 2),
            sourceID: sourceID, source: SourceDraft(kind: .adversaryList, title: "list.csv", reliability: .usuallyReliable),
            candidates: [], linkedRecords: 1, reviewRecords: 0)
    }

    func totals(_ register: Register) async throws -> [Int] {
        [
            try await register.statistics().persons,
            try await register.records(sourceID: nil, personID: nil, offset: 0, limit: 1).total,
            try await register.sources(kind: nil, offset: 0, limit: 1).total,
            try await register.listImports(offset: 0, limit: 1).total,
        ]
    }

    @Test(
        "a batch may join records and events to persons stored before, whose status is derived anew", arguments: TestBackend.all)
    func batchJoinsKnownPersons(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let known = try await register.createPerson(petrenko())
            let sourceID = UUID()
            let result = try await register.importList(content(sourceID: sourceID)) { rows in
                var batch = RegisterBatch()
                let record = batch.addRecord(
                    RecordDraft(
                        sourceID: sourceID, personID: known.id, rowNumber: 2,
                        particulars: RecordParticulars(name: petrenko().identity.name)))
                batch.addEvent(
                    EventDraft(kind: .captivityReported, sourceID: sourceID, recordID: record, credibility: .probablyTrue),
                    to: known.id)
                try await rows.write(batch)
            }
            guard case .imported(let done) = result else {
                Issue.record("not imported")
                return
            }
            #expect(done.newPersons == 0)
            #expect(try await register.person(known.id).status == .captivityReported)
            #expect(try await totals(register) == [1, 1, 1, 1])
            let entries = try await database.auditEntries(AuditFilter(action: "list.import"), offset: 0, limit: 10)
            #expect(entries.items.contains { $0.entity == "list_import" && $0.detail.contains("list.csv: 2 rows") })
        }
    }

    @Test(
        "a person created by one batch of a list and named again in a later one has both events' status",
        arguments: TestBackend.all)
    func statusAcrossBatches(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let sourceID = UUID()
            let person = UUID()
            _ = try await register.importList(content(sourceID: sourceID)) { rows in
                var first = RegisterBatch()
                first.addPerson(petrenko(), id: person)
                first.addEvent(
                    EventDraft(kind: .captivityReported, date: PartialDate("2024-02-01"), credibility: .probablyTrue), to: person)
                try await rows.write(first)
                var second = RegisterBatch()
                second.addEvent(
                    EventDraft(kind: .captivityConfirmed, date: PartialDate("2024-03-01"), credibility: .confirmed), to: person)
                try await rows.write(second)
            }
            let stored = try await register.person(person)
            let expected = StatusRules.assess(
                affiliation: .own, events: try await register.timeline(of: person).map(\.event))
            #expect(stored.status == .captivityConfirmed)
            #expect(stored.status == expected.status)
        }
    }

    @Test("when writing the rows fails part way, nothing of the list is kept", arguments: TestBackend.all)
    func failureKeepsNothing(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let register = database.testRegister()
            let sourceID = UUID()
            await #expect(throws: ImportInterrupted.self) {
                _ = try await register.importList(content(sourceID: sourceID)) { rows in
                    var batch = RegisterBatch()
                    let person = batch.addPerson(petrenko())
                    batch.addRecord(
                        RecordDraft(
                            sourceID: sourceID, personID: person, rowNumber: 2,
                            particulars: RecordParticulars(name: petrenko().identity.name)))
                    try await rows.write(batch)
                    throw ImportInterrupted()
                }
            }
            #expect(try await totals(register) == [0, 0, 0, 0])
        }
    }

    @Test("the same checksum is imported once", arguments: TestBackend.all)
    func onceByChecksum(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let first = try await register.importList(content()) { _ in }
            let second = try await register.importList(content()) { _ in
                Issue.record("rows written for a file imported before")
            }
            guard case .imported(let done) = first, case .alreadyImported(let earlier) = second else {
                Issue.record("\(first), \(second)")
                return
            }
            #expect(done == earlier)
            #expect(try await register.listImport(checksum: "ab12") == done)
            #expect(try await totals(register) == [0, 0, 1, 1])
        }
    }
}

private struct ImportInterrupted: Error {}
