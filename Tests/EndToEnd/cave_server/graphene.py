"""The graphene side of the local CAVE: the chunked graph's `info` and the watershed volume it names.

A real chunked graph's info (`GET /segmentation/table/<t>/info`, PyChunkedGraph) is the precomputed
`info` of the watershed (supervoxel) segmentation plus `data_dir` (where its chunks are), `app`
(`supported_api_versions`) and `graph` (chunk size, bounding box, layer bits, `n_layers`,
`spatial_bit_masks`); neuroglancer's graphene source and CloudVolume's `GrapheneMetadata` read the
scales from it and the chunks from `data_dir/<key>/<x0-x1_y0-y1_z0-z1>`.

The watershed here is the sample's segmentation relabelled chunk by chunk: in each 64³ graph chunk,
the voxels of one of the graph's neurons carry one of its supervoxels, chosen by the chunk — the
chunk holding the neuron's soma (`position` in neurons.csv) carries the table's `supervoxel_id`, the
other chunks the supervoxels of its other level-2 nodes. So a split neuron's voxels belong to two
roots after the edit, and supervoxels never cross a chunk boundary, as PyChunkedGraph's do. Neurons
the graph does not hold carry their table `supervoxel_id` (the graph answers root 0 for them).
Chunks are served as compressed_segmentation (gzip-compressed when the client accepts it), without
a token, as from a public bucket.

`leaves` with `bounds=x0-x1_y0-y1_z0-z1` (voxels) keeps the supervoxels whose chunk lies in the chunk
range floor(x0/64)…ceil(x1/64) (PyChunkedGraph's `normalize_bounding_box`, half-open).
"""
import csv
import functools
import gzip
import json
import math
import pathlib
import re

import compressed_segmentation as cseg
import numpy as np

WATERSHED = "/watershed"
GRAPH_CHUNK = (64, 64, 64)      # the sample's chunks; supervoxel IDs carry the soma's 64³ chunk
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
        self.chunks_of_sv = {}  # supervoxel -> set of graph chunks it was served in (filled as chunks are made)
        for n in graph.neurons:
            self.chunks_of_sv[n["supervoxel"]] = {chunk_of_supervoxel(n["supervoxel"])}

    # -- labels --------------------------------------------------------------------------------

    def supervoxel(self, root, chunk):
        """The supervoxel the voxels of sample segment `root` carry in graph chunk `chunk`."""
        neuron = self.graph_neurons.get(root)
        if neuron is None:
            return self.table_sv.get(root, 0)
        if tuple(chunk) == chunk_of_supervoxel(neuron["supervoxel"]):
            return neuron["supervoxel"]
        cx, cy, cz = chunk
        l2 = neuron["l2"][1 + (cx + cy + cz) % 3]
        svs = self.graph.svs_of_l2[l2]
        return svs[(cx * 7 + cy * 3 + cz) % len(svs)]

    def chunk_of(self, sv):
        """Where a supervoxel lies: the chunk of its voxels (each supervoxel is in one chunk)."""
        if sv in self.chunks_of_sv:
            return next(iter(self.chunks_of_sv[sv]))
        self.scan()
        return next(iter(self.chunks_of_sv.get(sv, {None})))

    @functools.cache
    def scan(self):
        """Relabels every mip-0 chunk once, so that every supervoxel's chunk is known."""
        scale = self.info["scales"][0]
        size, chunk = scale["size"], scale["chunk_sizes"][0]
        for z in range(0, size[2], chunk[2]):
            for y in range(0, size[1], chunk[1]):
                for x in range(0, size[0], chunk[0]):
                    name = f"{x}-{min(x + chunk[0], size[0])}_{y}-{min(y + chunk[1], size[1])}_{z}-{min(z + chunk[2], size[2])}"
                    self.labels(scale["key"], name)

    def labels(self, key, name):
        """The relabelled chunk `name` of scale `key` as an array [x, y, z], or None when the sample has none."""
        scale = next((s for s in self.info["scales"] if s["key"] == key), None)
        match = CHUNK_NAME.match(name)
        if scale is None or match is None:
            return None
        x0, x1, y0, y1, z0, z1 = map(int, match.groups())
        path = self.directory / key / name
        if path.exists():
            data = path.read_bytes()
        elif path.with_name(name + ".gz").exists():
            data = gzip.decompress(path.with_name(name + ".gz").read_bytes())
        else:
            return None
        shape = (x1 - x0, y1 - y0, z1 - z0)
        roots = cseg.decompress(data, shape + (1,), np.uint64, scale["compressed_segmentation_block_size"], order="F")[..., 0]
        base = self.info["scales"][0]["resolution"]
        factor = [round(scale["resolution"][d] / base[d]) for d in range(3)]
        axes = [(np.arange(lo, hi) * factor[d]) // GRAPH_CHUNK[d] for d, (lo, hi) in enumerate([(x0, x1), (y0, y1), (z0, z1)])]
        cx, cy, cz = np.meshgrid(*axes, indexing="ij")
        keys = np.stack([roots.ravel(), cx.ravel().astype(np.uint64), cy.ravel().astype(np.uint64), cz.ravel().astype(np.uint64)], axis=1)
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        values = np.array([self.supervoxel(int(r), (int(a), int(b), int(c))) if r else 0 for r, a, b, c in unique], dtype=np.uint64)
        if factor == [1, 1, 1]:
            for (r, a, b, c), sv in zip(unique, values):
                if sv:
                    self.chunks_of_sv.setdefault(int(sv), set()).add((int(a), int(b), int(c)))
        return values[inverse.ravel()].reshape(shape)

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
            chunk = self.chunk_of(leaf)
            if chunk is not None and all(lo[d] <= chunk[d] < hi[d] for d in range(3)):
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
