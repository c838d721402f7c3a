import Foundation
import HomewardCore
import HomewardInterop
import Testing

@Suite("Capture card")
struct CaptureCardTests {
    let card = CaptureCard()

    @Test("labels are printed in the prisoner's language and ours; English when they are the same")
    func languages() {
        #expect(card.languages(for: ExportSamples.smirnov) == [.russian, .ukrainian])
        #expect(card.languages(for: ExportSamples.shevchenko) == [.ukrainian, .english])
        #expect(card.languages(for: ExportSamples.hostile) == [.english, .ukrainian])
        #expect(CaptureCard(ourLanguage: .english).languages(for: ExportSamples.hostile) == [.english, .ukrainian])
    }

    @Test("every item of Annex IV B is labelled in both languages", arguments: [CardLanguage.russian, .english])
    func everyLabel(theirs: CardLanguage) {
        let html = card.html(for: ExportSamples.smirnov, languages: [theirs, .ukrainian])
        for label in CaptureCardLabel.allCases {
            #expect(html.contains(label.text(in: theirs)), "\(label) in \(theirs)")
            #expect(html.contains(label.text(in: .ukrainian)), "\(label) in uk")
        }
        #expect(html.contains("<span class=\"lang\" lang=\"\(theirs.rawValue)\">"))
    }

    @Test("the labels are translated, not copied")
    func labelTables() {
        for label in CaptureCardLabel.allCases {
            #expect(!label.text(in: .english).isEmpty)
            #expect(label.text(in: .russian) != label.text(in: .english), "\(label)")
            #expect(label.text(in: .ukrainian) != label.text(in: .english), "\(label)")
        }
        #expect(CaptureCardLabel.name.text(in: .russian) == "Фамилия")
        #expect(CaptureCardLabel.name.text(in: .ukrainian) == "Прізвище")
    }

    @Test("the prisoner's particulars as written, with names romanised in small print")
    func values() {
        let html = card.html(
            for: ExportSamples.smirnov,
            takenPrisonerOn: ExportSamples.day("2022-03-14"),
            takenPrisonerAt: "Маріуполь",
            health: [.goodHealth, .notWounded],
            camp: "Табір № 1",
            prisonerNumber: "UA-0001",
            date: ExportSamples.day("2022-03-20")
        )
        #expect(html.contains("Смирнов<small class=\"latin\" lang=\"en\">(Smirnov)</small>"))
        #expect(html.contains("Алексей Петрович<small class=\"latin\" lang=\"en\">(Aleksei Petrovich)</small>"))
        #expect(html.contains("Пётр<small class=\"latin\" lang=\"en\">(Petr)</small>"))
        for value in [
            "Російська Федерація", "1995-03-17", "Курск", "младший сержант", "АБ-123456",
            "Смирнова Ольга, Курск, ул. Ленина, 1", "2022-03-14", "Маріуполь", "UA-0001", "Табір № 1", "2022-03-20",
        ] {
            #expect(html.contains(value), "\(value)")
        }
        #expect(html.contains("<html lang=\"ru\">"))
    }

    @Test("the chosen states of health are marked, the others struck out")
    func health() {
        let html = card.html(for: ExportSamples.smirnov, health: [.slightlyWounded])
        #expect(
            html.contains("<span class=\"health chosen\" data-health=\"slightly-wounded\">(f)&#160;<span class=\"box\">X</span>"))
        #expect(
            html.contains("<span class=\"health struck\" data-health=\"good-health\">(a)&#160;<span class=\"box\">&#160;</span>"))
        let blank = card.html(for: ExportSamples.smirnov)
        #expect(blank.components(separatedBy: "<span class=\"health\" ").count - 1 == CaptureCardHealth.allCases.count)
        #expect(!blank.contains("class=\"box\">X<"))
    }

    @Test("the front carries the Agency's address")
    func front() {
        let html = card.html(for: ExportSamples.shevchenko)
        for label in [CaptureCardLabel.agency, .committee, .geneva] {
            #expect(html.contains(label.text(in: .english)))
            #expect(html.contains(label.text(in: .ukrainian)))
        }
        #expect(html.contains("<address class=\"agency\">"))
    }

    @Test("a print page: self-contained, sized, black on white, without scripts")
    func printable() {
        let html = card.html(for: ExportSamples.smirnov)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("@page { size: A5 landscape;"))
        #expect(html.contains("color: #000"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
        #expect(!html.contains("url("))
    }

    @Test("a name written as markup is printed as text")
    func escaping() {
        let person = ExportSamples.person(
            9,
            PersonName(surname: "<script>alert(1)</script>", givenNames: "\"><img src=x onerror=alert(1)>", language: .latin)
        ) { identity in
            identity.placeOfBirth = "A & B"
            identity.nextOfKin = NextOfKin(name: "O'Hara", address: "<b>")
        }
        let html = card.html(for: person, takenPrisonerAt: "</td>", camp: "<i>", prisonerNumber: "&lt;")
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("A &amp; B"))
        #expect(html.contains("O&#39;Hara, &lt;b&gt;"))
        #expect(html.contains("&lt;/td&gt;"))
        #expect(html.contains("&lt;i&gt;"))
        #expect(html.contains("&amp;lt;"))
    }
}
