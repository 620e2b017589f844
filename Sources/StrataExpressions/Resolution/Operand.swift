import StrataModel

/// A resolved operand: placeholders substituted, function calls checked.
indirect enum Operand: Sendable {
    case path(DocumentPath)
    case constant(AttributeValue)
    case size(Operand)
    case ifNotExists(DocumentPath, Operand)
    case listAppend(Operand, Operand)
    case arithmetic(ArithmeticOperator, Operand, Operand)

    /// The type the operand has whatever the item holds, if that is known
    /// before evaluation. DynamoDB rejects a request whose own values have
    /// the wrong type, while a wrong type in the item only fails a condition.
    var staticType: String? {
        switch self {
        case .constant(let value): value.typeName
        case .size, .arithmetic: "N"
        case .listAppend: "L"
        case .path, .ifNotExists: nil
        }
    }

    var path: DocumentPath? {
        if case .path(let path) = self { path } else { nil }
    }
}
