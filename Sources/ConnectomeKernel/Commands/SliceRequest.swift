import CommandLanguage
import ConnectomeCore
import Foundation
import ImageCodecs

/// One `slice` call: the parameters checked, the region worked out, the voxels read and rendered.
struct SliceRequest {
    let invocation: Invocation
    let state: KernelState
    let centre: (x: Double, y: Double, z: Double)
    let width: Int
    let height: Int
    let mip: Int
    let layerName: String?
    let display: SliceDisplayOptions
    let started = ContinuousClock.now

    init(invocation: Invocation, state: KernelState) throws {
        self.invocation = invocation
        self.state = state
        centre = (try invocation.double("x"), try invocation.double("y"), try invocation.double("z"))
        let size = try invocation.int("size", in: SliceCommands.pixels, default: 1000)
        width = try invocation.int("width", in: SliceCommands.pixels, default: size)
        height = try invocation.int("height", in: SliceCommands.pixels, default: size)
        mip = try invocation.int("mip", in: SliceCommands.levels, default: 0)
        layerName = invocation.has("layer") ? try invocation.string("layer") : nil
        display = try SliceDisplayOptions(invocation: invocation)
    }

    func run() async throws -> Value {
        if let connection = state.currentStack {
            _ = try await grapheneTime(url: nil)
            return try await runOnStack(connection)
        }
        for name in ["zoom", "units"] where invocation.has(name) {
            throw invocation.argumentError(name, "\(name)= is for CATMAID stacks, and the image source is the dataset '\(state.dataset.name)'",
                                           hint: "Use mip= for precomputed volumes, or choose a stack with catmaid … and stack …")
        }
        let layer = try state.layerURL(layerName)
        let progress = ProgressDisplay(output: invocation.output, title: "reading \(layer.name)")
        let volume = try await state.volume(url: layer.url, progress: progress.report)
        let info = volume.info
        guard mip < info.scales.count else {
            throw invocation.argumentError("mip", "mip \(mip) does not exist in \(layer.name)",
                                           hint: "It has mips 0 to \(info.scales.count - 1); see `info \(layer.name)`")
        }
        let scale = info.scales[mip]
        let base = info.scales[0]
        let factor = (0..<3).map { scale.resolution[$0] / base.resolution[$0] }
        let cx = try invocation.int(centre.x / factor[0], derivedFrom: "x", in: .coordinate, what: "mip-\(mip) voxel x")
        let cy = try invocation.int(centre.y / factor[1], derivedFrom: "y", in: .coordinate, what: "mip-\(mip) voxel y")
        let z = try invocation.int(centre.z / factor[2], derivedFrom: "z", in: .coordinate, what: "mip-\(mip) section")
        let xs = (cx - width / 2)..<(cx - width / 2 + width)
        let ys = (cy - height / 2)..<(cy - height / 2 + height)

        try checkOverlap(scale: scale, base: base, xs: xs, ys: ys, z: z)
        let isSegmentation = info.type == .segmentation
        let overlayInfo = display.overlay && !isSegmentation ? try await overlayInfo() : nil
        // graphene:// labels are supervoxels, coloured by their roots at `at=`.
        var grapheneURL: String? = isSegmentation ? layer.url : nil
        if overlayInfo != nil { grapheneURL = try state.layerURL("segmentation").url }
        if let url = grapheneURL, !GrapheneSource.isGraphene(url) { grapheneURL = nil }
        let at = try await grapheneTime(url: grapheneURL)
        try checkBudget(voxels: info, overlay: overlayInfo, colour: isSegmentation || display.overlay, roots: grapheneURL != nil)
        var reads = [try await volume.readSection(mip: mip, x: xs, y: ys, z: z, progress: progress.report)]
        var labels: SectionRead? = isSegmentation ? reads[0] : nil
        if display.overlay && !isSegmentation {
            let segmentation = try state.layerURL("segmentation")
            let segVolume = try await state.volume(url: segmentation.url)
            let segMip = try matchingMip(of: segVolume.info, resolution: scale.resolution, layer: segmentation.name)
            let read = try await segVolume.readSection(mip: segMip, x: xs, y: ys, z: z, progress: progress.report)
            labels = read
            reads.append(read)
        }
        var roots: RootSection?
        if let grapheneURL, let at, let read = labels {
            roots = try await state.graphene(url: grapheneURL).rootSection(read.section, time: at.date)
            labels?.section = roots!.section
        }
        let image = try await SliceRendering.render(em: isSegmentation ? nil : reads[0].section, labels: labels?.section,
                                              options: display)
        var summary = summaryLine(layer: layer.name, scale: scale, xs: xs, ys: ys, z: z, reads: reads)
        if let roots, let at {
            summary += " · \(NumberFormat.count(roots.supervoxels, "supervoxel")) → \(NumberFormat.count(roots.roots, "root")) at \(at.shown)"
            if roots.unresolved > 0 { summary += " (\(NumberFormat.grouped(roots.unresolved)) unknown to the graph, shown as background)" }
        }
        progress.finish(summary)
        for read in reads where read.chunksMissing > 0 && read.chunksMissing == read.chunksTotal {
            invocation.output.printError("warning: every chunk of this region is missing from \(layer.name) (shown as background); check the position and mip")
        }
        let pngOptions: PNGOptions = isSegmentation ? .flat : image.format == .gray8 ? .fast : .compact
        return .custom(try await ImageValue.encoded(image: image, summary: summary, pngOptions: pngOptions))
    }

