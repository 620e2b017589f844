import StrataModel

/// ExecuteStatement's NextToken: where a SELECT's reading stopped, as
/// base64 JSON. `request` counts the Queries of a SELECT of several
/// partition-key values; `key` is the LastEvaluatedKey of the Query or
/// Scan there, or nil to start that one from its beginning.
struct NextToken: Equatable {
    let request: Int
    let key: Item?

    var text: String {
        var writer = JSONWriter()
        writer.raw("{\"Request\":")
        writer.int(request)
        if let key {
            writer.raw(",\"Key\":")
            writer.item(key)
        }
        writer.raw("}")
        return Base64.encode(writer.bytes)
    }

    init(request: Int, key: Item?) {
        self.request = request
        self.key = key
    }

    init(_ text: String) throws(DynamoError) {
        let invalid = DynamoError.validation("Invalid NextToken")
        guard let bytes = Base64.decode(text), case .object(let object)? = try? JSONParser.parse(bytes),
            case .number(let number)? = object["Request"], let request = Int(number), request >= 0
        else { throw invalid }
        self.request = request
        if let key = object["Key"] {
            guard let item = try? Item(itemJSON: key) else { throw invalid }
            self.key = item
        } else {
            self.key = nil
        }
    }
}
