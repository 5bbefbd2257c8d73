import ConnectomeSample
import Foundation
import ImageCodecs
import TestSupport
import Testing
@testable import ConnectomeCore

/// The reader and the project client over a canned HTTP transport: URLs as sent, headers, refusals.
@Suite("CATMAID over HTTP (canned)")
struct CatmaidHTTPTests {
    static let tile = try! PNGCodec.encode(CatmaidFixtures.section(width: 16, height: 16, z: 0))

    static let info = StackInfo(
        id: 3, projectID: 1, title: "remote", dimension: StackExtent(x: 32, y: 16, z: 2),
        resolution: StackVector(x: 4, y: 4, z: 40), numZoomLevels: 0,
        mirrors: [StackMirror(id: 9, title: "private tiles", imageBase: "https://tiles.test/s/", tileWidth: 16,
                              tileHeight: 16, tileSourceType: 1, fileExtension: "png?v=2")])

    @Test func extensionQueryStaysInTheURLAndBasicAuthIsSent() async throws {
        let transport = CatmaidCannedTransport { request in
            HTTPResponse(status: request.url.hasPrefix("https://tiles.test/s/1/0_") ? 200 : 404, body: Self.tile, url: request.url)
        }
        let credentials = CatmaidCredentials(mirrors: [9: BasicCredentials(user: "ann", password: "s3cret")])
        let reader = StackReader(opener: .standard(transport: transport), credentials: credentials)
        let read = try await reader.readSection(stack: Self.info, mirror: Self.info.mirrors[0], zoom: 0,
                                                region: StackPlaneRegion(x: 0..<32, y: 0..<16), section: 1)
        #expect(Set(transport.requests.map(\.url)) == ["https://tiles.test/s/1/0_0_0.png?v=2", "https://tiles.test/s/1/0_1_0.png?v=2"])
        #expect(transport.requests.allSatisfy { $0.headers["Authorization"] == "Basic " + Data("ann:s3cret".utf8).base64EncodedString() })
        #expect(read.tilesFetched == 2)
        #expect(read.image.crop(x: 16, y: 0, width: 16, height: 16) == CatmaidFixtures.section(width: 16, height: 16, z: 0))
        #expect(!String(describing: reader).contains("s3cret") && !String(reflecting: credentials).contains("s3cret"))
        #expect(String(describing: reader).contains("mirror 9 Basic user ann (password redacted)"))
    }

    @Test func refusedMirrorSaysWhichAndHowToPassCredentials() async throws {
        let transport = CatmaidCannedTransport { HTTPResponse(status: 401, body: Data(), url: $0.url) }
        let anonymous = StackReader(opener: .standard(transport: transport))
        let error = await #expect(throws: ConnectomeError.self) {
            try await anonymous.readSection(stack: Self.info, mirror: Self.info.mirrors[0], zoom: 0,
                                            region: StackPlaneRegion(x: 0..<8, y: 0..<8), section: 0)
        }
        #expect(error?.kind == .auth)
        #expect(error?.message.contains("mirror 9 'private tiles'") == true)
        #expect(error?.message.contains("401") == true)
        #expect(error?.hint.contains("mirror=9 user=<name> password=true") == true)

        let wrong = StackReader(opener: .standard(transport: transport),
                                credentials: CatmaidCredentials(mirrors: [9: BasicCredentials(user: "ann", password: "wrong-pw")]))
        let refused = await #expect(throws: ConnectomeError.self) {
            try await wrong.readSection(stack: Self.info, mirror: Self.info.mirrors[0], zoom: 0,
                                        region: StackPlaneRegion(x: 0..<8, y: 0..<8), section: 0)
        }
        #expect(refused?.hint.contains("user ann (password redacted) were refused") == true)
        #expect(refused?.description.contains("wrong-pw") == false)
    }

    @Test func projectSendsTheAPITokenAndExplainsARefusal() async throws {
        let transport = CatmaidCannedTransport { request in
            guard request.headers["X-Authorization"] == "Token abc123" else {
                return HTTPResponse(status: 403, body: Data(#"{"error":"no"}"#.utf8), url: request.url)
            }
            return HTTPResponse(status: 200, body: Data(CatmaidFixtures.stacksJSON.utf8), url: request.url)
        }
        let project = try CatmaidProject(server: "https://catmaid.test/", project: 1,
                                         credentials: CatmaidCredentials(apiToken: "abc123"), opener: .standard(transport: transport))
        #expect(try await project.stacks().count == 2)
        #expect(transport.requests.last?.url == "https://catmaid.test/1/stacks")
        #expect(!project.description.contains("abc123"))

        let anonymous = try CatmaidProject(server: "https://catmaid.test", project: 1, opener: .standard(transport: transport))
        let error = await #expect(throws: ConnectomeError.self) { try await anonymous.stacks() }
        #expect(error?.kind == .auth)
        #expect(error?.message.contains("https://catmaid.test") == true)
        #expect(error?.hint.contains("token=") == true)
    }
}
