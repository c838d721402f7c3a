import Foundation
import HomewardCore
import HomewardStore
import HomewardTestSupport

extension HomewardDatabase {
    func testRegister(actor: String = "test:registrar") -> Register {
        register(actor: actor, clock: { testNow })
    }
}

func petrenko(affiliation: Affiliation = .own) -> PersonDraft {
    PersonDraft(
        affiliation: affiliation,
        category: .servicemember,
        identity: PersonIdentity(
            name: PersonName(surname: "Петренко", givenNames: "Олександр", patronymic: "Миколайович", language: .ukrainian),
            sex: .male,
            dateOfBirth: PartialDate("1987-05-04"),
            placeOfBirth: "Київ",
            rank: "сержант",
            serviceNumber: "АА123456",
            unit: "А1556",
            nextOfKin: NextOfKin(name: "Петренко Ганна", relationship: "мати", address: "Київ, вул. Соборна, 3")
        )
    )
}

func event(_ kind: EventKind, _ date: String?, _ credibility: Credibility = .probablyTrue, supersedes: UUID? = nil) -> EventDraft
{
    EventDraft(kind: kind, date: date.flatMap(PartialDate.init), credibility: credibility, supersedes: supersedes)
}

func relativesSource(_ register: Register) async throws -> Source {
    try await register.createSource(SourceDraft(kind: .relativeApplication, title: "Заява матері", reliability: .usuallyReliable))
}
