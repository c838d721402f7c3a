/// A pull tokenizer for the machine-written XML parts of a workbook, over their UTF-8 bytes.
///
/// Workbook parts use a small subset of XML: elements, attributes, text, the five predefined
/// entities, character references, and sometimes CDATA, comments and processing instructions.
/// This reads exactly that and checks that tags nest, so a damaged part is an error with its
/// line rather than a silently shortened list. Document type declarations are refused: no
/// workbook has one, and refusing them rules out entity-expansion attacks. Names and values are
/// handed out as ranges into the bytes, so a sheet of a million cells costs no string per tag.
struct XMLScanner {
    enum Token: Equatable {
        /// ``name`` and ``attributes`` describe the tag. A self-closing tag is followed by its ``endTag``.
        case startTag
        case endTag
        /// ``text`` holds the range of character data, raw (``textIsCharacterData``) or still with references.
        case text
        case endOfDocument
    }

    struct Attribute {
        let name: Range<Int>
        let value: Range<Int>
    }

    /// Deeper nesting than any workbook part has; bounds the memory a crafted part can take.
    static let maximumDepth = 256

    let bytes: [UInt8]
    /// The part's path in the workbook, for error messages.
    let part: String
    /// The spreadsheet row being read, for error messages; 0 outside a sheet.
    var row = 0
    private(set) var position = 0
    private(set) var name: Range<Int> = 0..<0
    private(set) var attributes: [Attribute] = []
    private(set) var text: Range<Int> = 0..<0
    private(set) var textIsCharacterData = false
    private var openElements: [Range<Int>] = []
    private var closesSelfClosingTagNext = false
    private var hasSeenRootElement = false

