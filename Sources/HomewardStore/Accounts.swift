import Crypto
import FluentKit
import Foundation
import HomewardCore
import HummingbirdBcrypt
import HummingbirdOTP

/// A member of the bureau's staff as the application sees them.
public struct UserAccount: Hashable, Sendable {
    public var id: UUID
    public var username: String
    public var displayName: String
    public var role: Role
    /// The language the user reads the application in: "uk" or "en".
    public var language: String
    public var usesSecondFactor: Bool
    public var isDisabled: Bool
}

/// A signed-in browser: who it is and the token its forms must carry.
public struct WebSession: Sendable {
    public var user: UserAccount
    /// Every form of this session carries it; a request that does not is refused (CSRF).
    public var formToken: String
}

/// The answer to a sign-in attempt.
public enum SignInOutcome: Sendable {
    /// The browser's session token, to be kept in a cookie; only its hash is stored.
    case signedIn(token: String, session: WebSession)
    /// The password is right but the account has a second factor and no valid code came with it.
    case needsCode
    /// Wrong username, password or code, or a disabled account; which one is not said.
    case refused
    /// Too many failures lately for this username or address; nothing was checked.
    case throttled(until: Date)
}

/// How sign-in is guarded; the defaults are the bureau's policy.
public struct SignInPolicy: Sendable {
    /// Failures for one username within `window` after which it is locked until the window passes.
    public var failuresPerUsername = 5
    /// Failures from one address within `window`, whatever the usernames tried.
    public var failuresPerAddress = 20
    public var window: TimeInterval = 15 * 60
    /// A session ends this long after sign-in whatever happens…
    public var sessionLifetime: TimeInterval = 10 * 3600
    /// …or after this long unused.
    public var idleTimeout: TimeInterval = 60 * 60
    public var bcryptCost: UInt8 = 12

    public init() {}
}

public enum AccountError: Error, Equatable, CustomStringConvertible {
    case usernameTaken(String)
    case noSuchUser(String)
    case weakPassword(String)
    case invalidUsername(String)

    public var description: String {
        switch self {
        case .usernameTaken(let name): "there is already a user named '\(name)'"
        case .noSuchUser(let name): "there is no user named '\(name)'"
        case .weakPassword(let why): "the password is too weak: \(why)"
        case .invalidUsername(let name):
            "'\(name)' is not a valid username: use 2 to 64 lowercase letters, digits, '.', '-' or '_'"
        }
    }
}

extension HomewardDatabase {
    // MARK: Accounts

    public func createUser(
        username: String, displayName: String, role: Role, password: String, language: String = "uk", actor: String,
        policy: SignInPolicy = SignInPolicy()
    ) async throws -> UserAccount {
        guard Self.isValidUsername(username) else { throw AccountError.invalidUsername(username) }
        try Self.checkStrength(password, username: username)
        let hash = try await bcrypt(password, cost: policy.bcryptCost)
        let model = UserModel()
        model.id = UUID()
        model.username = username
        model.displayName = displayName.isEmpty ? username : displayName
        model.role = role.rawValue
        model.passwordHash = hash
        model.language = language == "en" ? "en" : "uk"
        model.createdAt = Date()
        try await auditedWrite(
            actor: actor, action: "user.create", entity: "user", entityID: model.id?.uuidString,
            detail: "\(username) as \(role.rawValue)"
        ) { database in
            if try await UserModel.query(on: database).filter(\.$username == username).first() != nil {
                throw AccountError.usernameTaken(username)
            }
            try await model.create(on: database)
        }
        return try model.account()
    }

    /// Sets a new password and ends every session of the user.
    public func resetPassword(username: String, password: String, actor: String, policy: SignInPolicy = SignInPolicy())
        async throws
    {
        try Self.checkStrength(password, username: username)
        let hash = try await bcrypt(password, cost: policy.bcryptCost)
        try await auditedWrite(actor: actor, action: "user.reset-password", entity: "user", entityID: nil, detail: username) {
            database in
            let model = try await Self.user(named: username, on: database)
            model.passwordHash = hash
            try await model.update(on: database)
            try await WebSessionModel.query(on: database).filter(\.$userID == model.requireID()).delete()
            try await LoginFailureModel.query(on: database).filter(\.$username == username).delete()
        }
    }

