#!/usr/bin/env python3
"""Tables of FlyWire's scale for bench/neurons: deterministic (numpy, one seed), written once per
parameter set into a cache directory and reused.

At --scale 1:
  neurons.csv, neurons.feather   140,000 neurons × CRANT's 30 annotation fields (neurons.md §1):
                                 uint64 `root_id` (1 % of rows above 2^63), lists `status`, `region`,
                                 `user_annotator`, `user_proofreader` (JSON arrays in the CSV,
                                 list<utf8> in Feather), bool `proofread`, positions as "x, y, z"
                                 text, nulls, a few cells with commas and quotes; class and type sizes
                                 Zipf-like (kenyon_cell ~4 %), 2 % of `cell_class` cells in another case.
  connections.csv.gz, .feather   3,000,000 rows `pre_root_id, post_root_id, syn_count, neuropil`
                                 (FlyWire Codex's names), partners drawn with log-normal degree weights,
                                 so a few neurons are hubs with thousands of rows.
  synapses.feather               10,000,000 rows with CAVE's names and types (neurons.md §5.3/5.4:
                                 positions arrive split into `_x/_y/_z` integer columns; IDs int64, so
                                 only neurons below 2^63 take part): `id, pre_pt_root_id,
                                 post_pt_root_id, size, pre_pt_position_x/_y/_z, post_pt_position_x/_y/_z`.
  skeletons/info, skeletons/<id> one 100,000-node skeleton in the neuroglancer precomputed format
                                 (neurons.md §6.2): u32 vertex count, u32 edge count, f32 xyz (nm),
                                 u32 (child, parent) edges, f32 radius. Vertex i is node i; node 0 is
                                 the root (the soma). Coordinates are whole nanometres (exact in f32).
  skeleton_nodes.feather         the same nodes as navis' node table (node_id, parent_id, x, y, z, radius).
  queries.json                   what the queries ask for: 10 hub IDs, 500 adjacency IDs, the skeleton
                                 ID, 1,000 positions near the skeleton, a tip to reroot at.

Pandas writes every table (`to_csv`, `to_feather` with its defaults: Feather v2, LZ4-frame buffers),
as a scientist's own files would be written.

Usage: .venv/bin/python bench/neurons/generate.py [--scale 1] [--seed 9] [--data DIR] [--fresh]
"""
import argparse
import json
import os
import shutil
import tempfile

import numpy as np

# Bump when the generated data changes, so that cached directories of older versions are not reused.
GENERATOR_VERSION = 1

FULL = {"neurons": 140_000, "connections": 3_000_000, "synapses": 10_000_000, "skeleton_nodes": 100_000}
HUBS, ADJACENCY, NEAREST = 10, 500, 1_000

FIELDS = ["root_id", "root_id_processed", "supervoxel_id", "position", "nucleus_id", "nucleus_position",
          "root_position", "cave_table", "proofread", "status", "region", "proofreader_notes", "side", "nerve",
          "tract", "hemilineage", "flow", "super_class", "cell_class", "cell_type", "cell_subtype",
          "cell_instance", "known_nt", "known_nt_source", "alternative_names", "annotator_notes",
          "user_annotator", "user_proofreader", "ngl_link", "date_proofread"]
LIST_FIELDS = ["status", "region", "user_annotator", "user_proofreader"]

NEUROPILS = ["AL_L", "AL_R", "MB_CA_L", "MB_CA_R", "MB_PED_L", "MB_PED_R", "MB_VL_L", "MB_VL_R", "MB_ML_L",
             "MB_ML_R", "LH_L", "LH_R", "SLP_L", "SLP_R", "SIP_L", "SIP_R", "SMP_L", "SMP_R", "CRE_L", "CRE_R",
             "LAL_L", "LAL_R", "FB", "EB", "PB", "NO", "AOTU_L", "AOTU_R", "ME_L", "ME_R", "LO_L", "LO_R",
             "LOP_L", "LOP_R", "GNG", "SAD", "PRW", "VES_L", "VES_R", "IPS_L", "IPS_R", "SPS_L", "SPS_R"]
