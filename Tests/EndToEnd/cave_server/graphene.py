"""The graphene side of the local CAVE: the chunked graph's `info` and the watershed volume it names.

A real chunked graph's info (`GET /segmentation/table/<t>/info`, PyChunkedGraph) is the precomputed
`info` of the watershed (supervoxel) segmentation plus `data_dir` (where its chunks are), `app`
(`supported_api_versions`) and `graph` (chunk size, bounding box, layer bits, `n_layers`,
`spatial_bit_masks`); neuroglancer's graphene source and CloudVolume's `GrapheneMetadata` read the
scales from it and the chunks from `data_dir/<key>/<x0-x1_y0-y1_z0-z1>`.

The watershed here is the sample's segmentation relabelled block by block: in each 16³ block, the
voxels of one of the graph's neurons carry one of its supervoxels, chosen by the block — the block
holding the neuron's soma (`position` in neurons.csv) carries the table's `supervoxel_id`, the other
blocks the supervoxels of its other level-2 nodes. So a split neuron's voxels belong to two roots
after the edit, and no supervoxel crosses a 64³ graph chunk's boundary without being in both (as
PyChunkedGraph's supervoxels never cross one). Neurons the graph does not hold carry their table
`supervoxel_id` (the graph answers root 0 for them).
Chunks are served as compressed_segmentation (gzip-compressed when the client accepts it), without
a token, as from a public bucket.

`leaves` with `bounds=x0-x1_y0-y1_z0-z1` (voxels) keeps the supervoxels with voxels in a graph chunk of
the chunk range floor(x0/64)…ceil(x1/64) (PyChunkedGraph's `normalize_bounding_box`, half-open).
"""
import csv
import gzip
import json
import math
import pathlib
import re
import threading

import compressed_segmentation as cseg
import numpy as np

WATERSHED = "/watershed"
EM = "/em"                      # the sample's image layer, as the datastack's aligned volume
GRAPH_CHUNK = (64, 64, 64)      # the sample's chunks; supervoxel IDs carry the soma's 64³ chunk
BLOCK = (16, 16, 16)            # a supervoxel covers (part of) one 16³ block of a neuron
SPATIAL_BITS = 10               # bits per chunk coordinate in the sample's supervoxel IDs
CHUNK_NAME = re.compile(r"^(\d+)-(\d+)_(\d+)-(\d+)_(\d+)-(\d+)$")


def chunk_of_supervoxel(sv):
    """The 64³ chunk coordinates the sample writes into a supervoxel ID (see SampleNeurons.supervoxelID)."""
    mask = (1 << SPATIAL_BITS) - 1
    return ((sv >> 46) & mask, (sv >> 36) & mask, (sv >> 26) & mask)


