import StrataModel

extension ProjectionExpression {
    /// Translates the legacy AttributesToGet: a list of top-level names.
    public init(attributesToGet json: JSONValue) throws(DynamoError) {
        var names: [String] = []
        var seen: Set<String> = []
        for element in try LegacyJSON.array(json) {
            let name = try LegacyJSON.string(element)
            guard seen.insert(name).inserted else {
                throw LegacyJSON.invalidParameter("Duplicate value in attribute name: \(name)")
            }
            names.append(name)
        }
        self.init(paths: names.map { DocumentPath($0) })
    }
}
