import Foundation
import HomewardCore

/// Escaping shared by the XML (PFIF) and HTML (capture card) outputs.
///
/// Every value is escaped, labels included, so that no text from the register (a name typed as
/// `<script>`, a place with `&`) can change the structure of a document.
enum ExportMarkup {
    /// `text` made safe as XML 1.0 or HTML character data and as a single- or double-quoted
    /// attribute value.
    ///
    /// - `&`, `<`, `>`, `"` and `'` become character references.
    /// - A carriage return becomes `&#13;`, because a parser would otherwise turn it into a line feed.
    /// - Characters XML 1.0 does not allow at all (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
    ///   U+FFFE, U+FFFF) are **dropped**, as are the C1 controls U+0080–U+009F (allowed but
    ///   discouraged by XML, errors in HTML). None of them can be written in a document, and none is
    ///   part of a name or a place: they come from mis-decoded text. Dropping them keeps one bad cell
    ///   from refusing a whole export; the register itself keeps the text as received.
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            case "\r": output += "&#13;"
            default: if isWritable(scalar) { output.unicodeScalars.append(scalar) }
            }
        }
        return output
    }

    /// Whether `scalar` may appear in the output: the XML 1.0 `Char` production without the C1 controls.
    static func isWritable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x1_0000...0x10_FFFF: true
        default: false
        }
    }
}

/// Dates and times as the exports write them, without a formatter (and without its locale).
enum ExportDates {
    /// `yyyy-mm-ddThh:mm:ssZ` in UTC, fractions of a second dropped.
    static func utcDateTime(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - day * 86_400
        let (year, month, dayOfMonth) = PartialDate.civil(fromDayNumber: day)
        return "\(digits(year, 4))-\(digits(month, 2))-\(digits(dayOfMonth, 2))T"
            + "\(digits(secondOfDay / 3_600, 2)):\(digits(secondOfDay / 60 % 60, 2)):\(digits(secondOfDay % 60, 2))Z"
    }

    /// The first moment a partial date can mean, as a UTC date-time: "1987-05" → `1987-05-01T00:00:00Z`.
    static func utcDateTime(_ date: PartialDate) -> String {
        "\(digits(date.year, 4))-\(digits(date.month ?? 1, 2))-\(digits(date.day ?? 1, 2))T00:00:00Z"
    }

    private static func digits(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

extension String {
    /// `nil` for a missing, empty or blank value; otherwise the value trimmed of surrounding white space.
    var exportNonBlank: String? {
        let trimmed = trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}

extension Optional where Wrapped == String {
    var exportNonBlank: String? { self?.exportNonBlank }
}
