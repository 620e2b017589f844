import StrataExpressions
import StrataModel
import Testing

struct ExpressionCacheTests {
    @Test func cachedSyntaxResolvesPerRequest() throws {
        let cache = ExpressionCache(capacity: 100)
        let first = try ConditionExpression.parse("#a = :v", context: ExpressionContext(names: ["#a": "x"], values: [":v": n("1")]), cache: cache)
        let second = try ConditionExpression.parse("#a = :v", context: ExpressionContext(names: ["#a": "y"], values: [":v": n("2")]), cache: cache)
        #expect(cache.count == 1)
        #expect(first.evaluate(["x": n("1")]))
        #expect(second.evaluate(["y": n("2")]))
        #expect(!second.evaluate(["x": n("1")]))
        // The same text as another kind is parsed (and reported) as that kind.
        #expect(validationMessage { _ = try ConditionExpression.parse("#a <> :v", context: ExpressionContext(names: ["#a": "x"], values: [":v": n("1")]), kind: .keyCondition, cache: cache) }
            == "Invalid operator used in KeyConditionExpression: <>")
        _ = try UpdateExpression.parse("SET a = :v", context: ExpressionContext(names: nil, values: [":v": n("1")]), cache: cache)
        _ = try ProjectionExpression.parse("a, b", context: ExpressionContext(names: nil, values: nil), cache: cache)
        #expect(cache.count == 3)
    }

    @Test func failuresAreNotCached() {
        let cache = ExpressionCache(capacity: 100)
        #expect(validationMessage { _ = try ProjectionExpression.parse("a,", context: ExpressionContext(names: nil, values: nil), cache: cache) } != nil)
        #expect(cache.count == 0)
    }

    @Test func staysBounded() async throws {
        let cache = ExpressionCache(capacity: 64)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for i in 0..<500 {
                        _ = try? ProjectionExpression.parse("a\(i % 100), b\(worker)", context: ExpressionContext(names: nil, values: nil), cache: cache)
                    }
                }
            }
        }
        #expect(cache.count <= 64)
    }
}
