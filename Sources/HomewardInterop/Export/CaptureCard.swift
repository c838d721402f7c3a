import HomewardCore

/// The prisoner's state of health as the capture card lists it (item 11); more than one may apply
/// ("good health" and "not wounded").
public enum CaptureCardHealth: String, Sendable, Hashable, CaseIterable {
    case goodHealth = "good-health"
    case notWounded = "not-wounded"
    case recovered
    case convalescent
    case sick
    case slightlyWounded = "slightly-wounded"
    case seriouslyWounded = "seriously-wounded"

    var label: CaptureCardLabel {
        switch self {
        case .goodHealth: .goodHealth
        case .notWounded: .notWounded
        case .recovered: .recovered
        case .convalescent: .convalescent
        case .sick: .sick
        case .slightlyWounded: .slightlyWounded
        case .seriouslyWounded: .seriouslyWounded
        }
    }
}

/// The capture card for a prisoner of war (GC III Art. 70, model in Annex IV B), as one printable,
/// self-contained HTML page: the front with the address of the Central Prisoners of War Agency,
/// the reverse with items 1–14.
///
/// Every label is printed in two languages side by side: the prisoner's (that of their name) and
/// the bureau's; when they are the same, the second is English. Values are printed as the
/// register holds them, in their own script, with the Latin romanisation in small print after
/// names. Nothing is guessed: an item the register does not hold is left blank to be filled in by
/// hand. The page is black on white, sized A5 landscape (the Convention's card is 10 × 15 cm;
/// A5 leaves room for two languages), with inline CSS and no scripts; all text is escaped.
public struct CaptureCard: Sendable, Hashable {
    /// The bureau's language, printed beside the prisoner's.
    public var ourLanguage: CardLanguage

    public init(ourLanguage: CardLanguage = .ukrainian) {
        self.ourLanguage = ourLanguage
    }

    /// The prisoner's language first, then ours; English second when they are the same.
    public func languages(for person: Person) -> [CardLanguage] {
        let theirs = CardLanguage(person.identity.name.language)
        return theirs == ourLanguage ? [theirs, ourLanguage == .english ? .ukrainian : .english] : [theirs, ourLanguage]
    }

