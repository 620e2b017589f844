import Foundation
import StrataModel
@testable import StrataStorage
import Testing

/// A table's catalog row gives back every setting it was saved with:
/// streams (enabled and disabled), policies, tags, time to live, indexes.
@Suite struct CatalogRecordTests {
    @Test func everySettingSurvivesTheRoundTrip() throws {
        var definition = IndexSimulationTests.definition()
        definition.tags = [("team", "data"), ("env", "")]
        definition.timeToLiveAttribute = "expires"
        definition.timeToLiveChanged = 1_800_000_000.5
        definition.enableStream(.newAndOldImages, at: 1_800_000_000)
        definition.disableStream(at: 1_800_000_100)
        definition.enableStream(.keysOnly, at: 1_800_000_200)
        definition.resourcePolicy = ResourcePolicy(document: #"{"Version":"2012-10-17"}"#, revision: "1800000000000")
        definition.streamPolicies[definition.streams[0].label] = ResourcePolicy(document: "{}", revision: "7")
        var record = CatalogRecord(definition: definition, partitionCount: 4)
        for index in definition.globalIndexes { record.indexStorage[index.name] = "g" + index.name }
        let decoded = try CatalogRecord(json: JSONParser.parse(record.json.serialized))
        #expect(decoded == record)
        #expect(decoded.definition.currentStream?.generation == 2)
    }
}
