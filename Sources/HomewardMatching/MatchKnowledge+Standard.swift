extension MatchKnowledge {
    /// The knowledge shipped with Homeward, built from the name tables in `Knowledge/`.
    public static let standard = MatchKnowledge(NameKnowledge.standard)

    /// Alias groups from the tables, one hop each: a Ukrainian name with its Russian form, and
    /// the diminutives of either; a patronymic with its other-language form; a place with its
    /// former names and other-language forms.
    public init(_ knowledge: NameKnowledge) {
        var givenGroups: [[String]] = []
        var groupsOfName: [String: [Int]] = [:]
        for name in knowledge.givenNames {
            groupsOfName[NameKnowledge.lookupKey(name.ukrainian), default: []].append(givenGroups.count)
            groupsOfName[NameKnowledge.lookupKey(name.russian), default: []].append(givenGroups.count)
            givenGroups.append([name.ukrainian, name.russian])
        }
        for diminutive in knowledge.diminutives {
            for group in groupsOfName[NameKnowledge.lookupKey(diminutive.fullName)] ?? [] {
                givenGroups[group].append(diminutive.diminutive)
            }
        }
        let patronymicGroups = knowledge.patronymics.map { [$0.ukrainian, $0.russian] }
        let placeGroups = Dictionary(grouping: knowledge.places, by: \.current).map { current, forms in
            [current] + forms.map(\.form)
        }
        self.init(
            givenNames: AliasIndex(groups: givenGroups),
            patronymics: AliasIndex(groups: patronymicGroups),
            places: AliasIndex(groups: placeGroups.sorted { $0[0] < $1[0] })
        )
    }
}
