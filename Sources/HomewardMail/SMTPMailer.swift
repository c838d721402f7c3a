import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers each message over its own short SMTP connection.
///
/// Notifications are rare, so a fresh connection per message costs little and spares us pooling, idle timeouts
/// and the reconnect logic that a long-lived session would need.
public struct SMTPMailer: MailTransport {
    public let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "homeward.mail")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Returns once the relay accepted the message with `250` after DATA; a failure to say goodbye afterwards is only
    /// logged, because throwing then would make a caller send the same notification twice.
    ///
    /// Throws ``MailFormatError`` before connecting when the message cannot be written safely, and ``SMTPError``
    /// for everything that happens on the wire.
    public func send(_ mail: OutgoingMail) async throws {
        let heloName = try validatedHeloName()
        let message = try MessageWriter.message(for: mail, date: Date()) {
            MessageWriter.makeMessageID(domain: mail.from.domain)
        }
        let deadline = ContinuousClock.now + configuration.timeout
        let tls = try makeTLS()
        let connection = try await connect(implicitTLS: configuration.security == .tls ? tls : nil)
        var logger = self.logger
        logger[metadataKey: "smtp.server"] = "\(configuration.host):\(configuration.port)"

        let remaining = max(deadline - ContinuousClock.now, .zero)
        let timer = connection.channel.eventLoop.scheduleTask(in: TimeAmount(remaining)) { [connection] in
            connection.reader.value.fail(.timedOut)
            connection.channel.close(promise: nil)
        }
        defer {
            timer.cancel()
            connection.channel.close(promise: nil)
        }
        let conversation = Conversation(
            connection: connection,
            configuration: configuration,
            heloName: heloName,
            tls: tls,
            logger: logger
        )
        try await withTaskCancellationHandler {
            do {
                try await conversation.deliver(MessageWriter.dataSection(message), recipients: mail.to)
            } catch {
                if Task.isCancelled { throw CancellationError() }
                throw error
            }
        } onCancel: {
            connection.channel.close(promise: nil)
        }
    }

    /// EHLO's argument is part of a command line, so it must be a single printable token.
    private func validatedHeloName() throws -> String {
        let name = configuration.heloName
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw SMTPConfigurationError("the HELO name \(name.debugDescription) must be one word of printable ASCII")
        }
        return name
    }

    private func makeTLS() throws -> TLSSettings? {
        guard configuration.security != .none else { return nil }
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        tlsConfiguration.minimumTLSVersion = .tlsv12
        do {
            let context = try NIOSSLContext(configuration: tlsConfiguration)
            return TLSSettings(context: context, serverHostname: Self.serverHostname(for: configuration.host))
        } catch {
            throw SMTPError(kind: .connectionFailed, command: nil, text: "could not set up TLS: \(error)")
        }
    }

    /// SNI cannot carry an IP address; without a name NIOSSL checks the certificate against the peer's address.
    static func serverHostname(for host: String) -> String? {
        if (try? SocketAddress(ipAddress: host, port: 0)) != nil { return nil }
        return host.hasSuffix(".") ? String(host.dropLast()) : host
    }

    private func connect(implicitTLS: TLSSettings?) async throws -> Connection {
        // The reader is made up front on the channel's own loop, not looked up after connecting: a failed TLS
        // handshake can close the channel, and empty its pipeline, before `connect` even returns.
        let eventLoop = eventLoopGroup.next()
        let reader = try await eventLoop.submit { NIOLoopBound(SMTPReplyReader(), eventLoop: eventLoop) }.get()
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        let handler = try NIOSSLClientHandler(
                            context: implicitTLS.context,
                            serverHostname: implicitTLS.serverHostname
                        )
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try channel.pipeline.syncOperations.addHandler(reader.value)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch ChannelError.connectTimeout(let amount) {
            throw SMTPError(
                kind: .timedOut,
                command: nil,
                text: "could not connect to \(configuration.host):\(configuration.port) within \(Duration(amount))"
            )
        } catch {
            throw SMTPError(
                kind: .connectionFailed,
                command: nil,
                text: "could not connect to \(configuration.host):\(configuration.port): \(error)"
            )
        }
        return Connection(channel: channel, reader: reader, timeout: configuration.timeout)
    }
}

struct TLSSettings: Sendable {
    var context: NIOSSLContext
    var serverHostname: String?
}

/// The channel and its reply reader, driven from async code one command at a time.
struct Connection: Sendable {
    let channel: any Channel
    let reader: NIOLoopBound<SMTPReplyReader>
    let timeout: Duration

