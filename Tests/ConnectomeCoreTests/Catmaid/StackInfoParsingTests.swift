import Foundation
import Testing
@testable import ConnectomeCore

@Suite("CATMAID stack info parsing")
struct StackInfoParsingTests {
    @Test func parsesARealShapedInfo() throws {
        let info = try StackInfo.parse(Data(CatmaidFixtures.stackInfoJSON.utf8), source: "test")
        #expect(info.id == 5 && info.projectID == 1)
        #expect(info.title == "FAFB00 v14 aligned" && info.projectTitle == "FAFB00")
        #expect(info.dimension == StackExtent(x: 253952, y: 155648, z: 7063))
        #expect(info.resolution == StackVector(x: 4, y: 4, z: 40))
        #expect(info.translation == StackVector(x: 0, y: 0, z: 40))
        #expect(info.downsampleFactors == nil)
        #expect(info.numZoomLevels == nil, "-1 means not stated")
        #expect(info.orientation == .xy)
        #expect(info.brokenSections.indices == [10, 20, 21])
        #expect(info.metadata?["clamp"]?.boolValue == false)
        #expect(info.attribution == "Zheng et al. 2018")
        #expect(info.canaryLocation == StackExtent(x: 10000, y: 10000, z: 100))
        #expect(info.placeholderColor == PlaceholderColor(r: 0.5, g: 0.5, b: 0.5, a: 1))
        #expect(info.background == 128)
        #expect(info.mirrors.count == 3)
        let tiles = info.mirrors[0]
        #expect(tiles.id == 6 && tiles.tileSourceType == 1 && tiles.tileWidth == 1024)
        #expect(tiles.fileExtension == "jpg?v=2")
        #expect(tiles.urlExtension == "jpg?v=2")
        #expect(tiles.imageFormatExtension == "jpg")
        #expect(info.mirrors[2].tileSource == nil)
    }

    @Test func parsesExplicitDownsampleFactorsAndOrientation() throws {
        let info = try StackInfo.parse(Data(CatmaidFixtures.explicitFactorsJSON.utf8), source: "test")
        #expect(info.downsampleFactors?.count == 3)
        #expect(info.downsampleFactors?[2] == StackVector(x: 4, y: 4, z: 2))
        #expect(info.numZoomLevels == 2)
        #expect(info.orientation == .xz)
        #expect(info.brokenSections.indices.isEmpty)
        #expect(info.metadata == nil && info.comment == nil)
        #expect(info.background == 0)
    }

    @Test func numZoomLevelsZeroIsNotStated() throws {
        let text = CatmaidFixtures.explicitFactorsJSON.replacingOccurrences(of: "\"num_zoom_levels\": 2", with: "\"num_zoom_levels\": 0")
        #expect(try StackInfo.parse(Data(text.utf8), source: "t").numZoomLevels == nil)
    }

    @Test func parsesTheStackList() throws {
        let stacks = try StackSummary.parseList(Data(CatmaidFixtures.stacksJSON.utf8), source: "test")
        #expect(stacks == [StackSummary(id: 5, projectID: 1, title: "FAFB00 v14 aligned", comment: ""),
                           StackSummary(id: 9, projectID: 1, title: "Overview", comment: "low res")])
    }

    @Test func rejectsAnswersThatAreNotCatmaid() {
        let html = Data("<!DOCTYPE html><html><body>Login</body></html>".utf8)
        let error = #expect(throws: ConnectomeError.self) { try StackInfo.parse(html, source: "https://x/1/stack/5/info") }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("HTML page") == true)
        #expect(error?.message.contains("https://x/1/stack/5/info") == true)

        let catmaidError = Data(#"{"error": "User anonymous doesn't have permission", "type": "PermissionError"}"#.utf8)
        let permission = #expect(throws: ConnectomeError.self) { try StackInfo.parse(catmaidError, source: "s") }
        #expect(permission?.kind == .auth)
        #expect(permission?.hint.contains("token") == true)

        let precomputed = Data(#"{"type": "image", "scales": []}"#.utf8)
        let missing = #expect(throws: ConnectomeError.self) { try StackInfo.parse(precomputed, source: "s") }
        #expect(missing?.message.contains("'mirrors'") == true || missing?.message.contains("'sid'") == true)

        let list = #expect(throws: ConnectomeError.self) { try StackInfo.parse(Data("[1,2]".utf8), source: "s") }
        #expect(list?.message.contains("a list") == true)
        #expect(throws: ConnectomeError.self) { try StackSummary.parseList(Data("{}".utf8), source: "s") }
    }

    @Test func selectsMirrorsByIdTitleOrDefault() throws {
        let info = try StackInfo.parse(Data(CatmaidFixtures.stackInfoJSON.utf8), source: "test")
        #expect(try info.mirror(nil).id == 7, "position 0 comes first among supported mirrors")
        #expect(try info.mirror(.id(6)).title == "Janelia tiles")
        #expect(try info.mirror(CatmaidSelector("janelia tiles")).id == 6)
        #expect(info.supportedMirrors.map(\.id) == [7, 6])
        let unsupported = #expect(throws: ConnectomeError.self) { try info.mirror(.title("DVID")) }
        #expect(unsupported?.kind == .unsupported)
        #expect(unsupported?.message.contains("type 8") == true)
        #expect(unsupported?.hint.contains("1, 4, 5 and 11") == true)
        let absent = #expect(throws: ConnectomeError.self) { try info.mirror(.id(99)) }
        #expect(absent?.message.contains("6 'Janelia tiles' (type 1)") == true)
    }

    @Test func selectorParsesIdsAndTitles() {
        #expect(CatmaidSelector("12") == .id(12))
        #expect(CatmaidSelector(" FAFB ") == .title("FAFB"))
    }
}
