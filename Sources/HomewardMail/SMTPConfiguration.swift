import Foundation

/// Where and how to hand mail to a relay; usually read from one URL in the environment so a deployment needs a
/// single secret.
public struct SMTPConfiguration: Sendable, Hashable, CustomStringConvertible {
    public enum Security: Sendable, Hashable {
        /// No encryption at all; only for a relay on the same machine or in tests, where nobody can listen in.
        case none
        /// Upgrade a plain connection (usually port 587) and refuse to go on if the server cannot.
        case startTLS
        /// TLS from the first byte (port 465), which no attacker can strip.
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The envelope sender: the address the relay lets the account send as, and where bounces arrive.
    public var from: MailAddress
    /// Sent in EHLO; some relays check it against reverse DNS, so deployments can set the real host name.
    public var heloName: String
    /// Bounds the whole conversation, connecting included, so a stuck relay cannot hold a request forever.
    public var timeout: Duration

    public init(
        host: String,
        port: Int? = nil,
        security: Security = .startTLS,
        username: String? = nil,
        password: String? = nil,
        from: MailAddress,
        heloName: String? = nil,
        timeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port ?? Self.defaultPort(for: security)
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.heloName = heloName ?? String(from.domain)
        self.timeout = timeout
    }

    /// Reads `smtp://user:pass@host:587?from=bureau@example.org` (STARTTLS, required), `smtps://…` (TLS from the
    /// start, port 465 by default) or `smtp+plain://host:2525?from=…` (no TLS, for a relay on loopback).
    ///
    /// User and password are percent-decoded, so a password may contain `@`, `:` or `/` written as `%40`, `%3A`,
    /// `%2F`. Optional parameters: `helo=` (the EHLO name, by default the domain of `from`) and `timeout=` (seconds).
    /// Unknown parameters are an error, so a misspelt `form=` does not pass silently.
    public init(url: String) throws {
        var rest = Substring(url.trimmingWhitespace())
        guard let schemeEnd = rest.range(of: "://") else {
            throw SMTPConfigurationError("the SMTP URL must start with smtp://, smtps:// or smtp+plain://")
        }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        rest = rest[schemeEnd.upperBound...]
        let security: Security
        switch scheme {
        case "smtp": security = .startTLS
        case "smtps": security = .tls
        case "smtp+plain": security = .none
        default:
            throw SMTPConfigurationError(
                "the SMTP URL scheme must be smtp (STARTTLS), smtps (TLS) or smtp+plain (no TLS), not \(scheme.debugDescription)"
            )
        }
        if rest.contains("#") { throw SMTPConfigurationError("the SMTP URL must not have a #fragment") }

        var query: Substring = ""
        if let questionMark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...] == "/" else { throw SMTPConfigurationError("the SMTP URL must not have a path") }
            rest = rest[..<slash]
        }

        // The last @ separates the user info, so an unencoded @ in a password still parses as meant.
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let user: Substring
            if let colon = userInfo.firstIndex(of: ":") {
                user = userInfo[..<colon]
                password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], what: "password")
            } else {
                user = userInfo
            }
            guard !user.isEmpty else { throw SMTPConfigurationError("the SMTP URL has a password but no user name") }
            username = try Self.percentDecoded(user, what: "user name")
        }

        let (host, explicitPort) = try Self.hostAndPort(rest)

        var from: MailAddress?
        var heloName: String?
        var timeout = Duration.seconds(30)
        for parameter in query.split(separator: "&") where !parameter.isEmpty {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pair[0].lowercased()
            let value = try Self.percentDecoded(pair.count > 1 ? pair[1] : "", what: "\(key)= parameter")
            switch key {
            case "from":
                do {
                    from = try MailAddress(value)
                } catch let error as MailFormatError {
                    throw SMTPConfigurationError("the from= address in the SMTP URL is invalid: \(error)")
                }
            case "helo":
                heloName = value
            case "timeout":
                guard let seconds = Double(value), seconds > 0, seconds <= 3600 else {
                    throw SMTPConfigurationError(
                        "the timeout= in the SMTP URL must be a number of seconds between 0 and 3600, not \(value.debugDescription)"
                    )
                }
                timeout = .milliseconds(Int((seconds * 1000).rounded()))
            default:
                throw SMTPConfigurationError(
                    "the SMTP URL has an unknown parameter \(key.debugDescription) (known: from, helo, timeout)"
                )
            }
        }
        guard let from else { throw SMTPConfigurationError("the SMTP URL needs a from= address") }

        self.init(
            host: host,
            port: explicitPort,
            security: security,
            username: username,
            password: password,
            from: from,
            heloName: heloName,
            timeout: timeout
        )
    }

    /// The IANA ports: submission with STARTTLS, submissions with implicit TLS, and plain SMTP.
    public static func defaultPort(for security: Security) -> Int {
        switch security {
        case .startTLS: return 587
        case .tls: return 465
        case .none: return 25
        }
    }

    /// Safe to log: the password is masked.
    public var description: String {
        let scheme: String
        switch security {
        case .startTLS: scheme = "smtp"
        case .tls: scheme = "smtps"
        case .none: scheme = "smtp+plain"
        }
        let user = username.map { "\($0)\(password == nil ? "" : ":***")@" } ?? ""
        let bracketedHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(user)\(bracketedHost):\(port)?from=\(from.address)"
    }

    private static func hostAndPort(_ authority: Substring) throws -> (String, Int?) {
        var host = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let closing = authority.firstIndex(of: "]") else {
                throw SMTPConfigurationError("the SMTP URL has an unclosed [ in its IPv6 host")
            }
            host = authority[authority.index(after: authority.startIndex)..<closing]
            let afterHost = authority[authority.index(after: closing)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else { throw SMTPConfigurationError("the SMTP URL has text after its host") }
                portText = afterHost.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { throw SMTPConfigurationError("the SMTP URL needs a host") }
        let hostIsClean = host.unicodeScalars.allSatisfy { !isLineBreakOrControl($0) && $0 != " " }
        guard hostIsClean else { throw SMTPConfigurationError("the host in the SMTP URL contains spaces or control characters") }
        guard let portText else { return (String(host), nil) }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw SMTPConfigurationError(
                "the port in the SMTP URL must be a number from 1 to 65535, not \(String(portText).debugDescription)")
        }
        return (String(host), port)
    }

    private static func percentDecoded(_ text: Substring, what: String) throws -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            // The text itself stays out of the message: it may be the password.
            throw SMTPConfigurationError("the \(what) in the SMTP URL has a malformed %-escape")
        }
        return decoded
    }
}

/// A mistake in an SMTP URL, described so that whoever set the environment variable can fix it; never echoes the
/// password.
public struct SMTPConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
