import Testing
@testable import StrataServer

@Suite struct HostPolicyTests {
    @Test(arguments: ["localhost", "localhost:8000", "LOCALHOST", "app.localhost:8000", "127.0.0.1", "127.1.2.3:80", "[::1]", "[::1]:8000", "strata.internal"])
    func aLoopbackServerAnswersLoopbackNamesAndAllowedOnes(host: String) {
        let policy = HostPolicy(listeningHost: "127.0.0.1", allowedHosts: ["strata.internal"])
        #expect(policy.permits(host))
    }

    @Test(arguments: ["evil.example.com", "evil.example.com:8000", "127.0.0.1.evil.com", "localhost.evil.com", "", "a b", "128.0.0.1"])
    func aLoopbackServerRefusesOtherHosts(host: String) {
        let policy = HostPolicy(listeningHost: "127.0.0.1", allowedHosts: ["strata.internal"])
        #expect(!policy.permits(host))
    }

    @Test func aServerOnAnotherAddressAnswersEveryHostAndAMissingHostIsAnswered() {
        #expect(HostPolicy(listeningHost: "0.0.0.0", allowedHosts: []).permits("anything.example.com"))
        #expect(HostPolicy(listeningHost: "localhost", allowedHosts: []).permits(nil))
    }

    @Test func onlyAWellFormedHostIsEchoed() {
        #expect(HostPolicy.wellFormed("dynamodb.us-east-1.amazonaws.com") == "dynamodb.us-east-1.amazonaws.com")
        #expect(HostPolicy.wellFormed("[::1]:8000") == "[::1]:8000")
        #expect(HostPolicy.wellFormed("<script>alert(1)</script>") == nil)
        #expect(HostPolicy.wellFormed("host:port") == nil)
        #expect(HostPolicy.wellFormed(String(repeating: "a", count: 300)) == nil)
    }

    /// A connection remembers the verdict on its last Host, and checks a
    /// different Host afresh: a rebound name later on a kept-alive
    /// connection is still refused.
    @Test func aConnectionChecksEveryNewHost() {
        let policy = HostPolicy(listeningHost: "127.0.0.1", allowedHosts: [])
        var memo = HostVerdict.Memo()
        for _ in 0..<2 {
            let local = memo.verdict(for: "LocalHost:8000", under: policy)
            #expect(local.permitted && local.wellFormed == "LocalHost:8000")
            let rebound = memo.verdict(for: "evil.example.com", under: policy)
            #expect(!rebound.permitted && rebound.wellFormed == "evil.example.com")
            let malformed = memo.verdict(for: "a b", under: policy)
            #expect(!malformed.permitted && malformed.wellFormed == nil)
            let none = memo.verdict(for: nil, under: policy)
            #expect(none.permitted && none.wellFormed == nil)
        }
    }
}
