import StrataModel

extension Parser {
    mutating func statement() throws(DynamoError) -> StatementSyntax {
        if accept("SELECT") { return .select(try select()) }
        if accept("INSERT") { return .insert(try insert()) }
        if accept("UPDATE") { return .update(try update()) }
        if accept("DELETE") { return .delete(try delete()) }
        if accept("EXISTS") {
            try expect(.leftParen)
            try expectKeyword("SELECT")
            let select = try select()
            try expect(.rightParen)
            return .exists(select)
        }
        throw current.kind == .invalid || current.kind == .end ? unexpected() : PartiQLError.notAStatement
    }

    /// After SELECT: `* | path, ... FROM table[.index] [WHERE ...] [ORDER BY ...]`.
    private mutating func select() throws(DynamoError) -> SelectSyntax {
        var projection: [PathSyntax]?
        if current.kind == .star {
            advance()
        } else {
            var paths = [try path()]
            while current.kind == .comma {
                advance()
                paths.append(try path())
            }
            projection = paths
        }
        try expectKeyword("FROM")
        let tableName = try name()
        var indexName: String?
        if current.kind == .dot {
            advance()
            indexName = try name()
        }
        let condition = accept("WHERE") ? try expression() : nil
        var orderBy: [OrderingSyntax] = []
        if accept("ORDER") {
            try expectKeyword("BY")
            repeat {
                if !orderBy.isEmpty { advance() }
                let path = try path()
                let descending = accept("DESC")
                if !descending { _ = accept("ASC") }
                orderBy.append(OrderingSyntax(path: path, descending: descending))
            } while current.kind == .comma
        }
        return SelectSyntax(projection: projection, tableName: tableName, indexName: indexName, condition: condition, orderBy: orderBy)
    }

    /// After INSERT: `INTO table VALUE {...}`.
    private mutating func insert() throws(DynamoError) -> InsertSyntax {
        try expectKeyword("INTO")
        let tableName = try name()
        if current.kind == .dot {
            throw .validation("FROM clause may only contain a single table name in data manipulation statements")
        }
        try expectKeyword("VALUE")
        return InsertSyntax(tableName: tableName, value: try expression())
    }

    /// After UPDATE: `table SET a = 1, b = 2 REMOVE c ... [WHERE ...] [RETURNING ...]`.
    private mutating func update() throws(DynamoError) -> UpdateSyntax {
        let tableName = try writtenTable()
        var actions: [UpdateSyntax.Action] = []
        while true {
            if accept("SET") {
                repeat {
                    if current.kind == .comma { advance() }
                    let target = try path()
                    try expect(.equal)
                    actions.append(.set(target, try expression()))
                } while current.kind == .comma
            } else if accept("REMOVE") {
                repeat {
                    if current.kind == .comma { advance() }
                    actions.append(.remove(try path()))
                } while current.kind == .comma
            } else {
                break
            }
        }
        if actions.isEmpty { throw unexpected() }
        let condition = accept("WHERE") ? try expression() : nil
        return UpdateSyntax(tableName: tableName, actions: actions, condition: condition, returning: try returning())
    }

    /// After DELETE: `FROM table [WHERE ...] [RETURNING ALL OLD *]`.
    private mutating func delete() throws(DynamoError) -> DeleteSyntax {
        try expectKeyword("FROM")
        let tableName = try writtenTable()
        let condition = accept("WHERE") ? try expression() : nil
        return DeleteSyntax(tableName: tableName, condition: condition, returning: try returning())
    }

    /// `RETURNING (ALL | MODIFIED) (OLD | NEW) *`, if present.
    private mutating func returning() throws(DynamoError) -> Returning? {
        guard accept("RETURNING") else { return nil }
        let all: Bool
        if accept("ALL") {
            all = true
        } else if accept("MODIFIED") {
            all = false
        } else {
            throw unexpected()
        }
        let old: Bool
        if accept("OLD") {
            old = true
        } else if accept("NEW") {
            old = false
        } else {
            throw unexpected()
        }
        try expect(.star)
        switch (all, old) {
        case (true, true): return .allOld
        case (false, true): return .modifiedOld
        case (true, false): return .allNew
        case (false, false): return .modifiedNew
        }
    }

    /// The table an UPDATE or DELETE writes: never an index.
    private mutating func writtenTable() throws(DynamoError) -> String {
        let tableName = try name()
        if current.kind == .dot { throw .validation("This operation is not supported on an index") }
        return tableName
    }

    /// A table or index name: a double-quoted name, or a word that is not reserved.
    mutating func name() throws(DynamoError) -> String {
        switch current.kind {
        case .quotedName:
            return advance().text
        case .word where !ReservedWords.contains(current.text):
            return advance().text
        default:
            throw unexpected()
        }
    }
}