STATUSES = ["proofread", "backbone", "needs_review", "incomplete", "merger", "orphan", "glia", "soma_attached"]
SUPER_CLASSES = ["central", "optic", "sensory", "visual_projection", "ascending", "descending", "motor",
                 "endocrine", "visual_centrifugal"]
USERS = [f"user{i:03d}" for i in range(60)]


def sizes(scale):
    """Row counts at this scale; the query sizes (hubs, 500 × 500, 1,000 positions) never shrink below use."""
    out = {k: max(int(round(v * scale)), 1) for k, v in FULL.items()}
    out["neurons"] = max(out["neurons"], 2 * ADJACENCY)
    out["skeleton_nodes"] = max(out["skeleton_nodes"], 1_000)
    return out


def cache_dir(scale, seed, root=None):
    root = root or os.path.join(tempfile.gettempdir(), "bench-neurons-data")
    return os.path.join(root, f"v{GENERATOR_VERSION}-scale{scale:g}-seed{seed}")


def zipf_weights(n, exponent):
    w = 1.0 / np.arange(1, n + 1) ** exponent
    return w / w.sum()


def positions_text(rng, n, null_fraction):
    """Voxel positions as CRANT's text "x, y, z" (8 × 8 × 42 nm voxels), some null."""
    xyz = np.stack([rng.integers(10_000, 60_000, n), rng.integers(8_000, 45_000, n), rng.integers(200, 7_000, n)], 1)
    text = np.array([f"{x}, {y}, {z}" for x, y, z in xyz.tolist()], dtype=object)
    text[rng.random(n) < null_fraction] = None
    return text


def unique_ids(rng, n, base, gap):
    """n distinct IDs above `base` (strictly increasing gaps, then shuffled): uint64 without overflow."""
    offsets = np.cumsum(rng.integers(1, gap, n, dtype=np.uint64), dtype=np.uint64)
    ids = np.uint64(base) + offsets
    rng.shuffle(ids)
    return ids


def random_lists(rng, n, vocabulary, weights, max_len, null_fraction):
    """Python lists of 1..max_len distinct words (or None): what crantpy's Seatable answers hold."""
    lengths = rng.integers(1, max_len + 1, n)
    picks = rng.choice(len(vocabulary), size=(n, max_len), p=weights)
    nulls = rng.random(n) < null_fraction
    out = np.empty(n, dtype=object)
    for i in range(n):
        if nulls[i]:
            out[i] = None
        else:
            seen = dict.fromkeys(picks[i, :lengths[i]].tolist())
            out[i] = [vocabulary[j] for j in seen]
    return out


def with_nulls(rng, values, null_fraction):
    values = np.asarray(values, dtype=object)
    values[rng.random(len(values)) < null_fraction] = None
    return values


