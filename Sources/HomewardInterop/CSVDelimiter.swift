/// The character that separates fields.
///
/// Offices whose spreadsheets use a decimal comma export `;`; databases often export tab.
public enum CSVDelimiter: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case comma
    case semicolon
    case tab

    var byte: UInt8 {
        switch self {
        case .comma: ASCII.comma
        case .semicolon: ASCII.semicolon
        case .tab: ASCII.tab
        }
    }

    public var description: String {
        switch self {
        case .comma: "comma"
        case .semicolon: "semicolon"
        case .tab: "tab"
        }
    }
}

/// The bytes the CSV grammar is made of; all ASCII, so they mean the same in every supported encoding.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B
}