    init(bytes: [UInt8], part: String) throws(CSVError) {
        self.bytes = bytes
        self.part = part
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            position = 3
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw error("it is in UTF-16, and only UTF-8 parts can be read")
        }
    }

    /// How many elements are open; after a ``Token/startTag`` it includes the new element.
    var depth: Int { openElements.count }

    mutating func next() throws(CSVError) -> Token {
        if closesSelfClosingTagNext {
            closesSelfClosingTagNext = false
            openElements.removeLast()
            return .endTag
        }
        while true {
            guard position < bytes.count else {
                if let open = openElements.last { throw error("the part ends inside <\(string(open))>") }
                if !hasSeenRootElement { throw error("the part has no elements") }
                return .endOfDocument
            }
            guard bytes[position] == Self.lessThan else { return try characterData() }
            if hasPrefix("<!--") {
                try skip(past: "-->", what: "a comment")
            } else if hasPrefix("<![CDATA[") {
                let start = position + 9
                try skip(past: "]]>", what: "a CDATA section")
                text = start..<position - 3
                textIsCharacterData = true
                if openElements.isEmpty { throw error("text outside the root element") }
                return .text
            } else if hasPrefix("<!") {
                throw error("document type declarations are not allowed")
            } else if hasPrefix("<?") {
                try skip(past: "?>", what: "a processing instruction")
            } else if hasPrefix("</") {
                return try endTag()
            } else {
                return try startTag()
            }
        }
    }

    /// Reads past the end of the element whose start tag was just read.
    mutating func skipElement() throws(CSVError) {
        let depthOfElement = depth
        while depth >= depthOfElement {
            if try next() == .endOfDocument { return }
        }
    }

    /// Whether the current tag's name, without any namespace prefix, is `localName`.
    func nameIs(_ localName: StaticString) -> Bool {
        Self.localPart(of: name, in: bytes).elementsEqual(localName.bytes)
    }

    /// The value of the attribute whose whole name is `qualifiedName` (e.g. `r`, `xml:space`).
    func attribute(_ qualifiedName: StaticString) -> Range<Int>? {
        attributes.first { bytes[$0.name].elementsEqual(qualifiedName.bytes) }?.value
    }

    /// The value of the first attribute whose name without prefix is `localName`, as in `r:id`.
    func attribute(localName: StaticString) -> Range<Int>? {
        attributes.first { Self.localPart(of: $0.name, in: bytes).elementsEqual(localName.bytes) }?.value
    }

    /// An attribute value or text with its references replaced, as a string.
    func decoded(_ range: Range<Int>, isCharacterData: Bool = false) throws(CSVError) -> String {
        var output: [UInt8] = []
        try appendDecoded(range, isCharacterData: isCharacterData, to: &output)
        return try string(fromUTF8: output)
    }

    /// Appends text with references replaced and line ends normalized to LF, as XML requires.
    func appendDecoded(_ range: Range<Int>, isCharacterData: Bool, to output: inout [UInt8]) throws(CSVError) {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == ASCII.carriageReturn {
                output.append(ASCII.lineFeed)
                index += 1
                if index < range.upperBound && bytes[index] == ASCII.lineFeed { index += 1 }
            } else if byte == Self.ampersand && !isCharacterData {
                index = try appendReference(startingAt: index, before: range.upperBound, to: &output)
            } else {
                output.append(byte)
                index += 1
            }
        }
    }

    func string(fromUTF8 bytes: [UInt8]) throws(CSVError) -> String {
        guard let text = bytes.withUnsafeBufferPointer({ TextEncoding.utf8.decode($0) }) else {
            throw error("it holds text that is not valid UTF-8")
        }
        return text
    }

    func error(_ reason: String) -> CSVError {
        let line = 1 + bytes[..<min(position, bytes.count)].reduce(0) { $0 + ($1 == ASCII.lineFeed ? 1 : 0) }
        return CSVError(.malformedXML(part: part, line: line, reason: reason), row: row, column: 0, format: .xlsx)
    }

    // MARK: - Tokens

    private mutating func characterData() throws(CSVError) -> Token {
        let start = position
        while position < bytes.count && bytes[position] != Self.lessThan { position += 1 }
        text = start..<position
        textIsCharacterData = false
        if openElements.isEmpty && bytes[text].contains(where: { !Self.isWhitespace($0) }) {
            throw error("text outside the root element")
        }
        return .text
    }

    private mutating func startTag() throws(CSVError) -> Token {
        position += 1
        name = try readName()
        attributes.removeAll(keepingCapacity: true)
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw error("a tag is never closed") }
            switch bytes[position] {
            case Self.greaterThan:
                position += 1
                try open(name)
                return .startTag
            case Self.slash:
                guard position + 1 < bytes.count, bytes[position + 1] == Self.greaterThan else {
                    throw error("a \"/\" inside a tag that does not end it")
                }
                position += 2
                try open(name)
                closesSelfClosingTagNext = true
                return .startTag
            default:
                let attributeName = try readName()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == Self.equals else {
                    throw error("an attribute without a value")
                }
                position += 1
                skipWhitespace()
                guard position < bytes.count, bytes[position] == Self.quote || bytes[position] == Self.apostrophe else {
                    throw error("an attribute value without quotes")
                }
                let quote = bytes[position]
                let valueStart = position + 1
                position = valueStart
                while position < bytes.count && bytes[position] != quote {
                    if bytes[position] == Self.lessThan { throw error("a \"<\" inside an attribute value") }
                    position += 1
                }
                guard position < bytes.count else { throw error("an attribute value is never closed") }
                attributes.append(Attribute(name: attributeName, value: valueStart..<position))
                position += 1
            }
        }
    }

    private mutating func endTag() throws(CSVError) -> Token {
        position += 2
        name = try readName()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == Self.greaterThan else { throw error("an end tag is never closed") }
        position += 1
        guard let open = openElements.last else { throw error("</\(string(name))> closes no element") }
        guard bytes[open].elementsEqual(bytes[name]) else {
            throw error("</\(string(name))> closes <\(string(open))>")
        }
        openElements.removeLast()
        return .endTag
    }

    private mutating func open(_ element: Range<Int>) throws(CSVError) {
        if openElements.isEmpty {
            if hasSeenRootElement { throw error("a second root element <\(string(element))>") }
            hasSeenRootElement = true
        }
        guard openElements.count < Self.maximumDepth else {
            throw error("elements are nested more than \(Self.maximumDepth) deep")
        }
        openElements.append(element)
    }

    private mutating func readName() throws(CSVError) -> Range<Int> {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isWhitespace(byte) || byte == Self.greaterThan || byte == Self.slash || byte == Self.equals
                || byte == Self.lessThan || byte == Self.quote || byte == Self.apostrophe
            {
                break
            }
            position += 1
        }
        guard position > start else { throw error("a tag or attribute without a name") }
        return start..<position
    }

    private mutating func skipWhitespace() {
        while position < bytes.count && Self.isWhitespace(bytes[position]) { position += 1 }
    }

    private func hasPrefix(_ prefix: StaticString) -> Bool {
        let prefix = prefix.bytes
        return position <= bytes.count - prefix.count && bytes[position..<position + prefix.count].elementsEqual(prefix)
    }

    private mutating func skip(past terminator: StaticString, what: String) throws(CSVError) {
        let terminator = terminator.bytes
        guard let first = terminator.first else { return }
        var index = position + 2
        while index <= bytes.count - terminator.count {
            if bytes[index] == first && bytes[index..<index + terminator.count].elementsEqual(terminator) {
                position = index + terminator.count
                return
            }
            index += 1
        }
        throw error("\(what) is never closed")
    }

    /// Replaces `&name;`, `&#decimal;` or `&#xhex;` starting at `start`; returns the index after the `;`.
    private func appendReference(startingAt start: Int, before end: Int, to output: inout [UInt8]) throws(CSVError) -> Int {
        var semicolon = start + 1
        while semicolon < end && semicolon - start <= 10 && bytes[semicolon] != Self.semicolon { semicolon += 1 }
        guard semicolon < end, bytes[semicolon] == Self.semicolon else {
            throw error("an \"&\" that does not start a reference (write it as &amp;)")
        }
        let reference = bytes[start + 1..<semicolon]
        let named: [(StaticString, UInt8)] = [("lt", 0x3C), ("gt", 0x3E), ("amp", 0x26), ("apos", 0x27), ("quot", 0x22)]
        if let entity = named.first(where: { reference.elementsEqual($0.0.bytes) }) {
            output.append(entity.1)
            return semicolon + 1
        }
        guard reference.first == Self.numberSign else {
            throw error("the reference &\(String(decoding: reference, as: UTF8.self)); is not one XML defines")
        }
        let isHexadecimal = reference.dropFirst().first == 0x78  // "x"
        let digits = reference.dropFirst(isHexadecimal ? 2 : 1)
        var value: UInt32 = 0
        for digit in digits {
            guard let digitValue = Self.digitValue(digit, hexadecimal: isHexadecimal), value <= 0x10FFFF else {
                throw error("the character reference &\(String(decoding: reference, as: UTF8.self)); is not a number")
            }
            value = value * (isHexadecimal ? 16 : 10) + digitValue
        }
        guard !digits.isEmpty, let scalar = Unicode.Scalar(value), value != 0 else {
            throw error("the character reference &\(String(decoding: reference, as: UTF8.self)); is not a character")
        }
        if let encoded = UTF8.encode(scalar) { output.append(contentsOf: encoded) }
        return semicolon + 1
    }

    private static func digitValue(_ byte: UInt8, hexadecimal: Bool) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30)
        case 0x41...0x46 where hexadecimal: UInt32(byte - 0x41 + 10)
        case 0x61...0x66 where hexadecimal: UInt32(byte - 0x61 + 10)
        default: nil
        }
    }

    private func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    private static func localPart(of name: Range<Int>, in bytes: [UInt8]) -> ArraySlice<UInt8> {
        let qualified = bytes[name]
        guard let colon = qualified.lastIndex(of: colon) else { return qualified }
        return bytes[(colon + 1)..<name.upperBound]
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == ASCII.space || byte == ASCII.tab || byte == ASCII.lineFeed || byte == ASCII.carriageReturn
    }

    private static let lessThan: UInt8 = 0x3C
    private static let greaterThan: UInt8 = 0x3E
    private static let slash: UInt8 = 0x2F
    private static let equals: UInt8 = 0x3D
    private static let quote: UInt8 = 0x22
    private static let apostrophe: UInt8 = 0x27
    private static let ampersand: UInt8 = 0x26
    private static let semicolon: UInt8 = 0x3B
    private static let numberSign: UInt8 = 0x23
    private static let colon: UInt8 = 0x3A
}

extension StaticString {
    /// The literal's UTF-8 bytes, without copying.
    fileprivate var bytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: utf8Start, count: utf8CodeUnitCount)
    }
}