    /// Disables the account and ends its sessions; nothing of what the user did is removed.
    public func disableUser(username: String, actor: String) async throws {
        try await auditedWrite(actor: actor, action: "user.disable", entity: "user", entityID: nil, detail: username) {
            database in
            let model = try await Self.user(named: username, on: database)
            model.disabledAt = Date()
            try await model.update(on: database)
            try await WebSessionModel.query(on: database).filter(\.$userID == model.requireID()).delete()
        }
    }

    /// Turns on the second factor and returns the otpauth:// address an authenticator app reads.
    public func enableSecondFactor(username: String, actor: String) async throws -> String {
        let secret = Base32.encode(Secrets.randomBytes(20))
        try await auditedWrite(actor: actor, action: "user.enable-totp", entity: "user", entityID: nil, detail: username) {
            database in
            let model = try await Self.user(named: username, on: database)
            model.totpSecret = secret
            try await model.update(on: database)
        }
        return TOTP(secret: secret).createAuthenticatorURL(label: username, issuer: "Homeward")
    }

    public func setLanguage(userID: UUID, language: String) async throws {
        guard let model = try await UserModel.find(userID, on: database) else { return }
        model.language = language == "en" ? "en" : "uk"
        try await writeGate.run { try await model.update(on: self.database) }
    }

    public func users() async throws -> [UserAccount] {
        try await UserModel.query(on: database).sort(\.$username).all().map { try $0.account() }
    }

    public func userCount() async throws -> Int {
        try await UserModel.query(on: database).count()
    }

    // MARK: Signing in

    /// Checks a sign-in attempt; every outcome but a throttled one is audited.
    public func signIn(
        username: String, password: String, code: String?, address: String, now: Date = Date(),
        policy: SignInPolicy = SignInPolicy()
    ) async throws -> SignInOutcome {
        let since = now.addingTimeInterval(-policy.window)
        let byName = try await LoginFailureModel.query(on: database)
            .filter(\.$username == username).filter(\.$at > since).sort(\.$at).all()
        let byAddress = try await LoginFailureModel.query(on: database)
            .filter(\.$address == address).filter(\.$at > since).sort(\.$at).all()
        if byName.count >= policy.failuresPerUsername || byAddress.count >= policy.failuresPerAddress {
            let oldest = byName.count >= policy.failuresPerUsername ? byName.first!.at : byAddress.first!.at
            return .throttled(until: oldest.addingTimeInterval(policy.window))
        }

        let model = try await UserModel.query(on: database).filter(\.$username == username).first()
        // A missing user still costs one bcrypt, so timing does not tell which usernames exist.
        let passwordMatches = try await bcryptVerify(password, hash: model?.passwordHash ?? Self.decoyHash)
        guard let model, passwordMatches, model.disabledAt == nil else {
            try await recordFailure(
                username: username, address: address, at: now, reason: "wrong username or password", policy: policy)
            return .refused
        }
        if let secret = model.totpSecret {
            guard let code = code?.filter(\.isNumber), !code.isEmpty else { return .needsCode }
            let totp = TOTP(secret: secret)
            // One step either side forgives a phone clock a little off.
            let accepted = [-30.0, 0, 30].contains { totp.compute(date: now.addingTimeInterval($0)) == Int(code) }
            guard accepted else {
                try await recordFailure(
                    username: username, address: address, at: now, reason: "wrong second-factor code", policy: policy)
                return .refused
            }
        }

        let token = Secrets.randomHex(32)
        let session = WebSessionModel()
        session.id = UUID()
        session.tokenHash = Secrets.sha256Hex(token)
        session.userID = try model.requireID()
        session.formToken = Secrets.randomHex(32)
        session.createdAt = now
        session.lastSeenAt = now
        session.expiresAt = now.addingTimeInterval(policy.sessionLifetime)
        try await auditedWrite(
            actor: "user:\(username)", action: "session.create", entity: "user", entityID: model.id?.uuidString,
            detail: "signed in from \(address)"
        ) { database in
            try await session.create(on: database)
            try await LoginFailureModel.query(on: database).filter(\.$username == username).delete()
        }
        return .signedIn(token: token, session: WebSession(user: try model.account(), formToken: session.formToken))
    }

