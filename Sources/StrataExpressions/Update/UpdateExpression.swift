import StrataModel

/// An UpdateExpression (or the legacy AttributeUpdates) resolved against a
/// request: SET, REMOVE, ADD and DELETE actions on document paths that
/// neither overlap nor conflict.
public struct UpdateExpression: Sendable {
    let actions: [UpdateAction]
    let dialect: UpdateDialect

    init(actions: [UpdateAction], dialect: UpdateDialect) {
        self.actions = actions
        self.dialect = dialect
    }

    public static func parse(
        _ text: String,
        context: ExpressionContext,
        cache: ExpressionCache? = nil
    ) throws(DynamoError) -> UpdateExpression {
        let syntax = try cache.syntax(for: .update(text)) { () throws(DynamoError) in
            try Parser.parseUpdate(text)
        }
        let resolver = Resolver(context: context, kind: .update)
        var actions: [UpdateAction] = []
        actions.reserveCapacity(syntax.count)
        for action in syntax { actions.append(try resolver.action(action)) }
        try DocumentPath.checkDisjoint(actions.map(\.path), kind: .update)
        return UpdateExpression(actions: actions, dialect: .expression)
    }

    /// Every path the update writes or removes, in the order written.
    public var updatedPaths: [DocumentPath] { actions.map(\.path) }

    /// The top-level attributes the update touches; the handler refuses
    /// key attributes among them.
    public var updatedAttributeNames: Set<String> { Set(actions.map(\.path.attributeName)) }

    /// Whether applying the update to no item at all would create one. An
    /// update that only removes or deletes from a missing item does not,
    /// while an empty update does (it creates the bare key).
    public var createsMissingItem: Bool {
        actions.isEmpty || actions.contains { action in
            switch action {
            case .set, .add: true
            case .remove, .delete: false
            }
        }
    }

    /// The parts of `item` at the updated paths: ReturnValues UPDATED_OLD
    /// (from the old item) and UPDATED_NEW (from the new one).
    public func updatedAttributes(of item: Item) -> Item {
        ProjectionTree(updatedPaths).project(item)
    }
}

extension Resolver {
    func action(_ syntax: UpdateActionSyntax) throws(DynamoError) -> UpdateAction {
        switch syntax {
        case .set(let path, let value):
            return .set(try self.path(path), try operand(value))
        case .remove(let path):
            return .remove(try self.path(path))
        case .add(let path, let reference):
            let resolvedPath = try self.path(path)
            let value = try value(reference)
            switch value {
            case .n, .ss, .ns, .bs: break
            default: throw ExpressionError.actionOperandType(action: "ADD", value: value)
            }
            return .add(resolvedPath, value)
        case .delete(let path, let reference):
            let resolvedPath = try self.path(path)
            let value = try value(reference)
            switch value {
            case .ss, .ns, .bs: break
            default: throw ExpressionError.actionOperandType(action: "DELETE", value: value)
            }
            return .delete(resolvedPath, value)
        }
    }
}
