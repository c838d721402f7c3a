import Foundation
import NIOCore
import NIOPosix
import Synchronization

@testable import HomewardMail

/// A real SMTP server on 127.0.0.1 with scripted replies, recording every line a client sends, so the tests exercise
/// the client's sockets, framing and timing and not a mock of them.
final class FakeSMTPServer: Sendable {
    struct Script: Sendable {
        /// `nil` makes a server that accepts the connection and then never says a word.
        var greeting: String? = "220 fake.test ESMTP ready"
        var ehlo = "250-fake.test greets you\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10485760"
        /// Replies by command verb (`MAIL`, `RCPT`, `AUTH`, …), replacing the happy defaults. May hold several
        /// CRLF-separated lines, and `""` means silence.
        var replies: [String: String] = [:]
    }

    let port: Int
    private let channel: any Channel
    private let recorder: Recorder

    private init(port: Int, channel: any Channel, recorder: Recorder) {
        self.port = port
        self.channel = channel
        self.recorder = recorder
    }

    /// Every line received so far, CRLF removed, DATA lines included as sent (still dot-stuffed).
    var lines: [String] { recorder.lines.withLock { $0 } }

    /// The commands only: the lines outside DATA.
    var commands: [String] {
        var result: [String] = []
        var inData = false
        for line in lines {
            if inData {
                if line == "." { inData = false }
            } else {
                result.append(line)
                if line.uppercased() == "DATA" { inData = true }
            }
        }
        return result
    }

    /// The message as received between DATA and the lone `.`, with the dot-stuffing undone.
    var message: ReceivedMessage? {
        guard let start = lines.firstIndex(where: { $0.uppercased() == "DATA" }),
            let end = lines[(start + 1)...].firstIndex(of: ".")
        else { return nil }
        return ReceivedMessage(dataLines: lines[(start + 1)..<end].map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 })
    }

    static func start(_ script: Script = Script()) async throws -> FakeSMTPServer {
        let recorder = Recorder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FakeSMTPSession(script: script, recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FakeSMTPServer(port: channel.localAddress!.port!, channel: channel, recorder: recorder)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Runs `body` against a fresh server and stops it afterwards, whether `body` throws or not.
func withFakeSMTPServer<Result>(
    _ script: FakeSMTPServer.Script = .init(),
    _ body: (FakeSMTPServer) async throws -> Result
) async throws -> Result {
    let server = try await FakeSMTPServer.start(script)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

final class Recorder: Sendable {
    let lines = Mutex<[String]>([])
}

/// One client connection on the server side.
final class FakeSMTPSession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let script: FakeSMTPServer.Script
    private let recorder: Recorder
    private var unparsed = ByteBuffer()
    private var inData = false
    private var authLoginStep = 0

    init(script: FakeSMTPServer.Script, recorder: Recorder) {
        self.script = script
        self.recorder = recorder
    }

    func channelActive(context: ChannelHandlerContext) {
        if let greeting = script.greeting { reply(greeting, context: context) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        unparsed.writeBuffer(&incoming)
        while let newline = unparsed.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            var line = unparsed.readString(length: newline - unparsed.readerIndex)!
            unparsed.moveReaderIndex(forwardBy: 1)
            if line.hasSuffix("\r") { line.removeLast() }
            recorder.lines.withLock { $0.append(line) }
            respond(to: line, context: context)
        }
        unparsed.discardReadBytes()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(to line: String, context: ChannelHandlerContext) {
        if inData {
            if line == "." {
                inData = false
                reply(script.replies["."] ?? "250 2.0.0 queued as 42", context: context)
            }
            return
        }
        if authLoginStep > 0 {
            authLoginStep += 1
            reply(authLoginStep == 2 ? "334 UGFzc3dvcmQ6" : "235 2.7.0 authenticated", context: context)
            if authLoginStep > 2 { authLoginStep = 0 }
            return
        }
        let verb =
            line.split(separator: " ").first.map { $0.split(separator: ":").first.map(String.init) ?? "" }?
            .uppercased() ?? ""
        let isAuthLogin = line.uppercased() == "AUTH LOGIN"
        let answer = script.replies[verb] ?? (isAuthLogin ? "334 VXNlcm5hbWU6" : defaultReply(to: verb))
        if verb == "DATA" && answer.hasPrefix("354") { inData = true }
        if isAuthLogin && answer.hasPrefix("334") { authLoginStep = 1 }
        reply(answer, context: context)
        if verb == "QUIT" { context.close(promise: nil) }
    }

    private func defaultReply(to verb: String) -> String {
        switch verb {
        case "EHLO": return script.ehlo
        case "HELO", "MAIL", "RCPT", "RSET", "NOOP": return "250 2.0.0 OK"
        case "DATA": return "354 End data with <CR><LF>.<CR><LF>"
        case "AUTH": return "235 2.7.0 authenticated"
        case "STARTTLS": return "220 2.0.0 go ahead"
        case "QUIT": return "221 2.0.0 bye"
        default: return "502 5.5.2 command not recognised"
        }
    }

    private func reply(_ text: String, context: ChannelHandlerContext) {
        guard !text.isEmpty else { return }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}

/// A received message taken apart the way a mail reader would: headers unfolded, encoded-words and base64 decoded.
struct ReceivedMessage {
    /// Header lines as sent, still folded.
    var headerLines: [String]
    /// Unfolded headers by lowercased name.
    var headers: [String: String]
    /// Body lines as sent (base64).
    var bodyLines: [String]

    init(dataLines: [String]) {
        let blank = dataLines.firstIndex(of: "") ?? dataLines.endIndex
        headerLines = Array(dataLines[..<blank])
        bodyLines = blank < dataLines.endIndex ? Array(dataLines[(blank + 1)...]) : []
        var unfolded: [String] = []
        for line in headerLines {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !unfolded.isEmpty {
                unfolded[unfolded.count - 1] += line
            } else {
                unfolded.append(line)
            }
        }
        headers = [:]
        for field in unfolded {
            guard let colon = field.firstIndex(of: ":") else { continue }
            let name = field[..<colon].lowercased()
            headers[name] = String(field[field.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
    }

    var subject: String? { headers["subject"].map(decodingEncodedWords) }

    var body: String? {
        Data(base64Encoded: bodyLines.joined()).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Decodes runs of encoded-words (the whitespace between adjacent ones is dropped, as RFC 2047 says) and leaves
    /// other words alone.
    func decodingEncodedWords(_ value: String) -> String {
        var pieces: [String] = []
        var pendingBytes: [UInt8] = []
        for word in value.split(separator: " ") {
            if word.hasPrefix("=?utf-8?B?") && word.hasSuffix("?="),
                let bytes = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            {
                pendingBytes += bytes
                continue
            }
            if !pendingBytes.isEmpty { pieces.append(String(decoding: pendingBytes, as: UTF8.self)) }
            pendingBytes = []
            pieces.append(String(word))
        }
        if !pendingBytes.isEmpty { pieces.append(String(decoding: pendingBytes, as: UTF8.self)) }
        return pieces.joined(separator: " ")
    }
}