    /// What the slice will hold at its peak, against the cell's memory budget, before anything is read:
    /// the section of each layer, the rendered image, its PNG and the PNG's base64 in the display.
    private func checkBudget(voxels info: PrecomputedInfo, overlay: PrecomputedInfo?, colour: Bool, roots: Bool) throws {
        typealias Part = MemoryBudget.Part
        var parts = [Part("the \(info.dataType.rawValue) section", width, height, info.numChannels, info.dataType.itemSize)]
        if let overlay {
            parts.append(Part("the segmentation section", width, height, overlay.numChannels, overlay.dataType.itemSize))
        }
        if roots { parts.append(Part("the section of roots", width, height, 1, 8)) }
        let image = Part(colour ? "the RGB image" : "the grey image", width, height, colour ? 3 : 1)
        parts.append(image)
        parts += Part.encoded(imageBytes: image.bytes)
        try state.memoryBudget.check(parts, doing: "this \(width) × \(height) slice", invocation: invocation,
                                     blame: ["size", "width", "height"],
                                     fix: "Ask for a smaller size= (or width= and height=) or a coarser mip= (each halves x and y)")
    }

    /// The instant of `at=` when the labels are a graphene segmentation's supervoxels; `at=` without one is an error.
    private func grapheneTime(url: String?) async throws -> (date: Date, key: String, shown: String)? {
        guard url != nil else {
            if invocation.has("at") {
                throw invocation.argumentError("at", "at= is for graphene:// segmentations, and this slice shows none",
                                               hint: "Leave at= out, or add overlay=true / layer=segmentation on a CAVE datastack")
            }
            return nil
        }
        return try await CaveCommands.instant(invocation, state: state)
    }

    /// The segmentation's info, for an overlay (opened once; `volume` caches it).
    private func overlayInfo() async throws -> PrecomputedInfo {
        try await state.volume(url: try state.layerURL("segmentation").url).info
    }

    /// A region wholly outside the volume is the user's mistake: say so in the coordinates they typed (mip 0).
    private func checkOverlap(scale: PrecomputedScale, base: PrecomputedScale,
                              xs: Range<Int>, ys: Range<Int>, z: Int) throws {
        let low = scale.voxelOffset, high = (0..<3).map { scale.voxelOffset[$0] + scale.size[$0] }
        let inside = xs.overlaps(low[0]..<high[0]) && ys.overlaps(low[1]..<high[1]) && (low[2]..<high[2]).contains(z)
        guard !inside else { return }
        let bounds = (0..<3).map { "\(["x", "y", "z"][$0]) \(base.voxelOffset[$0])–\(base.voxelOffset[$0] + base.size[$0])" }
        let names = ["x", "y", "z"]
        let offending = (0..<3).first { axis in
            let range = axis == 0 ? xs : axis == 1 ? ys : z..<(z + 1)
            return !range.overlaps(low[axis]..<high[axis])
        }.map { names[$0] } ?? "x"
        throw invocation.argumentError(offending,
            "the section centred at x \(NumberFormat.plain(centre.x)), y \(NumberFormat.plain(centre.y)), z \(NumberFormat.plain(centre.z)) lies wholly outside the volume",
            hint: "Its mip-0 voxels span \(bounds.joined(separator: ", ")) (voxel offset included)")
    }

    /// Milliseconds since the request started, for the summary line.
    var elapsedMilliseconds: String {
        let elapsed = ContinuousClock.now - started
        return String(format: "%.0f", Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }

    /// The mip of another layer with the same voxel size, so the overlay lines up voxel for voxel.
    private func matchingMip(of info: PrecomputedInfo, resolution: [Double], layer: String) throws -> Int {
        if let index = info.scales.firstIndex(where: { $0.resolution == resolution }) { return index }
        let sizes = info.scales.map { $0.resolution.map(NumberFormat.plain).joined(separator: "×") }
        throw ConnectomeError.data(
            "the \(layer) layer has no scale at \(resolution.map(NumberFormat.plain).joined(separator: "×")) nm to overlay",
            hint: "Its scales are \(sizes.joined(separator: ", ")) nm; choose a mip both layers have")
    }

    private func summaryLine(layer: String, scale: PrecomputedScale, xs: Range<Int>, ys: Range<Int>, z: Int,
                             reads: [SectionRead]) -> String {
        let total = reads.reduce(0) { $0 + $1.chunksTotal }
        let missing = reads.reduce(0) { $0 + $1.chunksMissing }
        let cached = reads.reduce(0) { $0 + $1.chunksFromCache }
        let fetched = reads.reduce(0) { $0 + $1.chunksFetched }
        let voxel = scale.resolution.map(NumberFormat.plain).joined(separator: " × ")
        var chunks = "\(total) chunk\(total == 1 ? "" : "s"): \(fetched) fetched, \(cached) cached"
        if missing > 0 { chunks += ", \(missing) missing (shown as background)" }
        let layers = display.overlay ? "\(layer) + segmentation" : layer
        return "\(layers) · mip \(mip) · x \(xs.lowerBound)–\(xs.upperBound) y \(ys.lowerBound)–\(ys.upperBound) z \(z)"
            + " · \(voxel) nm · \(width)×\(height) px · \(chunks) · \(elapsedMilliseconds) ms"
    }
}