    /// Sends `line` (when given) and waits for the next reply. `label` names the command in errors and logs, so
    /// credentials sent as a line never appear there.
    func exchange(_ line: String?, label: String?) async throws -> SMTPReply {
        try await exchange(bytes: line.map { Array(($0 + "\r\n").utf8) }, label: label)
    }

    func exchange(bytes: [UInt8]?, label: String?) async throws -> SMTPReply {
        let future = channel.eventLoop.flatSubmit { [channel, reader] in
            // A failed write closes the channel, and the reader then reports why; no need to watch the write itself.
            if let bytes { channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil) }
            let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
            reader.value.nextReply(promise)
            return promise.futureResult
        }
        do {
            return try await future.get()
        } catch let failure as SMTPReplyReader.Failure {
            throw error(for: failure, label: label)
        } catch {
            throw SMTPError(kind: .connectionFailed, command: label, text: String(describing: error))
        }
    }

    /// Adds TLS under the reply reader, but only if nothing arrived after the server's `220`: anything already
    /// buffered would otherwise be read as if it had come over the encrypted connection.
    func startTLS(_ tls: TLSSettings) async throws {
        let injected = "the server sent more data after its STARTTLS reply, before TLS began"
        let upgrade = channel.eventLoop.submit { [channel, reader] in
            guard reader.value.isIdle else {
                // Someone is tampering with the connection: not another word over it, not even QUIT.
                reader.value.fail(.malformed(injected))
                channel.close(promise: nil)
                return false
            }
            let handler = try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            return true
        }
        let upgraded: Bool
        do {
            upgraded = try await upgrade.get()
        } catch {
            throw SMTPError(kind: .connectionFailed, command: "STARTTLS", text: "could not start TLS: \(error)")
        }
        guard upgraded else { throw SMTPError(kind: .protocolViolation, command: "STARTTLS", text: injected) }
    }

    private func error(for failure: SMTPReplyReader.Failure, label: String?) -> SMTPError {
        switch failure {
        case .malformed(let text):
            return SMTPError(kind: .protocolViolation, command: label, text: text)
        case .closedByServer:
            return SMTPError(kind: .connectionFailed, command: label, text: "the server closed the connection")
        case .timedOut:
            return SMTPError(kind: .timedOut, command: label, text: "no reply within \(timeout) of connecting")
        case .transport(let text):
            return SMTPError(kind: .connectionFailed, command: label, text: text)
        }
    }
}

/// The command sequence of RFC 5321 for one message, with the extensions this client uses (STARTTLS, AUTH).
struct Conversation {
    let connection: Connection
    let configuration: SMTPConfiguration
    let heloName: String
    let tls: TLSSettings?
    let logger: Logger

    func deliver(_ data: [UInt8], recipients: [MailAddress]) async throws {
        do {
            // A 554 greeting means "go away", but RFC 5321 still wants a QUIT, so it is handled like other rejections.
            try expect(await connection.exchange(nil, label: nil), 220, after: nil)
            try await negotiate()
            try await send(data, recipients: recipients)
        } catch let error as SMTPError
            where error.kind != .timedOut && error.kind != .connectionFailed
            && error.kind != .protocolViolation
        {
            // The server is still listening and making sense: say goodbye properly, as RFC 5321 asks.
            _ = try? await connection.exchange("QUIT", label: "QUIT")
            throw error
        }
        do {
            _ = try await connection.exchange("QUIT", label: "QUIT")
        } catch {
            logger.debug("The relay accepted the message but QUIT failed", metadata: ["error": "\(error)"])
        }
    }

    private func negotiate() async throws {
        var capabilities = try await hello()
        var isEncrypted = configuration.security == .tls
        if configuration.security == .startTLS {
            guard let tls else { preconditionFailure("security is STARTTLS but no TLS context was made") }
            guard capabilities.offersStartTLS else {
                throw SMTPError(kind: .startTLSNotOffered, command: "EHLO", text: "no STARTTLS in the EHLO reply")
            }
            try expect(await command("STARTTLS"), 220, after: "STARTTLS")
            try await connection.startTLS(tls)
            isEncrypted = true
            // RFC 3207: everything learnt before TLS is forgotten, and the server may offer more (often AUTH) now.
            capabilities = try await hello()
        }
        if let username = configuration.username {
            guard isEncrypted || configuration.security == .none else {
                throw SMTPError(kind: .unencryptedAuthentication, command: nil, text: "no TLS")
            }
            try await authenticate(username: username, password: configuration.password ?? "", capabilities: capabilities)
        }
    }

