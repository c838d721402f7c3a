import Foundation
import HomewardCore
import Testing

@Suite("PersonName")
struct PersonNameTests {
    @Test("a Ukrainian name is romanised by the national system")
    func ukrainianLatin() {
        let name = PersonName(
            surname: "Петренко", givenNames: "Олександр", patronymic: "Миколайович", language: .ukrainian)
        let latin = name.latin
        #expect(latin.surname == "Petrenko")
        #expect(latin.givenNames == "Oleksandr")
        #expect(latin.patronymic == "Mykolaiovych")
        #expect(latin.language == .latin)
        #expect(latin.fullName == "Petrenko Oleksandr Mykolaiovych")
    }

    @Test("a Russian name is romanised by ICAO Doc 9303")
    func russianLatin() {
        let name = PersonName(
            surname: "Петренко", givenNames: "Александр", patronymic: "Николаевич", language: .russian)
        #expect(name.latin.fullName == "Petrenko Aleksandr Nikolaevich")
        #expect(name.latin.language == .latin)
    }

    @Test("the same letters give a different Latin form in the other language")
    func languageDecidesLatin() {
        let ukrainian = PersonName(surname: "Гриценко", givenNames: "Георгій", language: .ukrainian)
        let russian = PersonName(surname: "Гриценко", givenNames: "Георгий", language: .russian)
        #expect(ukrainian.latin.fullName == "Hrytsenko Heorhii")
        #expect(russian.latin.fullName == "Gritsenko Georgii")
    }

    @Test("a name already in Latin script is kept as written")
    func latinKept() {
        let name = PersonName(surname: "O'Brien", givenNames: "Seán", language: .latin)
        #expect(name.latin == name)
    }

    @Test("absent parts stay absent in the Latin form")
    func absentPartsStayAbsent() {
        let latin = PersonName(surname: "Шевчук", language: .ukrainian).latin
        #expect(latin.surname == "Shevchuk")
        #expect(latin.givenNames == nil)
        #expect(latin.patronymic == nil)
    }

    @Test("full name is surname first and skips missing or empty parts")
    func fullName() {
        #expect(
            PersonName(surname: "Петренко", givenNames: "Іван", patronymic: "Миколайович", language: .ukrainian)
                .fullName == "Петренко Іван Миколайович"
        )
        #expect(PersonName(surname: "Петренко", language: .ukrainian).fullName == "Петренко")
        #expect(
            PersonName(surname: "Петренко", givenNames: "", patronymic: "Миколайович", language: .ukrainian).fullName
                == "Петренко Миколайович"
        )
        #expect(
            PersonName(surname: "Петренко", givenNames: nil, patronymic: "Миколайович", language: .ukrainian)
                .fullName == "Петренко Миколайович")
    }

    @Test("the language is recognised from letters in any part of the name")
    func detectionFromAnyPart() {
        let sharedLettersOnly = PersonName(
            surname: "Петренко", givenNames: "Олександр", patronymic: "Миколайович",
            detectingLanguageWithFallback: .russian
        )
        #expect(sharedLettersOnly.language == .russian)

        let byGivenName = PersonName(surname: "Петренко", givenNames: "Іван", detectingLanguageWithFallback: .russian)
        #expect(byGivenName.language == .ukrainian)

        let byPatronymic = PersonName(
            surname: "Петренко", givenNames: "Эдуард", patronymic: "Николаевич",
            detectingLanguageWithFallback: .ukrainian
        )
        #expect(byPatronymic.language == .russian)
    }

    @Test("shared letters take the fallback, which decides the romanisation")
    func detectionFallbackDecidesLatin() {
        let asUkrainian = PersonName(
            surname: "Петренко", givenNames: "Николай", detectingLanguageWithFallback: .ukrainian
        )
        let asRussian = PersonName(surname: "Петренко", givenNames: "Николай", detectingLanguageWithFallback: .russian)
        #expect(asUkrainian.language == .ukrainian)
        #expect(asRussian.language == .russian)
        #expect(asUkrainian.latin.givenNames == "Nykolai")
        #expect(asRussian.latin.givenNames == "Nikolai")
    }

    @Test("a Latin name is recognised as Latin whatever the fallback", arguments: NameLanguage.allCases)
    func detectsLatin(fallback: NameLanguage) {
        let name = PersonName(surname: "Smith", givenNames: "John", detectingLanguageWithFallback: fallback)
        #expect(name.language == .latin)
        #expect(name.latin.fullName == "Smith John")
    }

    @Test("Cyrillic is not taken for Latin when Latin is the fallback")
    func cyrillicWithLatinFallback() {
        let name = PersonName(surname: "Петренко", detectingLanguageWithFallback: .latin)
        #expect(name.language == .ukrainian)
        #expect(name.latin.surname == "Petrenko")
    }

    @Test("encodes the language by its code")
    func codable() throws {
        let name = PersonName(surname: "Петренко", givenNames: "Іван", language: .ukrainian)
        let json = try JSONEncoder().encode(name)
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        #expect(object?["language"] as? String == "uk")
        #expect(try JSONDecoder().decode(PersonName.self, from: json) == name)
    }
}
