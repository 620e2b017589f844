import StrataModel
import Testing

/// A definition is a value: copies share their fields until one changes,
/// and a change to one copy never shows in another.
@Suite struct TableDefinitionTests {
    private static func definition() -> TableDefinition {
        let key = KeyAttribute(name: "pk", type: .string)
        return TableDefinition(
            name: "orders", id: "id-1", arn: "arn:aws:dynamodb:local:000000000000:table/orders", creationTime: 1,
            keySchema: KeySchema(partitionKey: key), attributeDefinitions: [key], billingMode: .payPerRequest, throughput: nil)
    }

    @Test func aChangedCopyLeavesTheOriginalAsItWas() {
        let original = Self.definition()
        var copy = original
        #expect(copy == original)
        copy.name = "renamed"
        copy.tags.append((key: "team", value: "a"))
        copy.timeToLiveAttribute = "expires"
        copy.importing = true
        #expect(original.name == "orders" && original.tags.isEmpty && original.timeToLiveAttribute == nil && !original.importing)
        #expect(copy.name == "renamed" && copy.tags.count == 1 && copy.timeToLiveAttribute == "expires" && copy.importing)
        #expect(copy != original)
    }

    @Test func aCopyOfAChangedDefinitionKeepsEveryField() {
        var changed = Self.definition()
        changed.lastSwitchToPayPerRequest = 5
        changed.timeToLiveAttribute = "expires"
        changed.importing = true
        changed.tableClass = "STANDARD_INFREQUENT_ACCESS"
        changed.timeToLiveChanged = 6
        changed.deletionProtection = true
        var copy = changed
        // The first change copies the shared fields; the rest must come along.
        copy.creationTime = 2
        copy.creationTime = changed.creationTime
        #expect(copy == changed)
        // Equal fields make equal definitions, whether shared or not.
        #expect(Self.definition() == Self.definition())
    }
}