    private func send(_ data: [UInt8], recipients: [MailAddress]) async throws {
        try expect(await command("MAIL FROM:<\(configuration.from.address)>"), 250, after: "MAIL FROM")
        for recipient in recipients {
            let rcpt = "RCPT TO:<\(recipient.address)>"
            try expect(await command(rcpt), 250, 251, after: rcpt)
        }
        try expect(await command("DATA"), 354, after: "DATA")
        logger.trace("C: <message, \(data.count) bytes>")
        try expect(await connection.exchange(bytes: data, label: "end of DATA"), 250, after: "end of DATA")
        logger.debug("The relay accepted a message", metadata: ["recipients": "\(recipients.count)"])
    }

    /// EHLO, or HELO for a server so old it rejects EHLO; such a server offers no extensions.
    private func hello() async throws -> Capabilities {
        let reply = try await command("EHLO \(heloName)")
        if reply.code == 250 { return Capabilities(ehloReply: reply) }
        guard (500..<600).contains(reply.code) else { throw rejection(reply, after: "EHLO") }
        try expect(await command("HELO \(heloName)"), 250, after: "HELO")
        return Capabilities(ehloReply: nil)
    }

    private func authenticate(username: String, password: String, capabilities: Capabilities) async throws {
        if capabilities.authMechanisms.contains("PLAIN") {
            // RFC 4616: authorisation identity (empty: the same), authentication identity, password.
            let credentials = Data(("\0" + username + "\0" + password).utf8).base64EncodedString()
            var reply = try await connection.exchange("AUTH PLAIN \(credentials)", label: "AUTH PLAIN")
            logger.trace("C: AUTH PLAIN <credentials>", metadata: ["reply": "\(reply.code)"])
            if reply.code == 334 {
                // A server that ignores the initial response asks for it again with an empty challenge.
                reply = try await connection.exchange(credentials, label: "AUTH PLAIN")
            }
            try expect(reply, 235, after: "AUTH PLAIN")
        } else if capabilities.authMechanisms.contains("LOGIN") {
            try expect(await command("AUTH LOGIN"), 334, after: "AUTH LOGIN")
            let user = Data(username.utf8).base64EncodedString()
            try expect(await connection.exchange(user, label: "AUTH LOGIN (user name)"), 334, after: "AUTH LOGIN (user name)")
            let secret = Data(password.utf8).base64EncodedString()
            try expect(await connection.exchange(secret, label: "AUTH LOGIN (password)"), 235, after: "AUTH LOGIN (password)")
        } else {
            let offered = capabilities.authMechanisms.sorted().joined(separator: " ")
            throw SMTPError(
                kind: .authenticationNotOffered,
                command: "EHLO",
                text: offered.isEmpty ? "the server offers no AUTH at all" : "offered: \(offered)"
            )
        }
        logger.trace("Authenticated", metadata: ["user": "\(username)"])
    }

    /// Sends a command that holds no secret, so it may be logged and quoted in errors as it is.
    private func command(_ line: String) async throws -> SMTPReply {
        logger.trace("C: \(line)")
        let reply = try await connection.exchange(line, label: line)
        logger.trace("S: \(reply.code) \(reply.text)")
        return reply
    }

    private func expect(_ reply: SMTPReply, _ codes: Int..., after command: String?) throws {
        guard codes.contains(reply.code) else { throw rejection(reply, after: command) }
    }

    private func rejection(_ reply: SMTPReply, after command: String?) -> SMTPError {
        SMTPError(kind: .rejected, command: command, code: reply.code, text: reply.text)
    }
}

/// The extensions a server listed after EHLO, one keyword per line (RFC 5321 §4.1.1.1).
struct Capabilities {
    var keywords: [String: [String]] = [:]

    init(ehloReply: SMTPReply?) {
        guard let ehloReply else { return }
        for line in ehloReply.lines.dropFirst() {
            var words = line.split(separator: " ").map { $0.uppercased() }
            guard !words.isEmpty else { continue }
            var keyword = words.removeFirst()
            // Some old servers still write `AUTH=LOGIN PLAIN`, from a draft of RFC 2554.
            if keyword.hasPrefix("AUTH=") {
                words.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            keywords[keyword, default: []] += words
        }
    }

    var offersStartTLS: Bool { keywords["STARTTLS"] != nil }
    var authMechanisms: Set<String> { Set(keywords["AUTH"] ?? []) }
}
