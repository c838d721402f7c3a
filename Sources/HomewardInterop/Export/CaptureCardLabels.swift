import HomewardCore

/// A language the capture card can be printed in.
public enum CardLanguage: String, Sendable, Hashable, CaseIterable {
    case ukrainian = "uk"
    case russian = "ru"
    case english = "en"

    /// The language a person whose name is written in `language` reads: Latin-script names get English.
    public init(_ language: NameLanguage) {
        switch language {
        case .ukrainian: self = .ukrainian
        case .russian: self = .russian
        case .latin: self = .english
        }
    }
}

/// Every piece of text printed on the capture card (GC III Annex IV B), in the three languages.
///
/// The English wording is that of the Convention's model card. The Russian and Ukrainian
/// wordings follow the official texts of the Convention in those languages where they name the
/// item, and otherwise say the same plainly.
public enum CaptureCardLabel: String, Sendable, Hashable, CaseIterable {
    // The front.
    case title
    case prisonerOfWarMail
    case exemptFromPostage
    case postCard
    case important
    case importantText
    case agency
    case committee
    case geneva
    // The reverse.
    case writeLegibly
    case dependentPower
    case name
    case firstNames
    case fatherFirstName
    case dateOfBirth
    case placeOfBirth
    case rank
    case serviceNumber
    case familyAddress
    case takenPrisonerOn
    case placeOfCapture
    case comingFrom
    case health
    case goodHealth
    case notWounded
    case recovered
    case convalescent
    case sick
    case slightlyWounded
    case seriouslyWounded
    case presentAddress
    case prisonerNumber
    case campName
    case date
    case signature
    case strikeOut

    public func text(in language: CardLanguage) -> String {
        switch language {
        case .english: english
        case .russian: russian
        case .ukrainian: ukrainian
        }
    }

    private var english: String {
        switch self {
        case .title: "Capture card for prisoner of war"
        case .prisonerOfWarMail: "Prisoner of war mail"
        case .exemptFromPostage: "Exempt from postage"
        case .postCard: "Post card"
        case .important: "Important"
        case .importantText:
            "This card must be completed by each prisoner immediately after being taken prisoner and each time"
                + " his address is changed (by reason of transfer to a hospital or to another camp). This card is"
                + " distinct from the special card which each prisoner is allowed to send to his relatives."
        case .agency: "Central Prisoners of War Agency"
        case .committee: "International Committee of the Red Cross"
        case .geneva: "Geneva, Switzerland"
        case .writeLegibly: "Write legibly and in block letters"
        case .dependentPower: "Power on which the prisoner depends"
        case .name: "Name"
        case .firstNames: "First names (in full)"
        case .fatherFirstName: "First name of father"
        case .dateOfBirth: "Date of birth"
        case .placeOfBirth: "Place of birth"
        case .rank: "Rank"
        case .serviceNumber: "Service number"
        case .familyAddress: "Address of family"
        case .takenPrisonerOn: "Taken prisoner on"
        case .placeOfCapture: "Place"
        case .comingFrom: "(or) Coming from (Camp No., hospital, etc.)"
        case .health: "State of health"
        case .goodHealth: "Good health"
        case .notWounded: "Not wounded"
        case .recovered: "Recovered"
        case .convalescent: "Convalescent"
        case .sick: "Sick"
        case .slightlyWounded: "Slightly wounded"
        case .seriouslyWounded: "Seriously wounded"
        case .presentAddress: "My present address"
        case .prisonerNumber: "Prisoner No."
        case .campName: "Name of camp"
        case .date: "Date"
        case .signature: "Signature"
        case .strikeOut: "Strike out what is not applicable. Do not add any remarks."
        }
    }

