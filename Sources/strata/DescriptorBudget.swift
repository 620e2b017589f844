/// How the server spends its file descriptors, from the process's
/// open-files limit (`RLIMIT_NOFILE`, raised to its hard limit at start-up):
///
/// - `reserve`: everything that is neither a table file nor a client
///   connection, kept aside first: the standard streams, the catalog and
///   the transaction log (with its checkpoint connection), each event
///   loop's epoll, eventfd and timerfd (up to two loops per core), the
///   listening socket, and files open for a moment (directory listings,
///   the integrity check). 64 plus 6 per core.
/// - `storage`: half of the rest, for the tables' partition files
///   (`StorageOptions.maximumOpenFiles`): about 100 open partitions under
///   the common limit of 1024, each idle one closed when another needs
///   room.
/// - `connections`: the other half, for client connections (each one
///   descriptor); what a cap on connections should default to.
///
/// `--max-open-files` sets `storage` instead; `connections` gets what is
/// left of the rest, possibly nothing.
struct DescriptorBudget: Equatable {
    let limit: Int
    let reserve: Int
    let storage: Int
    let connections: Int

    init(limit: Int, cores: Int, storage requested: Int? = nil) {
        self.limit = limit
        reserve = min(max(limit, 0), 64 + 6 * cores)
        let spendable = max(limit, 0) - reserve
        storage = requested ?? spendable / 2
        connections = max(0, spendable - storage)
    }
}
