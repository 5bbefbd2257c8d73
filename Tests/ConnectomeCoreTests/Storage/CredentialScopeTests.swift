import Foundation
import TestSupport
import Testing
@testable import ConnectomeCore

/// The one rule for where a secret may go: its own host, over https or http to loopback.
@Suite struct CredentialScopeTests {
    @Test func hostsAreNormalizedAndOddAuthoritiesRefused() {
        #expect(CredentialScope.host(of: "https://Global.DAF-apis.com:443/nglstate/api/v1/1") == "global.daf-apis.com")
        #expect(CredentialScope.host(of: "https://example.org./x") == "example.org")
        #expect(CredentialScope.host(of: "http://[::1]:8080/x") == "::1")
        #expect(CredentialScope.host(of: "https://example.org?x=1") == "example.org")
        for odd in ["https://user@evil.net/", "https://good.org@evil.net/", "https://evil.net\\@good.org/",
                    "https://evil.net%2F@good.org/", "https:///path", "https://a b/", "example.org/x", "https://h:80x/"] {
            #expect(CredentialScope.host(of: odd) == nil, "\(odd)")
        }
        #expect(CredentialScope.host(named: "https://state.example.org/nglstate") == "state.example.org")
        #expect(CredentialScope.host(named: " localhost:8080 ") == "localhost")
        #expect(CredentialScope.host(named: "*") == nil && CredentialScope.host(named: "") == nil)
    }

    @Test func loopbackIsThisMachineOnly() {
        for host in ["localhost", "api.localhost", "127.0.0.1", "127.255.3.4", "::1"] {
            #expect(CredentialScope.isLoopback(host: host), "\(host)")
        }
        for host in ["128.0.0.1", "127.0.0.1.evil.net", "127.0.0", "127.0.0.256", "localhost.evil.net", "192.0.2.2", "::2", "0.0.0.0"] {
            #expect(!CredentialScope.isLoopback(host: host), "\(host)")
        }
    }

    @Test func secretsGoOnlyToTheirHostOverASecureChannel() {
        #expect(CredentialScope.permits("https://state.example.org/x", secretFor: "state.example.org"))
        #expect(CredentialScope.permits("http://127.0.0.1:9000/x", secretFor: "127.0.0.1"))
        #expect(!CredentialScope.permits("http://state.example.org/x", secretFor: "state.example.org"))
        #expect(!CredentialScope.permits("https://state.example.org.evil.net/x", secretFor: "state.example.org"))
        #expect(!CredentialScope.permits("https://evil.net/?h=state.example.org", secretFor: "state.example.org"))
        #expect(!CredentialScope.permits("ftp://state.example.org/x", secretFor: "state.example.org"))
        #expect(!CredentialScope.permits("https://localhost/x", secretFor: "127.0.0.1"))
        #expect(CredentialScope.carriesSecret(["x-authorization": "Token t"]) && !CredentialScope.carriesSecret(["Accept": "*/*"]))
    }

    @Test func aMirrorBehindPlainHTTPGetsNoPassword() async throws {
        let info = StackInfo(
            id: 3, projectID: 1, title: "remote", dimension: StackExtent(x: 16, y: 16, z: 1),
            resolution: StackVector(x: 4, y: 4, z: 40), numZoomLevels: 0,
            mirrors: [StackMirror(id: 9, title: "plain", imageBase: "http://tiles.example.org/s/", tileWidth: 16,
                                  tileHeight: 16, tileSourceType: 1, fileExtension: "png")])
        let transport = CatmaidCannedTransport { HTTPResponse(status: 200, body: Data(), url: $0.url) }
        let reader = StackReader(opener: .standard(transport: transport),
                                 credentials: CatmaidCredentials(mirrors: [9: BasicCredentials(user: "ann", password: "s3cret")]))
        let error = await #expect(throws: ConnectomeError.self) {
            try await reader.readSection(stack: info, mirror: info.mirrors[0], zoom: 0,
                                         region: StackPlaneRegion(x: 0..<16, y: 0..<16), section: 0)
        }
        #expect(error?.message.contains("unencrypted") == true && error?.hint.contains("https://") == true)
        #expect(transport.requests.isEmpty)
        #expect(error?.description.contains("s3cret") == false)
    }
}
