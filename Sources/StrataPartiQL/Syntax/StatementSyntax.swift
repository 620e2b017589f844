/// A parsed statement, before its parameters are bound.
enum StatementSyntax: Sendable, Equatable {
    case select(SelectSyntax)
    case insert(InsertSyntax)
    case update(UpdateSyntax)
    case delete(DeleteSyntax)
    /// `EXISTS(SELECT ...)`: a condition check inside ExecuteTransaction.
    case exists(SelectSyntax)

    var tableName: String {
        switch self {
        case .select(let select), .exists(let select): select.tableName
        case .insert(let insert): insert.tableName
        case .update(let update): update.tableName
        case .delete(let delete): delete.tableName
        }
    }
}

struct SelectSyntax: Sendable, Equatable {
    /// nil: `*`.
    let projection: [PathSyntax]?
    let tableName: String
    let indexName: String?
    let condition: Expression?
    let orderBy: [OrderingSyntax]
}

struct OrderingSyntax: Sendable, Equatable {
    let path: PathSyntax
    let descending: Bool
}

struct InsertSyntax: Sendable, Equatable {
    let tableName: String
    let value: Expression
}

struct UpdateSyntax: Sendable, Equatable {
    enum Action: Sendable, Equatable {
        case set(PathSyntax, Expression)
        case remove(PathSyntax)
    }

    let tableName: String
    let actions: [Action]
    let condition: Expression?
    let returning: Returning?
}

struct DeleteSyntax: Sendable, Equatable {
    let tableName: String
    let condition: Expression?
    let returning: Returning?
}

/// `RETURNING ALL OLD *` and the like, as UpdateItem's ReturnValues.
enum Returning: String, Sendable, Equatable {
    case allOld = "ALL_OLD"
    case modifiedOld = "UPDATED_OLD"
    case allNew = "ALL_NEW"
    case modifiedNew = "UPDATED_NEW"

    /// As the statement wrote it, without the `*`: `ALL OLD`.
    var clause: String {
        switch self {
        case .allOld: "ALL OLD"
        case .modifiedOld: "MODIFIED OLD"
        case .allNew: "ALL NEW"
        case .modifiedNew: "MODIFIED NEW"
        }
    }
}
