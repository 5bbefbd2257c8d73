import ConnectomeSample
import Foundation
import ImageCodecs
import Testing
@testable import ConnectomeCore

/// The sample project served by nginx on 127.0.0.1: JSON, tile trees, the N5 container, and one
/// mirror behind HTTP Basic.
@Suite("CATMAID over nginx", .serialized)
struct CatmaidNginxTests {
    static let size = (width: 300, height: 280, depth: 24)

    @Test func readsEveryMirrorAndEnforcesBasicAuth() async throws {
        let directory = CatmaidFixtures.temporaryDirectory("nginx")
        let server = try CatmaidNginxServer(prefix: directory + "/nginx")
        defer { server.stop() }
        let root = directory + "/project"
        _ = try SampleCatmaidStack.write(
            to: root, width: Self.size.width, height: Self.size.height, depth: Self.size.depth,
            sections: { CatmaidFixtures.section(width: Self.size.width, height: Self.size.height, z: $0) },
            format: .png, servedAt: server.url)
        try server.start(root: root, user: "reader", password: "pa55word")
        let transport = CatmaidSocketTransport()

        let project = try CatmaidProject(server: server.url, project: 1, opener: .standard(transport: transport))
        var info = try await project.stackInfo(.title("sample EM"))
        #expect(info.mirrors.allSatisfy { $0.imageBase.hasPrefix(server.url) })
        // Mirror 2 (type 4) moves behind Basic auth.
        info.mirrors[1].imageBase = info.mirrors[1].imageBase.replacingOccurrences(of: "/tiles4/", with: "/private/tiles4/")

        let open = StackReader(opener: .standard(transport: transport))
        for mirrorID in [1, 3, 4] {
            for zoom in 0...info.maxZoomLevel {
                let level = try info.size(zoom: zoom)
                let read = try await open.readSection(stack: info, mirror: try info.mirror(.id(mirrorID)), zoom: zoom,
                                                      region: StackPlaneRegion(x: 0..<level.x, y: 0..<level.y), section: 20)
                var want = CatmaidFixtures.section(width: Self.size.width, height: Self.size.height, z: 22)
                for _ in 0..<zoom { want = want.halved() }
                #expect(read.image == want, "mirror \(mirrorID) zoom \(zoom)")
                #expect(read.brokenSubstitution?.used == 22 && read.tilesMissing == 0)
            }
        }

        let privateMirror = try info.mirror(.id(2))
        let region = StackPlaneRegion(x: 0..<300, y: 0..<280)
        let anonymous = await #expect(throws: ConnectomeError.self) {
            try await open.readSection(stack: info, mirror: privateMirror, zoom: 0, region: region, section: 5)
        }
        #expect(anonymous?.kind == .auth && anonymous?.message.contains("mirror 2 'tiles (type 4)'") == true)
        #expect(anonymous?.hint.contains("user=<name> password=true") == true)

        let wrong = StackReader(opener: .standard(transport: transport),
                                credentials: CatmaidCredentials(mirrors: [2: BasicCredentials(user: "reader", password: "nope")]))
        let refused = await #expect(throws: ConnectomeError.self) {
            try await wrong.readSection(stack: info, mirror: privateMirror, zoom: 0, region: region, section: 5)
        }
        #expect(refused?.kind == .auth && refused?.hint.contains("were refused") == true)
        #expect(refused?.description.contains("nope") == false)

        let right = StackReader(opener: .standard(transport: transport),
                                credentials: CatmaidCredentials(mirrors: [2: BasicCredentials(user: "reader", password: "pa55word")]))
        let read = try await right.readSection(stack: info, mirror: privateMirror, zoom: 0, region: region, section: 5)
        #expect(read.image == CatmaidFixtures.section(width: 300, height: 280, z: 5))
        #expect(read.tilesTotal == 4 && read.tilesFetched == 4)
    }
}
