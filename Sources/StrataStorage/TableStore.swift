import StrataModel

/// The partitions of one table and the routing of keys to them.
final class TableStore: Sendable {
    let id: String
    let partitions: [Partition]

    init(id: String, partitions: [Partition]) {
        self.id = id
        self.partitions = partitions
    }

    func partition(forEncodedKey key: [UInt8]) -> Partition {
        partitions[PartitionHash.partition(of: KeyEncoding.hash(ofEncoded: key), count: partitions.count)]
    }

    var statistics: PartitionStatistics {
        var total = PartitionStatistics()
        for partition in partitions { total.add(partition.statistics) }
        return total
    }

    func close() async {
        for partition in partitions { await partition.close() }
    }
}
