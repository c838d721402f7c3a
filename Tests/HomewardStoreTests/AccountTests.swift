import Foundation
import HomewardCore
import HomewardStore
import HomewardTestSupport
import HummingbirdOTP
import Testing

@Suite("Accounts and signing in")
struct AccountTests {
    static let policy: SignInPolicy = {
        var policy = SignInPolicy()
        policy.bcryptCost = 4
        return policy
    }()

    @Test("weak passwords and bad usernames are refused with the reason", arguments: [TestBackend.sqlite])
    func strength(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            await #expect(throws: AccountError.weakPassword("it must be at least 12 characters long")) {
                _ = try await database.createUser(
                    username: "olena", displayName: "", role: .viewer, password: "short", actor: "test", policy: Self.policy)
            }
            await #expect(throws: AccountError.weakPassword("it must not contain the username")) {
                _ = try await database.createUser(
                    username: "olena", displayName: "", role: .viewer, password: "olena-is-my-password", actor: "test",
                    policy: Self.policy)
            }
            await #expect(throws: AccountError.invalidUsername("Olena K")) {
                _ = try await database.createUser(
                    username: "Olena K", displayName: "", role: .viewer, password: "correct horse battery", actor: "test",
                    policy: Self.policy)
            }
            let users = try await database.userCount()
            #expect(users == 0)
        }
    }

    @Test("a disabled user cannot sign in, and a reset password ends old sessions", arguments: TestBackend.all)
    func disableAndReset(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            _ = try await database.createUser(
                username: "olena", displayName: "Olena", role: .registrar, password: "correct horse battery", actor: "test",
                policy: Self.policy)
            guard
                case .signedIn(let token, let session) = try await database.signIn(
                    username: "olena", password: "correct horse battery", code: nil, address: "10.0.0.1", now: testNow)
            else { Issue.record("olena could not sign in"); return }
            #expect(session.user.role == .registrar)
            #expect(try await database.session(token: token, now: testNow)?.user.username == "olena")
            // An hour and a minute unused: the session has ended.
            #expect(try await database.session(token: token, now: testNow.addingTimeInterval(3_660)) == nil)

            try await database.resetPassword(
                username: "olena", password: "another long secret", actor: "test", policy: Self.policy)
            #expect(try await database.session(token: token, now: testNow) == nil)
            try await database.disableUser(username: "olena", actor: "test")
            let outcome = try await database.signIn(
                username: "olena", password: "another long secret", code: nil, address: "10.0.0.1", now: testNow)
            guard case .refused = outcome else { Issue.record("a disabled user signed in: \(outcome)"); return }
            let actions = try await database.auditEntries().items.map(\.action)
            #expect(
                actions.contains("user.disable") && actions.contains("user.reset-password") && actions.contains("session.create"))
        }
    }

    @Test("with a second factor, the password alone is not enough", arguments: [TestBackend.sqlite])
    func secondFactor(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            _ = try await database.createUser(
                username: "taras", displayName: "Taras", role: .admin, password: "correct horse battery", actor: "test",
                policy: Self.policy)
            let address = try await database.enableSecondFactor(username: "taras", actor: "test")
            let encoded = try #require(URLComponents(string: address)?.queryItems?.first { $0.name == "secret" }?.value)
            // The address carries the key base32-encoded, as authenticator apps read it.
            let secret = String(decoding: Self.base32Decode(encoded), as: UTF8.self)
            func attempt(_ code: String?) async throws -> SignInOutcome {
                try await database.signIn(
                    username: "taras", password: "correct horse battery", code: code, address: "10.0.0.2", now: testNow)
            }
            guard case .needsCode = try await attempt(nil) else { Issue.record("no code was asked for"); return }
            let right = TOTP(secret: secret).compute(date: testNow)
            let wrong = (right + 1) % 1_000_000
            guard case .refused = try await attempt(String(format: "%06d", wrong)) else {
                Issue.record("a wrong code passed"); return
            }
            guard case .signedIn = try await attempt(String(format: "%06d", right)) else {
                Issue.record("the right code failed"); return
            }
        }
    }

    static func base32Decode(_ text: String) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = []
        var buffer = 0
        var bits = 0
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { continue }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }
}
