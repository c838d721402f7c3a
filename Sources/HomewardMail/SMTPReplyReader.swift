import NIOCore

/// One complete server reply; a multi-line reply (`250-…` lines then `250 …`) arrives as one value.
struct SMTPReply: Sendable, Hashable {
    var code: Int
    /// The text of each line without code and separator.
    var lines: [String]

    var text: String { lines.joined(separator: "\n") }
}

/// Assembles lines into replies, checking the grammar of RFC 5321 §4.2 on the way.
struct SMTPReplyParser {
    /// A reply longer than this is a broken or hostile server; RFC 5321 replies have a handful of lines.
    static let maximumLineCount = 200

    private var pendingCode: Int?
    private var pendingLines: [String] = []

    var isBetweenReplies: Bool { pendingCode == nil }

    mutating func consume(_ line: String) throws(SMTPReplyReader.Failure) -> SMTPReply? {
        let bytes = Array(line.utf8)
        let digits = bytes.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let code = Int(String(decoding: digits, as: UTF8.self)), (200...599).contains(code)
        else { throw .malformed("a reply line does not start with a code: \(line.prefix(80).debugDescription)") }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw .malformed("a reply line has no space or hyphen after its code: \(line.prefix(80).debugDescription)")
        }
        if let pendingCode, pendingCode != code {
            throw .malformed("a multi-line reply changes its code from \(pendingCode) to \(code)")
        }
        pendingCode = code
        pendingLines.append(bytes.count > 4 ? String(line.dropFirst(4)) : "")
        guard pendingLines.count <= Self.maximumLineCount else {
            throw .malformed("a reply has more than \(Self.maximumLineCount) lines")
        }
        guard separator == UInt8(ascii: " ") else { return nil }
        defer {
            self.pendingCode = nil
            pendingLines = []
        }
        return SMTPReply(code: code, lines: pendingLines)
    }
}

/// Hands replies to whoever asks for the next one, in order.
///
/// The client never pipelines, so apart from the greeting a server only speaks when spoken to. Replies that arrive
/// before they are asked for are queued (the greeting often beats the first read) but kept few, and ``isIdle`` lets
/// the STARTTLS upgrade prove that no plaintext was slipped in after the `220` to be read later as if it came over
/// TLS (the STARTTLS response injection attack).
final class SMTPReplyReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    enum Failure: Error, Sendable {
        case malformed(String)
        case closedByServer
        case timedOut
        case transport(String)
    }

    /// RFC 5321 allows 512 octets per reply line; this is lenient but still bounds memory.
    static let maximumLineLength = 4096
    static let maximumUnrequestedReplies = 4

    private var unparsed = ByteBuffer()
    private var parser = SMTPReplyParser()
    private var unrequested: [SMTPReply] = []
    private var waiting: EventLoopPromise<SMTPReply>?
    private var failure: Failure?

    var isIdle: Bool { unparsed.readableBytes == 0 && parser.isBetweenReplies && unrequested.isEmpty }

    func nextReply(_ promise: EventLoopPromise<SMTPReply>) {
        precondition(waiting == nil, "the client asked for a reply while still waiting for one")
        if let failure {
            promise.fail(failure)
        } else if !unrequested.isEmpty {
            promise.succeed(unrequested.removeFirst())
        } else {
            waiting = promise
        }
    }

    /// Records why the conversation ended, so every later request gets that reason instead of "connection closed".
    func fail(_ reason: Failure) {
        if failure == nil { failure = reason }
        waiting?.fail(failure!)
        waiting = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard failure == nil else { return }
        var incoming = unwrapInboundIn(data)
        unparsed.writeBuffer(&incoming)
        do throws(Failure) {
            while let line = try nextLine() {
                if let reply = try parser.consume(line) { try deliver(reply) }
            }
            unparsed.discardReadBytes()
        } catch {
            fail(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.closedByServer)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.transport(String(describing: error)))
        context.close(promise: nil)
    }

    private func deliver(_ reply: SMTPReply) throws(Failure) {
        if let waiting {
            self.waiting = nil
            waiting.succeed(reply)
            return
        }
        unrequested.append(reply)
        guard unrequested.count <= Self.maximumUnrequestedReplies else {
            throw .malformed("the server sent \(unrequested.count) replies nobody asked for")
        }
    }

    private func nextLine() throws(Failure) -> String? {
        guard let newline = unparsed.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            guard unparsed.readableBytes <= Self.maximumLineLength else {
                throw .malformed("a reply line is longer than \(Self.maximumLineLength) bytes")
            }
            return nil
        }
        let length = newline - unparsed.readerIndex
        guard length <= Self.maximumLineLength else {
            throw .malformed("a reply line is longer than \(Self.maximumLineLength) bytes")
        }
        var line = unparsed.readString(length: length) ?? ""
        unparsed.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }
}
