import StrataExpressions
import StrataModel

/// TagResource's request.
struct TagResourceInput: OperationInput {
    let resourceARN: String
    let tags: [(key: String, value: String)]

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let arn = try request.string("ResourceArn")
        let elements = try request.objects("Tags")
        var violations = ConstraintViolations()
        violations.checkResourceARN(arn)
        violations.requireNonNull(elements, at: "tags")
        let tags = try TagsInput.decode(elements, into: &violations)
        try violations.throwIfAny()
        if tags.isEmpty { throw .validation("Atleast one Tag needs to be provided as Input.") }
        try TagsInput.checkReserved(tags)
        resourceARN = arn ?? ""
        self.tags = tags
    }
}

/// UntagResource's request.
struct UntagResourceInput: OperationInput {
    let resourceARN: String
    let keys: [String]

    init(_ request: RequestBody, cache: ExpressionCache) throws(DynamoError) {
        let arn = try request.string("ResourceArn")
        let keys = try request.strings("TagKeys")
        var violations = ConstraintViolations()
        violations.checkResourceARN(arn)
        violations.requireNonNull(keys, at: "tagKeys")
        for (position, key) in (keys ?? []).enumerated() { TagsInput.checkKey(key, at: "tagKeys.\(position + 1).member", into: &violations) }
        try violations.throwIfAny()
        resourceARN = arn ?? ""
        self.keys = keys ?? []
    }
}
