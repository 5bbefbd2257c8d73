#!/usr/bin/env python3
"""Writes what navis says about a few skeletons, as the peer for the Swift skeleton code.

Usage: make_reroot.py OUTPUT_DIR

Needs navis (pip install navis) and numpy. Builds seeded random skeletons as navis TreeNeurons
(non-contiguous node IDs, a forest of two trees, a 20,000-node tree), reroots each at a few nodes
with `navis.reroot_skeleton` (also a list of new roots, applied in order) and records, per
skeleton and per reroot: `parent_id` in the input's node order, `cable_length` (nm), `n_branches`,
`n_leafs` and the node types. Writes OUTPUT_DIR/reroot.json.
"""
import json
import sys
from pathlib import Path

import navis
import numpy as np
import pandas as pd


def random_tree(rng, n, roots=1, id_offset=0, id_stride=1):
    """Node i > roots-1 hangs off an earlier node, a short step away; first `roots` nodes are roots."""
    parents = np.full(n, -1, dtype=np.int64)
    xyz = np.zeros((n, 3))
    for i in range(n):
        if i < roots:
            xyz[i] = rng.uniform(0, 50_000, 3)
            continue
        # Mostly extend a recent node (long unbranched runs), sometimes branch from anywhere.
        p = i - 1 if rng.random() < 0.8 else int(rng.integers(0, i))
        parents[i] = p
        xyz[i] = xyz[p] + rng.normal(0, 400, 3)
    ids = id_offset + id_stride * rng.permutation(n)  # IDs in no particular order
    node_id = ids.astype(np.int64)
    parent_id = np.where(parents < 0, -1, node_id[np.maximum(parents, 0)])
    radius = rng.uniform(20, 300, n).round(1)
    xyz = xyz.astype(np.float32)
    return pd.DataFrame({"node_id": node_id, "parent_id": parent_id, "x": xyz[:, 0], "y": xyz[:, 1],
                         "z": xyz[:, 2], "radius": radius})


def facts(neuron, order):
    nodes = neuron.nodes.set_index("node_id").loc[order]
    return {
        "parent_id": [int(v) for v in nodes.parent_id.values],
        "types": [str(v) for v in nodes.type.values],
        "cable_length": float(neuron.cable_length),
        "n_branches": int(neuron.n_branches),
        "n_leafs": int(neuron.n_leafs),
    }


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240611)
    cases = [
        ("small", random_tree(rng, 40)),
        ("sparse_ids", random_tree(rng, 300, id_offset=1_000_000, id_stride=7)),
        ("forest", random_tree(rng, 500, roots=2, id_offset=5)),
        ("large", random_tree(rng, 20_000, id_offset=1)),
    ]
    skeletons = []
    for name, table in cases:
        neuron = navis.TreeNeuron(table.copy(), units="nm")
        order = [int(v) for v in table.node_id.values]
        record = {"name": name, "node_id": order, "x": [float(v) for v in table.x], "y": [float(v) for v in table.y],
                  "z": [float(v) for v in table.z], "radius": [float(v) for v in table.radius]}
        record.update(facts(neuron, order))
        picks = [int(v) for v in rng.choice(table.node_id.values, size=4, replace=False)]
        reroots = [[picks[0]], [picks[1]], [picks[2], picks[3]], [int(neuron.root[0])]]
        record["reroots"] = []
        for new_roots in reroots:
            rerooted = navis.reroot_skeleton(neuron, new_roots if len(new_roots) > 1 else new_roots[0])
            entry = {"new_roots": new_roots}
            entry.update(facts(rerooted, order))
            record["reroots"].append(entry)
        skeletons.append(record)
    (out / "reroot.json").write_text(json.dumps({"navis": navis.__version__, "skeletons": skeletons}))
    print(f"wrote {out / 'reroot.json'}: {len(skeletons)} skeletons, navis {navis.__version__}")


if __name__ == "__main__":
    main()
