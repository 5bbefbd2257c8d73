import ConnectomeCore
import JupyterProtocol
import TestSupport
import Testing
@testable import ConnectomeKernel

/// A token goes only to the host it was set for, only over https (or http to this machine).
@Suite("token scope")
struct TokenScopeTests {
    static let state = #"{"layers":[]}"#

    static func link(_ server: String, middleAuth: Bool = false) -> String {
        middleAuth ? "https://spelunker.cave-explorer.org/#!middleauth+\(server)"
            : "https://neuroglancer-demo.appspot.com/?json_url=\(server)"
    }

    static func kernel(_ urls: [String]) async -> (Kernel, CannedTransport) {
        let transport = CannedTransport(Dictionary(uniqueKeysWithValues: urls.map { ($0, (200, state)) }))
        let kernel = Kernel(transport: transport)
        await kernel.run("token \"global-secret\"")
        await kernel.run("token \"state-secret\" host=\"https://state.example.org/nglstate\"")
        return (kernel, transport)
    }

    @Test("a link naming another host never receives a token, however its name resembles a token's host")
    func otherHosts() async throws {
        let others = [
            "https://evil.example.net/nglstate/api/v1/1",
            "https://global.daf-apis.com.evil.example.net/nglstate/api/v1/2",
            "https://state.example.org.evil.example.net/nglstate/api/v1/3",
            "https://sub.state.example.org/nglstate/api/v1/4",
            "https://example.org/nglstate/api/v1/5",
        ]
        let (kernel, transport) = await Self.kernel(others + ["https://STATE.example.org:443/nglstate/api/v1/6"])
        for url in others {
            await kernel.run("decode \"\(Self.link(url))\"")
            let request = try #require(transport.requests.last)
            #expect(request.url == url)
            #expect(request.headers["Authorization"] == nil, "\(url) got a token")
        }
        // The host's own token, matched without case and port.
        await kernel.run("decode \"\(Self.link("https://STATE.example.org:443/nglstate/api/v1/6"))\"")
        #expect(transport.requests.last?.headers["Authorization"] == "Bearer state-secret")
    }

    @Test("a middleauth link to a host without a token says so and how to set one, before any request")
    func middleauthWithoutToken() async throws {
        let (kernel, transport) = await Self.kernel([])
        let report = try #require(await kernel.failure("decode \"\(Self.link("https://evil.example.net/nglstate/api/v1/1", middleAuth: true))\""))
        #expect(report.ename == "AuthError")
        #expect(report.evalue.contains("no token is set for evil.example.net"))
        #expect(report.evalue.contains("tokens are set for global.daf-apis.com, state.example.org"))
        #expect(report.evalue.contains(#"token "..." host="evil.example.net""#))
        #expect(!report.evalue.contains("secret"))
        #expect(transport.requests.isEmpty)
    }

    @Test("a refused request without a token names the host to set one for")
    func refusedWithoutToken() async throws {
        let transport = CannedTransport(["https://other.example.org/state/1": (401, "no")])
        let kernel = Kernel(transport: transport)
        let report = try #require(await kernel.failure("decode \"\(Self.link("https://other.example.org/state/1"))\""))
        #expect(report.ename == "AuthError")
        #expect(report.evalue.contains("answered 401") && report.evalue.contains("no token is set for other.example.org"))
        #expect(report.evalue.contains(#"host="other.example.org""#))
    }

    @Test("plain http to another machine never carries a token; http to loopback does")
    func plainHTTP() async throws {
        let http = "http://state.example.org/nglstate/api/v1/7"
        let loopback = ["http://127.0.0.1:8123/state/1", "http://localhost:8123/state/2", "http://[::1]:8123/state/3"]
        let (kernel, transport) = await Self.kernel([http] + loopback)
        await kernel.run("decode \"\(Self.link(http))\"")
        #expect(transport.requests.last?.url == http && transport.requests.last?.headers["Authorization"] == nil)
        let middleauth = try #require(await kernel.failure("decode \"\(Self.link(http, middleAuth: true))\""))
        #expect(middleauth.evalue.contains("only over https"))
        let explicit = try #require(await kernel.failure("decode \"\(Self.link(http))\" token=\"once\""))
        #expect(explicit.ename == "ArgumentError" && explicit.evalue.contains("unencrypted"))
        #expect(transport.requests.count == 1)

        await kernel.run("token \"local\" host=\"127.0.0.1\"")
        await kernel.run("token \"local\" host=\"localhost:8123\"")
        await kernel.run("token \"local\" host=\"[::1]\"")
        for url in loopback {
            await kernel.run("decode \"\(Self.link(url))\"")
            #expect(transport.requests.last?.headers["Authorization"] == "Bearer local", "\(url)")
        }
    }

    @Test("there is no token for every host: host= must name one server")
    func noEveryHostToken() async throws {
        let kernel = Kernel()
        for host in ["*", "", "user@evil.example.net", "evil.example.net/path?x", "a b"] {
            let report = try #require(await kernel.failure("token \"t\" host=\"\(host)\""))
            #expect(report.ename == "ArgumentError" && report.evalue.contains("not a host name"), "\(host)")
        }
        await kernel.run("token \"t\"")
        #expect(kernel.context.stdout.contains("token set for global.daf-apis.com (not shown)"))
        let listing = try #require(await kernel.run("token list")?.text("text/plain"))
        #expect(listing.contains("global.daf-apis.com") && !listing.contains("every host"))
    }

    @Test("credentials for a store are refused on plain http to another machine")
    func storeCredentials() throws {
        let transport = CannedTransport([:])
        #expect(throws: ConnectomeError.self) {
            try HTTPStore(url: "http://data.example.org/em", transport: transport, authorization: .bearer("t"))
        }
        #expect(throws: ConnectomeError.self) {
            try HTTPStore(url: "http://catmaid.example.org/", transport: transport, headers: ["X-Authorization": "Token t"])
        }
        _ = try HTTPStore(url: "https://data.example.org/em", transport: transport, authorization: .bearer("t"))
        _ = try HTTPStore(url: "http://127.0.0.1:9000/em", transport: transport, authorization: .bearer("t"))
        _ = try HTTPStore(url: "http://data.example.org/em", transport: transport)
    }
}