    /// The card as an HTML document.
    ///
    /// - Parameters:
    ///   - takenPrisonerOn: item 10, the date of capture.
    ///   - takenPrisonerAt: printed after the date of capture, when given.
    ///   - comingFrom: item 10's alternative, "(or) coming from (camp No., hospital, etc.)", for a card
    ///     made on a transfer.
    ///   - health: item 11; the chosen states are marked and the others struck out.
    ///   - camp, prisonerNumber: item 12, "my present address".
    ///   - date: item 13; left blank when `nil`.
    ///   - languages: the label languages, side by side; ``languages(for:)`` when `nil`.
    public func html(
        for person: Person,
        takenPrisonerOn: PartialDate? = nil,
        takenPrisonerAt: String? = nil,
        comingFrom: String? = nil,
        health: Set<CaptureCardHealth> = [],
        camp: String? = nil,
        prisonerNumber: String? = nil,
        date: PartialDate? = nil,
        languages: [CardLanguage]? = nil
    ) -> String {
        let languages = languages.flatMap { $0.isEmpty ? nil : $0 } ?? self.languages(for: person)
        let page = Page(languages: languages, nameLanguage: person.identity.name.language)
        let identity = person.identity
        let name = identity.name

        // The date, then the place, each with room to write by hand when unknown.
        let capture =
            "<span class=\"fill\">\(escaped(takenPrisonerOn?.description))</span> "
            + "\(page.label(.placeOfCapture)): <span class=\"fill\">\(escaped(takenPrisonerAt))</span>"
        let family = [identity.nextOfKin?.name.exportNonBlank, identity.nextOfKin?.address.exportNonBlank]
            .compactMap { $0 }.joined(separator: ", ")

        var html = """
            <!DOCTYPE html>
            <html lang="\(languages[0].rawValue)">
            <head>
            <meta charset="utf-8">
            <title>\(page.plain(.title)) — \(ExportMarkup.escape(name.fullName))</title>
            <style>\(Self.style)</style>
            </head>
            <body>

            """
        // The front: the address side of the post card.
        html += """
            <section class="side front">
            <div class="mail">
            <p class="caps">\(page.label(.prisonerOfWarMail))</p>
            <p>\(page.label(.exemptFromPostage))</p>
            <p class="caps">\(page.label(.postCard))</p>
            <p class="title">\(page.label(.title))</p>
            </div>
            <div class="important"><p><strong>\(page.label(.important)):</strong></p>\(page.paragraphs(.importantText))</div>
            <address class="agency">
            <span class="caps">\(page.label(.agency))</span><br>
            \(page.label(.committee))<br>
            <span class="caps">\(page.label(.geneva))</span>
            </address>
            </section>

            """
        // The reverse: the prisoner's particulars.
        html += """
            <section class="side reverse">
            <p class="note">\(page.label(.writeLegibly))</p>
            <table>
            \(page.row(1, .dependentPower, value: escaped(identity.dependentPower)))
            \(page.row(2, .name, value: page.nameValue(name.surname)))
            \(page.row(3, .firstNames, value: page.nameValue(Self.firstNames(name))))
            \(page.row(4, .fatherFirstName, value: page.nameValue(identity.fatherFirstName)))
            \(page.row(5, .dateOfBirth, value: escaped(identity.dateOfBirth?.description)))
            \(page.row(6, .placeOfBirth, value: escaped(identity.placeOfBirth)))
            \(page.row(7, .rank, value: escaped(identity.rank)))
            \(page.row(8, .serviceNumber, value: escaped(identity.serviceNumber)))
            \(page.row(9, .familyAddress, value: escaped(family)))
            \(page.row(10, .takenPrisonerOn, value: capture, marked: true))
            \(page.row(nil, .comingFrom, value: escaped(comingFrom), writeIn: true))
            \(page.healthRow(health))
            \(page.presentAddressRow(prisonerNumber: prisonerNumber, camp: camp))
            \(page.row(13, .date, value: escaped(date?.description), writeIn: true))
            \(page.row(14, .signature, value: "", writeIn: true))
            </table>
            <p class="note">* \(page.label(.strikeOut))</p>
            </section>
            </body>
            </html>

            """
        return html
    }

    /// Given names and, where the naming custom has one, the patronymic: the names in full as the
    /// prisoner would write them.
    static func firstNames(_ name: PersonName) -> String? {
        [name.givenNames, name.patronymic].compactMap(\.exportNonBlank).joined(separator: " ").exportNonBlank
    }

    private func escaped(_ value: String?) -> String {
        value.exportNonBlank.map(ExportMarkup.escape) ?? ""
    }

    static let style = """

        @page { size: A5 landscape; margin: 8mm; }
        html, body { background: #fff; color: #000; }
        body { margin: 0; font-family: "DejaVu Serif", "Times New Roman", serif; font-size: 8.5pt; line-height: 1.25; }
        .side { box-sizing: border-box; width: 194mm; min-height: 132mm; padding: 5mm 6mm; border: 0.3mm solid #000;
          page-break-after: always; break-after: page; position: relative; }
        .side:last-child { page-break-after: auto; break-after: auto; }
        .lang + .lang::before { content: " / "; font-style: normal; }
        .lang + .lang { font-style: italic; }
        .caps { text-transform: uppercase; letter-spacing: 0.05em; }
        .front .mail { width: 45%; }
        .front .mail p { margin: 0 0 1.5mm; }
        .front .title { font-weight: bold; margin-top: 3mm; }
        .front .important { width: 45%; font-size: 7.5pt; margin-top: 4mm; }
        .front .important p { margin: 0 0 1mm; }
        .front .agency { position: absolute; right: 8mm; bottom: 14mm; width: 46%; font-style: normal;
          font-size: 10pt; border-left: 0.3mm solid #000; padding-left: 4mm; }
        .reverse table { width: 100%; border-collapse: collapse; }
        .reverse { font-size: 8pt; }
        .reverse td { border-bottom: 0.2mm solid #000; padding: 0.5mm 1mm; vertical-align: top; }
        .reverse td.number { width: 5mm; }
        .reverse td.label { width: 44%; }
        .reverse tr.write-in td { height: 6mm; }
        .reverse .note { margin: 0 0 1mm; font-size: 7.5pt; }
        .latin { font-size: 7pt; margin-left: 1.5mm; }
        .box { display: inline-block; width: 2.6mm; height: 2.6mm; border: 0.2mm solid #000; line-height: 2.6mm;
          text-align: center; font-size: 7pt; margin-right: 0.8mm; vertical-align: middle; }
        .health { display: inline-block; margin-right: 2.5mm; }
        .struck { text-decoration: line-through; }
        .chosen { font-weight: bold; }
        .fill { display: inline-block; min-width: 30mm; margin-right: 3mm; }

        """
}

