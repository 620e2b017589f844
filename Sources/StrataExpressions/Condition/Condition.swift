import StrataModel

/// A resolved condition, ready to evaluate against items.
indirect enum Condition: Sendable {
    case comparison(Comparator, Operand, Operand)
    case between(Operand, lower: Operand, upper: Operand)
    case `in`(Operand, [Operand])
    case exists(DocumentPath)
    case notExists(DocumentPath)
    case hasType(Operand, typeName: String)
    case beginsWith(Operand, Operand)
    case contains(Operand, Operand)
    /// The legacy NOT_CONTAINS, which unlike `NOT contains(...)` is false
    /// when the attribute is missing.
    case notContains(Operand, Operand)
    case and([Condition])
    case or([Condition])
    case not(Condition)
}