def make_neurons(rng, n):
    """The 30-field table as a pandas DataFrame (lists as Python lists, nullable Int64 nucleus_id)."""
    import pandas as pd

    ids = unique_ids(rng, n, 576_460_752_300_000_000, 2_000_000)
    high = rng.random(n) < 0.01  # IDs above 2^63: exact uint64 is required to read them
    ids[high] = unique_ids(rng, int(high.sum()), 2**63 + 1_000_000, 2_000_000)

    # Classes: a Zipf-like spread of 60 classes; kenyon_cell is one of the large ones (~4 %).
    class_names = ["kenyon_cell"] + [f"class_{i:02d}" for i in range(1, 60)]
    class_weights = zipf_weights(60, 1.0)
    order = np.argsort(-class_weights)
    class_weights = class_weights[order]
    class_weights[[0, 3]] = class_weights[[3, 0]]  # kenyon_cell the fourth largest class
    class_index = rng.choice(60, n, p=class_weights)
    cell_class = np.array(class_names, dtype=object)[class_index]

    # Types nested in classes: KC types for kenyon_cell, Zipf-sized types for the others (~8,000 types).
    cell_type = np.empty(n, dtype=object)
    kc = class_index == 0
    cell_type[kc] = np.array(["KC_ab", "KC_g", "KC_apbp", "KC_ab_p", "KC_g_d"], dtype=object)[
        rng.choice(5, int(kc.sum()), p=[0.4, 0.3, 0.2, 0.06, 0.04])]
    others = np.flatnonzero(~kc)
    type_index = rng.choice(8_000, len(others), p=zipf_weights(8_000, 0.9))
    prefixes = np.array(["LC", "LT", "PN", "LN", "DN", "AN", "MBON", "DAN", "FB", "EPG", "TmY", "Mi"], dtype=object)
    cell_type[others] = [f"{prefixes[t % 12]}{t}" for t in type_index.tolist()]
    cell_type = with_nulls(rng, cell_type, 0.05)

    # A few cells typed in another case: the default, case-insensitive filter must still find them.
    recased = rng.random(n) < 0.02
    cell_class = cell_class.copy()
    cell_class[recased] = [c.upper() if i % 2 else c.title() for i, c in enumerate(cell_class[recased].tolist())]

    side = rng.choice(np.array(["left", "right", "center"], dtype=object), n, p=[0.45, 0.45, 0.10])
    side = with_nulls(rng, side, 0.02)
    subtype = np.array([None if t is None else f"{t}_{s}" for t, s in zip(cell_type.tolist(), rng.integers(1, 4, n).tolist())],
                       dtype=object)
    instance = np.array([None if t is None or s is None else f"{t}_{s[0].upper()}" for t, s in zip(cell_type.tolist(), side.tolist())],
                        dtype=object)
    nt = rng.choice(np.array(["acetylcholine", "gaba", "glutamate", "dopamine", "serotonin", "octopamine",
                              "acetylcholine, gaba"], dtype=object), n, p=[0.45, 0.2, 0.2, 0.05, 0.04, 0.04, 0.02])
    notes_pool = np.array(["checked", 'merged with "orphan" fragment', "axon cut, see notes", "soma, outside",
                           "split at 1234, 5678, 90", "ok"], dtype=object)
    hemilineages = np.array([f"hemilineage_{i}" for i in range(150)], dtype=object)
    tracts = np.array([f"tract_{i}" for i in range(40)], dtype=object)
    nerves = np.array(["AN", "OCN", "PhN", "MxLbN", "CvN"], dtype=object)
    dates = np.array([f"2025-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)], dtype=object)
    nucleus = pd.array(rng.integers(10_000_000, 99_000_000, n), dtype="Int64")
    nucleus[rng.random(n) < 0.3] = pd.NA

    columns = {
        "root_id": ids,
        "root_id_processed": ids.copy(),
        "supervoxel_id": unique_ids(rng, n, 72_000_000_000_000_000, 1_000_000_000),
        "position": positions_text(rng, n, 0.0),
        "nucleus_id": nucleus,
        "nucleus_position": positions_text(rng, n, 0.3),
        "root_position": positions_text(rng, n, 0.1),
        "cave_table": with_nulls(rng, np.full(n, "nuclei_v1", dtype=object), 0.6),
        "proofread": rng.random(n) < 0.4,
        "status": random_lists(rng, n, STATUSES, [0.3, 0.25, 0.15, 0.1, 0.06, 0.06, 0.04, 0.04], 3, 0.1),
        "region": random_lists(rng, n, NEUROPILS, zipf_weights(len(NEUROPILS), 0.7), 4, 0.05),
        "proofreader_notes": with_nulls(rng, rng.choice(notes_pool, n), 0.8),
        "side": side,
        "nerve": with_nulls(rng, rng.choice(nerves, n), 0.95),
        "tract": with_nulls(rng, rng.choice(tracts, n), 0.8),
        "hemilineage": with_nulls(rng, rng.choice(hemilineages, n), 0.4),
        "flow": rng.choice(np.array(["intrinsic", "afferent", "efferent"], dtype=object), n, p=[0.85, 0.1, 0.05]),
        "super_class": rng.choice(np.array(SUPER_CLASSES, dtype=object), n, p=zipf_weights(len(SUPER_CLASSES), 1.2)),
        "cell_class": cell_class,
        "cell_type": cell_type,
        "cell_subtype": subtype,
        "cell_instance": instance,
        "known_nt": with_nulls(rng, nt, 0.5),
        "known_nt_source": with_nulls(rng, rng.choice(np.array(["literature", "prediction"], dtype=object), n), 0.5),
        "alternative_names": with_nulls(rng, np.array([f"alt_{i}" for i in rng.integers(0, 5_000, n).tolist()], dtype=object), 0.9),
        "annotator_notes": with_nulls(rng, rng.choice(notes_pool, n), 0.85),
        "user_annotator": random_lists(rng, n, USERS, zipf_weights(len(USERS), 1.0), 3, 0.3),
        "user_proofreader": random_lists(rng, n, USERS, zipf_weights(len(USERS), 1.0), 2, 0.5),
        "ngl_link": None,
        "date_proofread": with_nulls(rng, rng.choice(dates, n), 0.6),
    }
    links = np.array([f"https://spelunker.cave-explorer.org/#!middleauth+https://global.daf-apis.com/nglstate/api/v1/{k}"
                      for k in rng.integers(4_000_000_000_000_000, 6_000_000_000_000_000, n).tolist()], dtype=object)
    columns["ngl_link"] = with_nulls(rng, links, 0.5)
    frame = pd.DataFrame({name: columns[name] for name in FIELDS})
    for name in FIELDS:  # text and list columns stay object (lists) or become pandas' string dtype (text)
        if name not in LIST_FIELDS and frame[name].dtype == object:
            frame[name] = frame[name].astype("str" if pd.__version__ >= "3" else "string")
    return frame


def degree_weights(rng, n):
    """Log-normal out- and in-weights, correlated: a heavy tail of hubs (top neurons ~100× the median)."""
    common = rng.normal(0, 1.1, n)
    w_out = np.exp(common + rng.normal(0, 0.5, n))
    w_in = np.exp(common + rng.normal(0, 0.5, n))
    return w_out / w_out.sum(), w_in / w_in.sum()


def make_connections(rng, ids, w_out, w_in, m):
    import pandas as pd
    pre = rng.choice(len(ids), m, p=w_out)
    post = rng.choice(len(ids), m, p=w_in)
    same = pre == post
    post[same] = (post[same] + 1) % len(ids)  # no autapses in a connection table
    syn_count = np.minimum(rng.zipf(1.9, m) + 4, 2_500).astype(np.int64)  # Codex keeps syn_count >= 5
    neuropil = np.array(NEUROPILS, dtype=object)[rng.choice(len(NEUROPILS), m, p=zipf_weights(len(NEUROPILS), 0.7))]
    frame = pd.DataFrame({"pre_root_id": ids[pre], "post_root_id": ids[post], "syn_count": syn_count,
                          "neuropil": neuropil})
    frame["neuropil"] = frame["neuropil"].astype("str" if pd.__version__ >= "3" else "string")
    return frame


def make_synapses(rng, ids, w_out, w_in, m):
    """CAVE's synapse rows: int64 IDs (neurons below 2^63 only), positions split in nm."""
    import pandas as pd
    low = ids < np.uint64(2**63)
    low_ids = ids[low].astype(np.int64)
    p_out, p_in = w_out[low] / w_out[low].sum(), w_in[low] / w_in[low].sum()
    pre = low_ids[rng.choice(len(low_ids), m, p=p_out)]
    post = low_ids[rng.choice(len(low_ids), m, p=p_in)]
    pre_xyz = np.stack([rng.integers(80_000, 480_000, m), rng.integers(64_000, 360_000, m),
                        rng.integers(8_400, 294_000, m)], 1)
    post_xyz = pre_xyz + rng.integers(-60, 61, (m, 3))
    columns = {"id": np.arange(1, m + 1, dtype=np.int64) * 7 + 1_000_000, "pre_pt_root_id": pre, "post_pt_root_id": post,
               "size": rng.lognormal(5.5, 0.6, m).astype(np.int64)}
    for prefix, xyz in (("pre_pt_position", pre_xyz), ("post_pt_position", post_xyz)):
        for axis, name in enumerate("xyz"):
            columns[f"{prefix}_{name}"] = xyz[:, axis].astype(np.int64)
    return pd.DataFrame(columns)


def make_skeleton(rng, count):
    """A neuron-like tree: branches grow from tips with a persistent, jittered direction.

    Returns positions (count, 3) float32 in whole nm, parent (count,) int64 with -1 at the root (node 0),
    radius float32 (count,). Positions are distinct."""
    positions = np.zeros((count, 3), dtype=np.float64)
    parent = np.full(count, -1, dtype=np.int64)
    positions[0] = (250_000.0, 180_000.0, 90_000.0)
    direction = {0: np.array([1.0, 0.0, 0.0])}
    tips = [0]
    steps = rng.normal(0, 0.35, (count, 3))
    choose = rng.random(count)
    branch = rng.random(count) < 0.015
    lengths = rng.uniform(300, 900, count)
    seen = {tuple(positions[0])}
    for i in range(1, count):
        k = int(choose[i] * len(tips))
        tip = tips[k]
        d = direction.pop(tip) if not branch[i] else direction[tip]
        d = d + steps[i]
        d /= np.linalg.norm(d)
        p = np.round(positions[tip] + d * lengths[i])
        while tuple(p) in seen:
            p[0] += 1
        seen.add(tuple(p))
        positions[i] = p
        parent[i] = tip
        direction[i] = d
        if branch[i]:
            tips.append(i)  # the old tip keeps growing too
        else:
            tips[k] = i
    depth = np.zeros(count)
    for i in range(1, count):
        depth[i] = depth[parent[i]] + 1
    radius = (60 + 900 * np.exp(-depth / 400.0) + rng.uniform(0, 40, count)).astype(np.float32)
    radius[0] = 3_000.0  # the soma
    return positions.astype(np.float32), parent, radius


def write_precomputed_skeleton(directory, segment_id, positions, parent, radius):
    os.makedirs(directory, exist_ok=True)
    info = {"@type": "neuroglancer_skeletons", "transform": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0],
            "vertex_attributes": [{"id": "radius", "data_type": "float32", "num_components": 1}]}
    with open(os.path.join(directory, "info"), "w") as f:
        json.dump(info, f)
    children = np.flatnonzero(parent >= 0)
    edges = np.stack([children, parent[children]], 1).astype("<u4")
    with open(os.path.join(directory, str(segment_id)), "wb") as f:
        f.write(np.array([len(positions), len(edges)], dtype="<u4").tobytes())
        f.write(positions.astype("<f4").tobytes())
        f.write(edges.tobytes())
        f.write(radius.astype("<f4").tobytes())


def read_precomputed_skeleton(path):
    """The precomputed blob → (positions f32 (n, 3), edges u32 (m, 2), radius f32 (n,)): the peer's reader."""
    with open(path, "rb") as f:
        body = f.read()
    n, m = np.frombuffer(body, "<u4", 2)
    offset = 8
    positions = np.frombuffer(body, "<f4", 3 * n, offset).reshape(n, 3)
    offset += 12 * int(n)
    edges = np.frombuffer(body, "<u4", 2 * m, offset).reshape(m, 2)
    offset += 8 * int(m)
    radius = np.frombuffer(body, "<f4", n, offset)
    return positions, edges, radius


def generate(directory, scale, seed, log=print):
    import pandas as pd
    n = sizes(scale)
    rng = np.random.default_rng(seed)
    os.makedirs(directory, exist_ok=True)

    log(f"neurons: {n['neurons']:,} rows × {len(FIELDS)} fields")
    neurons = make_neurons(rng, n["neurons"])
    neurons.to_feather(os.path.join(directory, "neurons.feather"))
    as_csv = neurons.copy()
    for name in LIST_FIELDS:  # list cells as JSON arrays, null lists as empty fields
        as_csv[name] = [None if v is None else json.dumps(v) for v in neurons[name].tolist()]
    as_csv.to_csv(os.path.join(directory, "neurons.csv"), index=False)
    del as_csv

    ids = neurons["root_id"].to_numpy(dtype=np.uint64)
    w_out, w_in = degree_weights(rng, len(ids))
    log(f"connections: {n['connections']:,} rows")
    connections = make_connections(rng, ids, w_out, w_in, n["connections"])
    connections.to_feather(os.path.join(directory, "connections.feather"))
    connections.to_csv(os.path.join(directory, "connections.csv.gz"), index=False,
                       compression={"method": "gzip", "compresslevel": 6, "mtime": 0})

    # The queries' IDs: the ten neurons with the most connection rows (one of them above 2^63), and the 500 next.
    degree = np.bincount(np.searchsorted(np.sort(ids), np.concatenate([connections["pre_root_id"].to_numpy(np.uint64),
                                                                       connections["post_root_id"].to_numpy(np.uint64)])),
                         minlength=len(ids))
    sorted_ids = np.sort(ids)
    by_degree = sorted_ids[np.argsort(-degree, kind="stable")]
    hubs = [int(v) for v in by_degree[:HUBS]]
    high_hub = next((int(v) for v in by_degree if int(v) >= 2**63), None)
    if high_hub is not None and high_hub not in hubs:
        hubs[-1] = high_hub
    adjacency = [int(v) for v in by_degree[:ADJACENCY]]
    del connections

    log(f"synapses: {n['synapses']:,} rows")
    synapses = make_synapses(rng, ids, w_out, w_in, n["synapses"])
    synapses.to_feather(os.path.join(directory, "synapses.feather"))
    del synapses

    log(f"skeleton: {n['skeleton_nodes']:,} nodes")
    skeleton_id = next(h for h in hubs if h < 2**63)
    positions, parent, radius = make_skeleton(rng, n["skeleton_nodes"])
    write_precomputed_skeleton(os.path.join(directory, "skeletons"), skeleton_id, positions, parent, radius)
    pd.DataFrame({"node_id": np.arange(len(parent), dtype=np.int64), "parent_id": parent,
                  "x": positions[:, 0], "y": positions[:, 1], "z": positions[:, 2], "radius": radius}
                 ).to_feather(os.path.join(directory, "skeleton_nodes.feather"))
    near = rng.choice(len(positions), NEAREST, replace=False)
    queries = np.round(positions[near].astype(np.float64) + rng.uniform(-400, 400, (NEAREST, 3))).astype(np.int64)
    is_parent = np.zeros(len(parent), dtype=bool)
    is_parent[parent[parent >= 0]] = True
    tips = np.flatnonzero(~is_parent)
    far_tip = int(tips[np.argmax(np.linalg.norm(positions[tips] - positions[0], axis=1))])

    meta = {"generator_version": GENERATOR_VERSION, "scale": scale, "seed": seed, "sizes": n,
            "hubs": hubs, "adjacency": adjacency, "skeleton_id": skeleton_id,
            "nearest": queries.tolist(), "reroot_node": far_tip,
            "reroot_position": [int(v) for v in positions[far_tip]],
            "files": sorted(os.listdir(directory))}
    with open(os.path.join(directory, "queries.json"), "w") as f:
        json.dump(meta, f)
    return meta


def ensure(scale, seed, root=None, fresh=False, log=print):
    """The cached directory for these parameters, generated first when missing (or with fresh=True)."""
    directory = cache_dir(scale, seed, root)
    marker = os.path.join(directory, ".complete")
    if os.path.exists(marker) and not fresh:
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    log(f"generating the bench tables in {directory} (once per --scale/--seed)")
    generate(directory, scale, seed, log)
    open(marker, "w").close()
    return directory


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--data", help="cache root (default: $TMPDIR/bench-neurons-data)")
    ap.add_argument("--fresh", action="store_true")
    a = ap.parse_args()
    print(ensure(a.scale, a.seed, a.data, a.fresh))


if __name__ == "__main__":
    main()
