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
}
