"""The skeleton service (and the two small endpoints CAVEclient checks before asking it) for the
local CAVE server, over the sample's precomputed skeletons.

Encodings are SkeletonService's (CAVEconnectome/SkeletonService `skeletonservice/datasets/api.py`,
`service.py`, `skeleton_from_meshparty.py`): `GET /skeletoncache/api/versions` → `[-1, 0, 1, 2, 3, 4]`,
`GET /skeletoncache/api/version` → the service version, and one skeleton from
`GET /skeletoncache/api/v1/{ds}/async/get_skeleton/{v}/{root}/flatdict` (or the synchronous
`precomputed/skeleton/{v}/{root}/flatdict`): gzip bytes of JSON, `application/octet-stream`, no
Content-Encoding, with `vertices` (nm), `edges` `[[child, parent]]`, `root`, `radius`,
`compartment` (1 soma, 2 axon, 3 dendrite), `lvl2_ids`, `mesh_to_skel_map` and `meta`. Errors are
`{"Error": "..."}` with 400 (unknown root) or 500. CAVEclient also asks the L2 cache's table mapping
(`/l2cache/api/v1/table_mapping`) and the chunked graph's `valid_nodes` (a GET with a JSON body).

The sample's precomputed skeletons are also served as the datastack's `skeleton_source`
(`/static/skeletons/info`, `/static/skeletons/{root}`). `attach(server, sample_dir)` sets the
server up; `route(handler, method, path, query, body)` answers these paths and returns True, or
returns False for any other path. `server.skeleton_service = False` makes the service absent (404),
so that clients fall back to the precomputed source.
"""
import gzip
import json
import os
import struct

SERVICE_VERSION = "0.22.1"
VERSIONS = [-1, 0, 1, 2, 3, 4]


def read_precomputed(path):
    """The sample's precomputed skeleton blob: vertices (nm), edges (child, parent), radius."""
    data = open(path, "rb").read()
    nv, ne = struct.unpack_from("<II", data, 0)
    vertices = [list(struct.unpack_from("<3f", data, 8 + 12 * i)) for i in range(nv)]
    base = 8 + 12 * nv
    edges = [list(struct.unpack_from("<2I", data, base + 8 * i)) for i in range(ne)]
    radius = list(struct.unpack_from(f"<{nv}f", data, base + 8 * ne))
    return vertices, edges, radius


def flatdict(root_id, skeleton_dir, version):
    """The service's flatdict for `root_id` from the sample skeleton, or None when there is none."""
    path = os.path.join(skeleton_dir, str(root_id))
    if not os.path.exists(path):
        return None
    vertices, edges, radius = read_precomputed(path)
    children = {c for c, _ in edges}
    root = next(i for i in range(len(vertices)) if i not in children)
    # Compartments: the root is the soma, odd-numbered vertices axon, the rest dendrite.
    compartment = [1 if i == root else (2 if i % 2 else 3) for i in range(len(vertices))]
    sk = {"vertices": vertices, "edges": edges, "root": root, "radius": radius, "compartment": compartment,
          "mesh_to_skel_map": list(range(len(vertices))),
          "meta": {"root_id": root_id, "soma_pt_x": vertices[root][0], "soma_pt_y": vertices[root][1],
                   "soma_pt_z": vertices[root][2], "soma_radius": 7500, "collapse_soma": True,
                   "collapse_function": "sphere", "invalidation_d": 8000, "smooth_vertices": False,
                   "compute_radius": True, "shape_function": "single", "smooth_iterations": 12,
                   "smooth_neighborhood": 2, "smooth_r": 0.1, "cc_vertex_thresh": 0,
                   "remove_zero_length_edges": True, "collapse_params": {}, "timestamp": 1750000000.0,
                   "skeleton_type": "pcg_skel", "meta": {"datastack": "kronauer_ant", "space": "l2cache"},
                   "skeleton_version": version}}
    if version >= 4:
        sk["lvl2_ids"] = [(2 << 56) | (root_id & 0xFFFFFFFF) << 8 | i for i in range(len(vertices))]
    return sk


def attach(server, sample_dir):
    server.skeleton_dir = os.path.join(sample_dir, "segmentation", "skeletons")
    server.skeleton_service = True
    server.skeleton_requests = []


def skeleton_roots(server):
    return {int(name) for name in os.listdir(server.skeleton_dir) if name.isdigit()}


def route(handler, method, path, query, body):
    server = handler.server
    if path.startswith("/static/skeletons/"):
        name = path[len("/static/skeletons/"):]
        file = os.path.join(server.skeleton_dir, name)
        if (name == "info" or name.isdigit()) and os.path.exists(file):
            handler.send_body(200, open(file, "rb").read(), "application/octet-stream")
        else:
            handler.send_body(404, {"message": f"no object {name}"})
        return True
    if not (path.startswith("/skeletoncache/") or path == "/l2cache/api/v1/table_mapping" or path.endswith("/valid_nodes")):
        return False
    if path.endswith("/valid_nodes"):
        ids = [int(i) for i in json.loads(body or b"{}").get("node_ids", [])]
        handler.send_body(200, {"valid_roots": [i for i in ids if i in server.graph.created or i in skeleton_roots(server)]})
        return True
    if path == "/l2cache/api/v1/table_mapping":
        handler.send_body(200, {"kronauer_ant_x1": "l2cache_kronauer_ant_v1"})
        return True
    if not getattr(server, "skeleton_service", True):
        handler.send_body(404, {"message": f"no route {path}"})
        return True
    if path == "/skeletoncache/api/versions":
        handler.send_body(200, VERSIONS)
        return True
    if path == "/skeletoncache/api/version":
        handler.send_body(200, SERVICE_VERSION)
        return True
    parts = path.split("/")
    # /skeletoncache/api/v1/{ds}/async/get_skeleton/{v}/{root}/{fmt} or .../precomputed/skeleton/{v}/{root}/{fmt}
    if len(parts) == 10 and (parts[5:7] == ["async", "get_skeleton"] or parts[5:7] == ["precomputed", "skeleton"]):
        version, root, fmt = int(parts[7]), int(parts[8]), parts[9]
        if fmt != "flatdict":
            handler.send_body(400, {"Error": f"Unsupported format for this test server: {fmt}"})
            return True
        if version not in VERSIONS:
            handler.send_body(400, {"Error": f"Invalid skeleton version: v{version}"})
            return True
        sk = flatdict(root, server.skeleton_dir, 4 if version == -1 else (2 if version == 0 else version))
        if sk is None:
            handler.send_body(400, {"Error": f"Invalid root id: {root}"})
            return True
        server.skeleton_requests.append((version, root, parts[5]))
        payload = gzip.compress(json.dumps(sk).encode())
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
        return True
    handler.send_body(404, {"Error": f"no route {path}"})
    return True