class Watershed:
    def __init__(self, sample_dir, graph):
        self.directory = pathlib.Path(sample_dir) / "segmentation"
        self.info = json.loads((self.directory / "info").read_text())
        self.graph = graph
        self.table_sv = {}
        for row in csv.DictReader(open(pathlib.Path(sample_dir) / "neurons.csv", newline="")):
            self.table_sv[int(row["root_id"])] = int(row["supervoxel_id"])
        self.graph_neurons = {n["root"]: n for n in graph.neurons}
        self.chunks_of_sv = {}  # supervoxel -> the graph chunk its voxels are in (see index)
        self.indexed = False
        self.lock = threading.Lock()
        self.soma_block = {}
        for row in csv.DictReader(open(pathlib.Path(sample_dir) / "neurons.csv", newline="")):
            position = json.loads(row["position"])
            self.soma_block[int(row["root_id"])] = tuple(position[d] // BLOCK[d] for d in range(3))

    # -- labels --------------------------------------------------------------------------------

    def supervoxel(self, root, block):
        """The supervoxel the voxels of sample segment `root` carry in the 16³ block `block` (mip-0 block coordinates)."""
        neuron = self.graph_neurons.get(root)
        if neuron is None:
            return self.table_sv.get(root, 0)
        if tuple(block) == self.soma_block[root]:
            return neuron["supervoxel"]
        bx, by, bz = block
        l2 = neuron["l2"][1 + (bx + by + bz) % 3]
        svs = self.graph.svs_of_l2[l2]
        return svs[(bx * 7 + by * 3 + bz) % len(svs)]

    def chunks_of(self, sv):
        """The graph chunks that hold voxels of a supervoxel (empty when the watershed shows none)."""
        with self.lock:
            if not self.indexed:
                self.index()
            return self.chunks_of_sv.get(sv, set())

    def index(self):
        """Finds, once, the graph chunks of every supervoxel the watershed shows (from the mip-0 chunks)."""
        scale = self.info["scales"][0]
        for path in (self.directory / scale["key"]).iterdir():
            roots, origin = self.stored(scale, path.name.removesuffix(".gz"))
            if roots is None:
                continue
            for block, part in self.blocks(roots, origin, [1, 1, 1]):
                chunk = tuple(block[d] * BLOCK[d] // GRAPH_CHUNK[d] for d in range(3))
                for root in np.unique(part):
                    if int(root) in self.graph_neurons:
                        self.chunks_of_sv.setdefault(self.supervoxel(int(root), block), set()).add(chunk)
        self.indexed = True

    @staticmethod
    def blocks(roots, origin, factor):
        """(mip-0 block coordinates, view) of each 16³ block of a chunk of a scale `factor` times coarser than mip 0."""
        step = [max(1, BLOCK[d] // factor[d]) for d in range(3)]
        for bx in range(0, roots.shape[0], step[0]):
            for by in range(0, roots.shape[1], step[1]):
                for bz in range(0, roots.shape[2], step[2]):
                    block = tuple((origin[d] + (bx, by, bz)[d]) * factor[d] // BLOCK[d] for d in range(3))
                    yield block, roots[bx:bx + step[0], by:by + step[1], bz:bz + step[2]]

    def stored(self, scale, name):
        """The sample's chunk `name` of `scale` (root IDs, [x, y, z]) and its origin; (None, None) when absent."""
        match = CHUNK_NAME.match(name)
        if match is None:
            return None, None
        x0, x1, y0, y1, z0, z1 = map(int, match.groups())
        path = self.directory / scale["key"] / name
        if path.exists():
            data = path.read_bytes()
        elif path.with_name(name + ".gz").exists():
            data = gzip.decompress(path.with_name(name + ".gz").read_bytes())
        else:
            return None, None
        shape = (x1 - x0, y1 - y0, z1 - z0)
        roots = cseg.decompress(data, shape + (1,), np.uint64, scale["compressed_segmentation_block_size"], order="F")[..., 0]
        return roots, (x0, y0, z0)

    def labels(self, key, name):
        """The relabelled chunk `name` of scale `key` as an array [x, y, z], or None when the sample has none."""
        scale = next((s for s in self.info["scales"] if s["key"] == key), None)
        if scale is None:
            return None
        roots, origin = self.stored(scale, name)
        if roots is None:
            return None
        base = self.info["scales"][0]["resolution"]
        factor = [max(1, round(scale["resolution"][d] / base[d])) for d in range(3)]
        out = np.zeros(roots.shape, dtype=np.uint64)
        for block, part in self.blocks(roots, origin, factor):
            unique, inverse = np.unique(part, return_inverse=True)
            values = np.array([self.supervoxel(int(r), block) if r else 0 for r in unique], dtype=np.uint64)
            part[...] = values[inverse].reshape(part.shape)
        return roots

    def chunk_file(self, key, name):
        """The relabelled chunk as compressed_segmentation bytes (the encoding of the sample's)."""
        labels = self.labels(key, name)
        if labels is None:
            return None
        scale = next(s for s in self.info["scales"] if s["key"] == key)
        return cseg.compress(labels[..., np.newaxis], block_size=scale["compressed_segmentation_block_size"], order="F")

    # -- leaves in bounds ----------------------------------------------------------------------

    def within(self, leaves, bounds):
        """The leaves whose chunk lies in the chunk range of `bounds` ([[x0, y0, z0], [x1, y1, z1]], voxels)."""
        lo = [math.floor(bounds[0][d] / GRAPH_CHUNK[d]) for d in range(3)]
        hi = [math.ceil(bounds[1][d] / GRAPH_CHUNK[d]) for d in range(3)]
        kept = []
        for leaf in leaves:
            if any(all(lo[d] <= chunk[d] < hi[d] for d in range(3)) for chunk in self.chunks_of(leaf)):
                kept.append(leaf)
        return kept


def parse_bounds(text):
    """PyChunkedGraph's `bounds=x0-x1_y0-y1_z0-z1` → [[x0, y0, z0], [x1, y1, z1]]; None when malformed."""
    parts = text.split("_")
    if len(parts) != 3:
        return None
    try:
        pairs = [[int(v) for v in part.split("-")] for part in parts]
    except ValueError:
        return None
    if any(len(p) != 2 for p in pairs):
        return None
    return [[p[0] for p in pairs], [p[1] for p in pairs]]


def graph_info(host, watershed):
    """The chunked graph's info: the watershed's precomputed info, data_dir, app and graph."""
    scale = watershed.info["scales"][0]
    info = dict(watershed.info)
    info.update({
        "data_dir": f"{host}{WATERSHED}",
        "app": {"supported_api_versions": [0, 1]},
        "graph": {"chunk_size": list(GRAPH_CHUNK), "bounding_box": scale["size"], "n_bits_for_layer_id": 8,
                  "cv_mip": 0, "n_layers": 8, "spatial_bit_masks": {str(layer): SPATIAL_BITS for layer in range(1, 9)}},
        "chunks_start_at_voxel_offset": True,
        "mesh": "graphene_meshes",
        "verify": False,
    })
    info.pop("skeletons", None)
    return info


def serve_watershed(handler, path):
    """Answers GET /watershed/<key>/<chunk> (no token needed, as a public bucket); True when it was one."""
    if not path.startswith(WATERSHED + "/"):
        return False
    handler.server.watershed_requests.append({"path": path, "authorization": handler.headers.get("Authorization"),
                                              "cookie": handler.headers.get("Cookie")})
    parts = path[len(WATERSHED) + 1:].split("/")
    body = handler.server.watershed.chunk_file(parts[0], parts[1]) if len(parts) == 2 else None
    if body is None:
        handler.send_body(404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml")
    else:
        handler.send_body(200, body, "application/octet-stream")
    return True


def serve_em(handler, path):
    """Answers GET /em/info and /em/<key>/<chunk> with the sample's image layer files (no token needed); True when it was one."""
    if not (path == EM + "/info" or path.startswith(EM + "/")):
        return False
    image = (pathlib.Path(handler.server.watershed.directory).parent / "image").resolve()
    parts = path[len(EM) + 1:].split("/")
    file = image.joinpath(*parts).resolve() if all(p not in ("", ".", "..") for p in parts) else None
    if file is None or image not in file.parents or not file.is_file():
        handler.send_body(404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml")
    else:
        handler.send_body(200, file.read_bytes(), "application/json" if parts == ["info"] else "application/octet-stream")
    return True
