import FluentKit
import Foundation
import HomewardCore

/// Who a valid personal access token belongs to, and what it may do.
public struct TokenHolder: Hashable, Sendable {
    public var tokenID: UUID
    public var name: String
    public var scopes: Set<TokenScope>
}

extension HomewardDatabase {
    /// Creates a token and returns it; only its hash is kept, so it cannot be shown again.
    public func createAccessToken(name: String, scopes: Set<TokenScope> = [.read], actor: String) async throws -> String {
        let token = "hw_" + Secrets.randomHex(32)
        let model = AccessTokenModel()
        model.id = UUID()
        model.name = name
        model.tokenHash = Secrets.sha256Hex(token)
        model.createdAt = Date()
        model.scopes = TokenScope.allCases.filter(scopes.contains).map(\.rawValue).joined(separator: " ")
        let isPostgres = !isSQLite
        try await writeGate.run {
            try await self.database.transaction { database in
                try await model.create(on: database)
                try await AuditLog.append(
                    on: database, isPostgres: isPostgres, at: model.createdAt, actor: actor, action: "token.create",
                    entity: "access_token", entityID: model.id?.uuidString, detail: "\(name) (\(model.scopes ?? ""))"
                )
            }
        }
        return token
    }

    /// The holder of `token`, or nil if it is unknown or revoked.
    public func authenticate(token: String) async throws -> TokenHolder? {
        guard token.hasPrefix("hw_"), token.count == 67 else { return nil }
        guard
            let model = try await AccessTokenModel.query(on: database)
                .filter(\.$tokenHash == Secrets.sha256Hex(token))
                .filter(\.$revokedAt == nil)
                .first(),
            let id = model.id
        else { return nil }
        let scopes = model.scopes.map { Set($0.split(separator: " ").compactMap { TokenScope(rawValue: String($0)) }) }
        // Tokens made before scopes existed could read and write, and nothing that came later.
        return TokenHolder(tokenID: id, name: model.name, scopes: scopes ?? [.read, .write])
    }

}

extension HomewardDatabase {
    /// Revokes every active token of that name, e.g. the previous demo token.
    public func revokeAccessTokens(named name: String, actor: String) async throws {
        let now = Date()
        let isPostgres = !isSQLite
        try await writeGate.run {
            try await self.database.transaction { database in
                try await AccessTokenModel.query(on: database)
                    .filter(\.$name == name)
                    .filter(\.$revokedAt == nil)
                    .set(\.$revokedAt, to: now)
                    .update()
                try await AuditLog.append(
                    on: database, isPostgres: isPostgres, at: now, actor: actor, action: "token.revoke",
                    entity: "access_token", entityID: nil, detail: name
                )
            }
        }
    }
}
