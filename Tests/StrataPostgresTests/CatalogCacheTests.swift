import StrataModel
import StrataStorage
import Testing
@testable import StrataPostgres

/// The cache's guard against a reload that read the database before this
/// front's own change landed in it; no database needed.
struct CatalogCacheTests {
    private func layout(_ name: String) -> TableLayout {
        TableLayout(record: CatalogRecord(definition: PostgresEngineTests.definition(name: name), partitionCount: 1), version: 1)
    }

    @Test func aReloadReadBeforeACreateDoesNotHideTheNewTable() {
        var cache = CatalogCache()
        let before = cache.changes
        cache.store(layout("made-here"))
        let replaced = cache.replace(with: [:], version: 7, readAfter: before)
        #expect(!replaced)
        #expect(cache.layout("made-here") != nil)
        #expect(cache.version == -1)
    }

    @Test func aReloadReadBeforeADeleteDoesNotBringTheTableBack() {
        var cache = CatalogCache()
        let table = layout("gone")
        cache.store(table)
        let before = cache.changes
        cache.remove("gone", id: table.id)
        let replaced = cache.replace(with: ["gone": table], version: 3, readAfter: before)
        #expect(!replaced)
        #expect(cache.layout("gone") == nil)
    }

    @Test func aReloadWithNoChangeMeanwhileReplacesTheCopy() {
        var cache = CatalogCache()
        cache.store(layout("old"))
        let before = cache.changes
        let replaced = cache.replace(with: ["new": layout("new")], version: 4, readAfter: before)
        #expect(replaced)
        #expect(cache.layout("old") == nil)
        #expect(cache.layout("new") != nil)
        #expect(cache.version == 4)
    }

    @Test func removeLeavesATableOfTheSameNameMadeSince() {
        var cache = CatalogCache()
        let first = layout("name")
        cache.store(first)
        let second = layout("name")
        cache.store(second)
        cache.remove("name", id: first.id)
        #expect(cache.layout("name")?.id == second.id)
    }
}