    private var russian: String {
        switch self {
        case .title: "Карточка о взятии в плен"
        case .prisonerOfWarMail: "Почта военнопленных"
        case .exemptFromPostage: "Освобождено от почтовых сборов"
        case .postCard: "Почтовая карточка"
        case .important: "Важно"
        case .importantText:
            "Эта карточка должна быть заполнена каждым военнопленным немедленно после взятия в плен и каждый раз"
                + " при изменении его адреса (в случае перевода в госпиталь или в другой лагерь). Эта карточка"
                + " не заменяет особой карточки, которую каждый военнопленный имеет право послать своим родственникам."
        case .agency: "Центральное агентство по делам военнопленных"
        case .committee: "Международный Комитет Красного Креста"
        case .geneva: "Женева, Швейцария"
        case .writeLegibly: "Пишите разборчиво, печатными буквами"
        case .dependentPower: "Держава, от которой зависит военнопленный"
        case .name: "Фамилия"
        case .firstNames: "Имена (полностью)"
        case .fatherFirstName: "Имя отца"
        case .dateOfBirth: "Дата рождения"
        case .placeOfBirth: "Место рождения"
        case .rank: "Воинское звание"
        case .serviceNumber: "Личный номер"
        case .familyAddress: "Адрес семьи"
        case .takenPrisonerOn: "Взят в плен (дата)"
        case .placeOfCapture: "Место"
        case .comingFrom: "(или) Прибыл из (лагерь №, госпиталь и т. д.)"
        case .health: "Состояние здоровья"
        case .goodHealth: "Здоров"
        case .notWounded: "Не ранен"
        case .recovered: "Выздоровел"
        case .convalescent: "Выздоравливающий"
        case .sick: "Болен"
        case .slightlyWounded: "Легко ранен"
        case .seriouslyWounded: "Тяжело ранен"
        case .presentAddress: "Мой нынешний адрес"
        case .prisonerNumber: "Номер военнопленного"
        case .campName: "Название лагеря"
        case .date: "Дата"
        case .signature: "Подпись"
        case .strikeOut: "Ненужное зачеркнуть. Никаких замечаний не добавлять."
        }
    }

    private var ukrainian: String {
        switch self {
        case .title: "Картка про взяття в полон"
        case .prisonerOfWarMail: "Пошта військовополонених"
        case .exemptFromPostage: "Звільнено від поштових зборів"
        case .postCard: "Поштова картка"
        case .important: "Важливо"
        case .importantText:
            "Цю картку кожен військовополонений має заповнити одразу після взяття в полон і щоразу, коли змінюється"
                + " його адреса (у разі переведення до шпиталю або до іншого табору). Ця картка не замінює особливої"
                + " картки, яку кожен військовополонений має право надіслати своїм родичам."
        case .agency: "Центральне агентство у справах військовополонених"
        case .committee: "Міжнародний Комітет Червоного Хреста"
        case .geneva: "Женева, Швейцарія"
        case .writeLegibly: "Пишіть розбірливо, друкованими літерами"
        case .dependentPower: "Держава, від якої залежить військовополонений"
        case .name: "Прізвище"
        case .firstNames: "Імена (повністю)"
        case .fatherFirstName: "Ім’я батька"
        case .dateOfBirth: "Дата народження"
        case .placeOfBirth: "Місце народження"
        case .rank: "Військове звання"
        case .serviceNumber: "Особистий номер"
        case .familyAddress: "Адреса родини"
        case .takenPrisonerOn: "Взятий у полон (дата)"
        case .placeOfCapture: "Місце"
        case .comingFrom: "(або) Прибув з (табір №, шпиталь тощо)"
        case .health: "Стан здоров’я"
        case .goodHealth: "Здоровий"
        case .notWounded: "Не поранений"
        case .recovered: "Одужав"
        case .convalescent: "Одужує"
        case .sick: "Хворий"
        case .slightlyWounded: "Легко поранений"
        case .seriouslyWounded: "Тяжко поранений"
        case .presentAddress: "Моя теперішня адреса"
        case .prisonerNumber: "Номер військовополоненого"
        case .campName: "Назва табору"
        case .date: "Дата"
        case .signature: "Підпис"
        case .strikeOut: "Непотрібне закреслити. Жодних приміток не додавати."
        }
    }
}
