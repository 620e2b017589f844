import StrataModel

/// The parameter a legacy condition map came from. Expected also allows
/// `Value` and `Exists`; QueryFilter and ScanFilter only the operator form.
public enum LegacyConditionParameter: Sendable {
    case expected
    case queryFilter
    case scanFilter
    case keyConditions

    /// The parameter's name in constraint messages (`queryFilter.a.member...`).
    var path: String {
        switch self {
        case .expected: "expected"
        case .queryFilter: "queryFilter"
        case .scanFilter: "scanFilter"
        case .keyConditions: "keyConditions"
        }
    }
}

extension ConditionExpression {
    /// Translates Expected, QueryFilter or ScanFilter (with the request's
    /// ConditionalOperator, "AND" when absent) into a condition.
    public static func legacy(
        _ json: JSONValue,
        conditionalOperator: String?,
        parameter: LegacyConditionParameter
    ) throws(DynamoError) -> ConditionExpression {
        let members = try LegacyJSON.members(json)
        if conditionalOperator != nil, members.isEmpty {
            throw LegacyJSON.invalidParameter("ConditionalOperator can only be used when the condition map has at least one entry")
        }
        var terms: [Condition] = []
        terms.reserveCapacity(members.count)
        for member in members {
            terms.append(try LegacyCondition(member.value, parameter: parameter).condition(for: member.key, parameter: parameter))
        }
        return ConditionExpression(conditionalOperator == "OR" ? .or(terms) : .and(terms))
    }
}

/// One attribute's entry in a legacy condition map.
private struct LegacyCondition {
    var value: AttributeValue?
    var exists: Bool?
    var comparisonOperator: String?
    var valueList: [AttributeValue]?

    init(_ json: JSONValue, parameter: LegacyConditionParameter) throws(DynamoError) {
        for member in try LegacyJSON.members(json) {
            switch member.key {
            case "Value" where parameter == .expected: value = try AttributeValue(json: member.value)
            case "Exists" where parameter == .expected: exists = try LegacyJSON.bool(member.value)
            case "ComparisonOperator": comparisonOperator = try LegacyJSON.string(member.value)
            case "AttributeValueList":
                var list: [AttributeValue] = []
                for element in try LegacyJSON.array(member.value) { list.append(try AttributeValue(json: element)) }
                valueList = list
            default: continue
            }
        }
    }

    func condition(for name: String, parameter: LegacyConditionParameter) throws(DynamoError) -> Condition {
        let path = DocumentPath(name)
        if valueList != nil, value != nil {
            throw LegacyJSON.invalidParameter("Value and AttributeValueList cannot be used together for Attribute: \(name)")
        }
        guard let comparisonOperator else {
            if valueList != nil {
                throw LegacyJSON.invalidParameter("AttributeValueList can only be used with a ComparisonOperator for Attribute: \(name)")
            }
            switch (exists ?? true, value) {
            case (true, let value?): return .comparison(.equal, .path(path), .constant(value))
            case (false, nil): return .notExists(path)
            case (true, nil):
                throw LegacyJSON.invalidParameter("Value must be provided when Exists is \(exists.map(String.init) ?? "null") for Attribute: \(name)")
            case (false, _?):
                throw LegacyJSON.invalidParameter("Value cannot be used when Exists is false for Attribute: \(name)")
            }
        }
        if exists != nil {
            throw LegacyJSON.invalidParameter("Exists and ComparisonOperator cannot be used together for Attribute: \(name)")
        }
        let operands = valueList ?? value.map { [$0] } ?? []
        return try Self.condition(comparisonOperator, path, operands, at: "\(parameter.path).\(name).member.comparisonOperator")
    }

    private static func condition(
        _ name: String, _ path: DocumentPath, _ operands: [AttributeValue], at wirePath: String
    ) throws(DynamoError) -> Condition {
        guard let rule = rules[name] else {
            throw .validation("1 validation error detected: Value '\(name)' at '\(wirePath)' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]")
        }
        guard rule.operandCounts.contains(operands.count) else {
            throw LegacyJSON.invalidParameter("Invalid number of argument(s) for the \(name) ComparisonOperator")
        }
        if let first = operands.first, operands.contains(where: { $0.typeName != first.typeName }) {
            throw LegacyJSON.invalidParameter("AttributeValues inside AttributeValueList must be of same type")
        }
        for operand in operands where !rule.types.contains(operand.typeName) {
            throw LegacyJSON.invalidParameter("ComparisonOperator \(name) is not valid for \(operand.typeName) AttributeValue type")
        }
        let subject = Operand.path(path)
        let constants = operands.map(Operand.constant)
        switch name {
        case "EQ": return .comparison(.equal, subject, constants[0])
        case "NE": return .comparison(.notEqual, subject, constants[0])
        case "LT": return .comparison(.less, subject, constants[0])
        case "LE": return .comparison(.lessOrEqual, subject, constants[0])
        case "GT": return .comparison(.greater, subject, constants[0])
        case "GE": return .comparison(.greaterOrEqual, subject, constants[0])
        case "NOT_NULL": return .exists(path)
        case "NULL": return .notExists(path)
        case "CONTAINS": return .contains(subject, constants[0])
        case "NOT_CONTAINS": return .notContains(subject, constants[0])
        case "BEGINS_WITH": return .beginsWith(subject, constants[0])
        case "IN": return .in(subject, constants)
        default:
            if let order = operands[0].order(comparedTo: operands[1]), order > 0 {
                throw .validation("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
            }
            return .between(subject, lower: constants[0], upper: constants[1])
        }
    }

    private struct Rule {
        let operandCounts: ClosedRange<Int>
        let types: Set<String>
    }

    private static let scalars: Set<String> = ["S", "N", "B"]
    private static let rules: [String: Rule] = [
        "EQ": Rule(operandCounts: 1...1, types: scalars.union(["SS", "NS", "BS", "L", "M", "BOOL", "NULL"])),
        "NE": Rule(operandCounts: 1...1, types: scalars.union(["SS", "NS", "BS", "L", "M", "BOOL", "NULL"])),
        "LT": Rule(operandCounts: 1...1, types: scalars),
        "LE": Rule(operandCounts: 1...1, types: scalars),
        "GT": Rule(operandCounts: 1...1, types: scalars),
        "GE": Rule(operandCounts: 1...1, types: scalars),
        "NOT_NULL": Rule(operandCounts: 0...0, types: []),
        "NULL": Rule(operandCounts: 0...0, types: []),
        "CONTAINS": Rule(operandCounts: 1...1, types: scalars),
        "NOT_CONTAINS": Rule(operandCounts: 1...1, types: scalars),
        "BEGINS_WITH": Rule(operandCounts: 1...1, types: ["S", "B"]),
        "IN": Rule(operandCounts: 1...Int.max, types: scalars),
        "BETWEEN": Rule(operandCounts: 2...2, types: scalars),
    ]
}
