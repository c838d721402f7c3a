import Foundation
import HomewardCore
import HomewardStore
import HomewardTestSupport
import Testing

@Suite("The audit log")
struct AuditLogTests {
    @Test("every change is written to an intact chain, under the actor's name", arguments: TestBackend.all)
    func changesAreAudited(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister(actor: "user:olena")
            let person = try await register.createPerson(petrenko())
            _ = try await register.appendEvent(to: person.id, event(.lastSeen, "2024-02-10"))
            try await register.noteView(entity: "person", id: person.id)
            #expect(try await database.verifyAuditLog() == .intact(entries: 3))
            let entries = try await database.auditEntries().items
            #expect(entries.map(\.action) == ["person.view", "event.create", "person.create"])
            #expect(entries.allSatisfy { $0.actor == "user:olena" })
        }
    }

    @Test("a refused change leaves no audit entry", arguments: TestBackend.all)
    func refusedChangesAreNotAudited(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let person = try await register.createPerson(petrenko())
            _ = try? await register.updatePerson(person.id, expectedVersion: 9, petrenko())
            #expect(try await database.verifyAuditLog() == .intact(entries: 1))
        }
    }

    @Test("altering an entry breaks the chain at that entry", arguments: TestBackend.all)
    func alteredEntryIsFound(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            for _ in 0..<4 { _ = try await register.createPerson(petrenko()) }
            try await database.execute(sql: "UPDATE audit_entries SET actor = 'someone-else' WHERE sequence = 2")
            #expect(
                try await database.verifyAuditLog()
                    == .broken(sequence: 2, reason: "its content was altered after it was written"))
        }
    }

    @Test("removing an entry breaks the chain where it was", arguments: TestBackend.all)
    func removedEntryIsFound(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            for _ in 0..<4 { _ = try await register.createPerson(petrenko()) }
            try await database.execute(sql: "DELETE FROM audit_entries WHERE sequence = 3")
            #expect(try await database.verifyAuditLog() == .broken(sequence: 3, reason: "entry 3 is missing"))
        }
    }

    @Test("an overwritten hash is found", arguments: TestBackend.all)
    func overwrittenHashIsFound(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            for _ in 0..<3 { _ = try await register.createPerson(petrenko()) }
            try await database.execute(sql: "UPDATE audit_entries SET hash = previous_hash WHERE sequence = 1")
            #expect(
                try await database.verifyAuditLog()
                    == .broken(sequence: 1, reason: "its content was altered after it was written"))
        }
    }

    @Test("tokens authenticate until revoked; only their hash is stored", arguments: TestBackend.all)
    func accessTokens(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let token = try await database.createAccessToken(name: "analyst", actor: "test")
            #expect(try await database.authenticate(token: token)?.name == "analyst")
            #expect(try await database.authenticate(token: token + "0") == nil)
            #expect(try await database.authenticate(token: "hw_" + String(repeating: "0", count: 64)) == nil)
            try await database.revokeAccessTokens(named: "analyst", actor: "test")
            #expect(try await database.authenticate(token: token) == nil)
        }
    }
}