    /// The session a browser's token belongs to, if it is still valid.
    public func session(token: String, now: Date = Date(), policy: SignInPolicy = SignInPolicy()) async throws -> WebSession? {
        guard token.count == 64, token.allSatisfy(\.isHexDigit) else { return nil }
        guard let session = try await WebSessionModel.query(on: database).filter(\.$tokenHash == Secrets.sha256Hex(token)).first()
        else { return nil }
        guard session.expiresAt > now, session.lastSeenAt.addingTimeInterval(policy.idleTimeout) > now,
            let user = try await UserModel.find(session.userID, on: database), user.disabledAt == nil
        else { return nil }
        // Touching the session at most once a minute keeps page views from turning into writes.
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            session.lastSeenAt = now
            // Through the write gate like every write, so a page view never meets "database is locked".
            try await writeGate.run { try await session.update(on: self.database) }
        }
        return WebSession(user: try user.account(), formToken: session.formToken)
    }

    public func signOut(token: String, actor: String) async throws {
        try await auditedWrite(actor: actor, action: "session.end", entity: "user", entityID: nil, detail: "signed out") {
            database in
            try await WebSessionModel.query(on: database).filter(\.$tokenHash == Secrets.sha256Hex(token)).delete()
        }
    }

    // MARK: Helpers

    private func recordFailure(username: String, address: String, at now: Date, reason: String, policy: SignInPolicy)
        async throws
    {
        let failure = LoginFailureModel()
        failure.id = UUID()
        failure.username = username
        failure.address = address
        failure.at = now
        try await auditedWrite(
            actor: "anonymous@\(address)", action: "session.refuse", entity: "user", entityID: nil,
            detail: "\(username): \(reason)"
        ) { database in
            try await failure.create(on: database)
            // Failures older than the longest window count for nothing; the table keeps only what can still lock.
            try await LoginFailureModel.query(on: database).filter(\.$at < now.addingTimeInterval(-policy.window)).delete()
        }
    }

    /// Runs a change and its audit entry in one transaction, in the order every write takes.
    func auditedWrite(
        actor: String, action: String, entity: String, entityID: String?, detail: String,
        _ body: @escaping @Sendable (any Database) async throws -> Void
    ) async throws {
        let isPostgres = !isSQLite
        try await writeGate.run {
            try await self.database.transaction { database in
                try await body(database)
                try await AuditLog.append(
                    on: database, isPostgres: isPostgres, at: Date(), actor: actor, action: action, entity: entity,
                    entityID: entityID, detail: detail
                )
            }
        }
    }

    /// bcrypt is slow on purpose; it runs on the database's thread pool, not on a request's executor.
    private func bcrypt(_ password: String, cost: UInt8) async throws -> String {
        try await threadPool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    private func bcryptVerify(_ password: String, hash: String) async throws -> Bool {
        try await threadPool.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    private static let decoyHash = Bcrypt.hash("not a password anyone has", cost: 12)

    static func user(named username: String, on database: any Database) async throws -> UserModel {
        guard let model = try await UserModel.query(on: database).filter(\.$username == username).first() else {
            throw AccountError.noSuchUser(username)
        }
        return model
    }

    static func isValidUsername(_ name: String) -> Bool {
        (2...64).contains(name.count)
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0)
            }
    }

    static func checkStrength(_ password: String, username: String) throws {
        if password.count < 12 { throw AccountError.weakPassword("it must be at least 12 characters long") }
        if password.lowercased().contains(username.lowercased()) {
            throw AccountError.weakPassword("it must not contain the username")
        }
        if Set(password).count < 5 { throw AccountError.weakPassword("it repeats too few different characters") }
    }
}

/// RFC 4648 base32, the alphabet authenticator apps read secrets in.
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    static func encode(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }
}

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "role") var role: String
    @Field(key: "password_hash") var passwordHash: String
    @OptionalField(key: "totp_secret") var totpSecret: String?
    @Field(key: "language") var language: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "disabled_at") var disabledAt: Date?

    init() {}

    func account() throws -> UserAccount {
        UserAccount(
            id: try requireID(), username: username, displayName: displayName,
            role: try decoded(Role.self, role, column: "users.role"), language: language, usesSecondFactor: totpSecret != nil,
            isDisabled: disabledAt != nil
        )
    }
}

final class WebSessionModel: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    /// SHA-256 of the cookie's token: a copy of the database cannot be used to sign in.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: UUID
    @Field(key: "form_token") var formToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}

final class LoginFailureModel: Model, @unchecked Sendable {
    static let schema = "login_failures"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "address") var address: String
    @Field(key: "at") var at: Date

    init() {}
}
