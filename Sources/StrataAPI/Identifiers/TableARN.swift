import StrataModel
import StrataStorage

/// The table a TagResource, UntagResource or ListTagsOfResource names by
/// its ARN (`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME`). Anything else,
/// an index's ARN included, is the client's error; a well-formed ARN of no
/// table is ResourceNotFoundException, in DynamoDB's words.
enum TableARN {
    static func resolve(_ text: String, in storage: any StorageEngine) throws(DynamoError) -> TableDefinition {
        guard text.hasPrefix("arn:") else {
            throw .validation("Invalid TableArn: ARNs must start with 'arn:': \(text)")
        }
        guard TableReference.name(inARN: text) != nil else {
            throw .validation("Invalid TableArn: Invalid ResourceArn provided as input \(text)")
        }
        guard let table = storage.table(named: text) else {
            // Sic: DynamoDB's own spelling.
            throw .resourceNotFound("Requested resource not found: ResourcArn: \(text) not found")
        }
        return table
    }
}
