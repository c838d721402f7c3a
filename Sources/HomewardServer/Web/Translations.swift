import Foundation
import Mustache

/// Every string of the operators' application in one language, read from `Locales/<code>.json`.
///
/// Templates read it as `{{t.key}}`. A key missing from a file shows as ⟦key⟧ on the page rather
/// than as nothing, and a test checks that both languages hold every key the templates use.
struct Translations: MustacheParent, Sendable {
    let code: String
    let strings: [String: String]

    func child(named key: String) -> Any? { self[key] }

    subscript(key: String) -> String { strings[key] ?? "⟦\(key)⟧" }

    /// The string for `key` with each `{name}` replaced.
    func format(_ key: String, _ values: [String: String]) -> String {
        values.reduce(self[key]) { text, pair in text.replacingOccurrences(of: "{\(pair.key)}", with: pair.value) }
    }

    /// A number as this language writes it: 2 500 in Ukrainian, 2,500 in English.
    func number(_ value: Int) -> String {
        value.formatted(.number.locale(locale))
    }

    private var locale: Locale { Locale(identifier: code == "uk" ? "uk_UA" : "en_GB") }

    static let languages = ["uk", "en"]

    static let all: [String: Translations] = {
        var result: [String: Translations] = [:]
        for code in languages {
            guard let url = Bundle.module.url(forResource: code, withExtension: "json", subdirectory: "Locales"),
                let data = try? Data(contentsOf: url),
                let strings = try? JSONDecoder().decode([String: String].self, from: data)
            else {
                preconditionFailure(
                    "Locales/\(code).json is missing from the HomewardServer resources or is not a JSON object of strings")
            }
            result[code] = Translations(code: code, strings: strings)
        }
        return result
    }()

    static func forLanguage(_ code: String) -> Translations { all[code] ?? all["uk"]! }

    /// The language a browser asks for, when no one has chosen: English if it prefers English, else Ukrainian.
    static func preferred(acceptLanguage: String?) -> String {
        guard let header = acceptLanguage?.lowercased() else { return "uk" }
        for part in header.split(separator: ",") {
            let code = part.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? ""
            if code.hasPrefix("uk") { return "uk" }
            if code.hasPrefix("en") { return "en" }
        }
        return "uk"
    }
}
