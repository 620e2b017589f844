/// Words that cannot name a table or an attribute unless double-quoted.
enum ReservedWords {
    static func contains(_ word: String) -> Bool {
        words.contains(word.uppercased())
    }

    private static let words: Set<String> = [
        "ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "DELETE", "DESC", "DISTINCT", "EXISTS", "FALSE", "FROM", "IN", "INSERT",
        "INTO", "IS", "MISSING", "NOT", "NULL", "OR", "ORDER", "REMOVE", "RETURNING", "SELECT", "SET", "TRUE", "UPDATE",
        "VALUE", "VALUES", "WHERE",
    ]
}