/// Renders labels and values for one card.
private struct Page {
    let languages: [CardLanguage]
    let nameLanguage: NameLanguage

    /// The label in every language, side by side, each marked with its `lang`.
    func label(_ label: CaptureCardLabel) -> String {
        languages.map { "<span class=\"lang\" lang=\"\($0.rawValue)\">\(ExportMarkup.escape(label.text(in: $0)))</span>" }
            .joined()
    }

    /// The label as plain text, for the title bar.
    func plain(_ label: CaptureCardLabel) -> String {
        ExportMarkup.escape(languages.map { label.text(in: $0) }.joined(separator: " / "))
    }

    func paragraphs(_ label: CaptureCardLabel) -> String {
        languages.map { "<p lang=\"\($0.rawValue)\">\(ExportMarkup.escape(label.text(in: $0)))</p>" }.joined()
    }

    /// A name as written, then its romanisation in small print when it differs.
    func nameValue(_ value: String?) -> String {
        guard let value = value.exportNonBlank else { return "" }
        let latin = Transliteration.latin(value, from: nameLanguage)
        var html = ExportMarkup.escape(value)
        if latin != value { html += "<small class=\"latin\" lang=\"en\">(\(ExportMarkup.escape(latin)))</small>" }
        return html
    }

    /// One item; `writeIn` leaves room to write by hand.
    func row(_ number: Int?, _ label: CaptureCardLabel, value: String, marked: Bool = false, writeIn: Bool = false)
        -> String
    {
        let number = number.map { "\($0)." } ?? ""
        return
            "<tr\(writeIn ? " class=\"write-in\"" : "")><td class=\"number\">\(number)</td><td class=\"label\">\(marked ? "* " : "")\(self.label(label)):</td>"
            + "<td class=\"value\">\(value)</td></tr>"
    }

    /// Item 11: every state with a box; the chosen ones marked, the rest struck out once a choice is made.
    func healthRow(_ chosen: Set<CaptureCardHealth>) -> String {
        let letters = ["a", "b", "c", "d", "e", "f", "g"]
        let states = zip(letters, CaptureCardHealth.allCases).map { letter, state in
            let isChosen = chosen.contains(state)
            let style = isChosen ? "health chosen" : chosen.isEmpty ? "health" : "health struck"
            return "<span class=\"\(style)\" data-health=\"\(state.rawValue)\">(\(letter))&#160;"
                + "<span class=\"box\">\(isChosen ? "X" : "&#160;")</span>\(label(state.label))</span>"
        }
        return "<tr><td class=\"number\">11.</td><td class=\"label\">* \(label(.health)):</td>"
            + "<td class=\"value\">\(states.joined(separator: " "))</td></tr>"
    }

    /// Item 12: the prisoner number and the name of the camp.
    func presentAddressRow(prisonerNumber: String?, camp: String?) -> String {
        let number = prisonerNumber.exportNonBlank.map(ExportMarkup.escape) ?? ""
        let camp = camp.exportNonBlank.map(ExportMarkup.escape) ?? ""
        return "<tr><td class=\"number\">12.</td><td class=\"label\">\(label(.presentAddress)):</td>"
            + "<td class=\"value\">\(label(.prisonerNumber)): \(number)<br>\(label(.campName)): \(camp)</td></tr>"
    }
}
