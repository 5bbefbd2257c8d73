import ConnectomeCore
@testable import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Redirects of requests that carry a secret: followed by the transport itself, so that a secret
/// header libcurl would forward (`X-Authorization`) never reaches another origin.
@Suite struct RedirectTests {
    static let secrets = ["X-Authorization": "Bearer secret-token", "Authorization": "Bearer secret-token",
                          "X-Requested-With": "XMLHttpRequest"]

    @Test func secretsAreDroppedOnARedirectToAnotherOrigin() async throws {
        let landing = try ScriptedServer(script: { _, _ in .respond(status: 200, body: Data("landed".utf8)) })
        defer { landing.stop() }
        // `localhost` is another origin than 127.0.0.1, as another port would be.
        let target = "http://localhost:\(landing.port)/landing"
        let start = try ScriptedServer(script: { _, _ in .respond(status: 302, headers: ["Location": target]) })
        defer { start.stop() }
        let response = try await CurlTransport(configuration: FaultTests.quickConfiguration())
            .send(HTTPRequest(url: start.url + "/start", headers: Self.secrets))
        #expect(response.status == 200 && response.body == Data("landed".utf8))
        #expect(response.url == target)
        #expect(start.headers("/start").first?["x-authorization"] == "Bearer secret-token")
        let seen = try #require(landing.headers("/landing").first)
        #expect(seen["x-authorization"] == nil && seen["authorization"] == nil)
        #expect(seen["x-requested-with"] == "XMLHttpRequest", "headers that are not secrets still go along")
    }

    @Test func secretsStayOnASameOriginRedirectAndAPostBecomesAGet() async throws {
        let server = try ScriptedServer(script: { path, _ in
            path == "/moved" ? .respond(status: 302, headers: ["Location": "/here"]) : .respond(status: 200, body: Data("here".utf8))
        })
        defer { server.stop() }
        let request = HTTPRequest(method: .post, url: server.url + "/moved", headers: Self.secrets.merging(["Content-Type": "application/json"]) { a, _ in a },
                                  body: Data("{}".utf8))
        let response = try await CurlTransport(configuration: FaultTests.quickConfiguration()).send(request)
        #expect(response.status == 200 && response.body == Data("here".utf8))
        let seen = try #require(server.headers("/here").first)
        #expect(seen["x-authorization"] == "Bearer secret-token")
        #expect(seen["content-type"] == nil, "the POST became a GET without its body")
    }

    @Test func aRedirectCircleIsAnErrorNotAHang() async throws {
        let server = try ScriptedServer(script: { path, _ in
            .respond(status: 307, headers: ["Location": path == "/a" ? "/b" : "/a"])
        })
        defer { server.stop() }
        await #expect {
            try await CurlTransport(configuration: FaultTests.quickConfiguration())
                .send(HTTPRequest(url: server.url + "/a", headers: Self.secrets))
        } throws: { error in
            "\(error)".contains("redirected more than 10 times")
        }
        #expect(server.count("/a") + server.count("/b") == 11)
    }

    @Test func redirectRules() {
        let post = HTTPRequest(method: .post, url: "https://a.example/x", headers: ["Cookie": "c", "Content-Type": "t"], body: Data([1]))
        let kept = CurlTransfer.redirected(post, status: 307, to: "https://a.example:443/y")
        #expect(kept?.method == .post && kept?.body == Data([1]) && kept?.headers["Cookie"] == "c")
        let other = CurlTransfer.redirected(post, status: 308, to: "http://a.example/y")
        #expect(other?.headers["Cookie"] == nil, "https → http is another origin")
        #expect(CurlTransfer.redirected(post, status: 302, to: "file:///etc/passwd") == nil)
        #expect(CurlTransfer.redirected(post, status: 304, to: "https://a.example/y") == nil)
    }
}
