import StrataModel

extension Operand {
    /// The operand's value for `item`; nil when a path refers to nothing.
    /// Throws only for UpdateExpression's functions, whose operands must exist
    /// and have the right type.
    func evaluate(in item: Item?) throws(DynamoError) -> AttributeValue? {
        switch self {
        case .path(let path):
            return path.value(in: item)
        case .constant(let value):
            return value
        case .size(let operand):
            return try operand.evaluate(in: item)?.sizeForFunction.map { .n(DynamoNumber($0)) }
        case .ifNotExists(let path, let fallback):
            if let value = path.value(in: item) { return value }
            return try fallback.evaluate(in: item)
        case .listAppend(let first, let second):
            guard case .l(let head) = try first.required(in: item),
                  case .l(let tail) = try second.required(in: item)
            else { throw ExpressionError.incorrectDataType }
            return .l(head + tail)
        case .arithmetic(let operation, let left, let right):
            guard case .n(let a) = try left.required(in: item),
                  case .n(let b) = try right.required(in: item)
            else { throw ExpressionError.incorrectDataType }
            do throws(DynamoNumber.ParseError) {
                return .n(operation == .plus ? try a.adding(b) : try a.subtracting(b))
            } catch let failure {
                throw DynamoError.validation(failure.message(input: ""))
            }
        }
    }

    /// The value, which an update needs to exist.
    func required(in item: Item?) throws(DynamoError) -> AttributeValue {
        guard let value = try evaluate(in: item) else { throw ExpressionError.missingAttribute }
        return value
    }

    /// The value as a condition sees it: a failure to compute is no value.
    func value(in item: Item?) -> AttributeValue? {
        (try? evaluate(in: item)) ?? nil
    }
}
