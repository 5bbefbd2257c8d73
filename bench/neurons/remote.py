#!/usr/bin/env python3
"""The remote neuron paths side by side against the local CAVE server (Tests/EndToEnd/cave_server):
connectome-kernel vs CAVEclient + crantpy-style pandas doing the same queries.

  is_latest_roots on 100,000 IDs          kernel `latest IDS`        vs  chunkedgraph.is_latest_roots
  roots of 100,000 supervoxels            kernel `roots SVS`         vs  chunkedgraph.get_roots
  a 200,000-row synapse query (Arrow)     kernel `synapses pre=HUB`  vs  materialize.query_table + crantpy cleaning
  the same in JSON                        `... format="json"`        vs  query_table(return_df=False) + DataFrame

Each side runs in a fresh process per round. The kernel side is `connectome-kernel eval` of
`dataset cave …` plus the one cell, minus the same without the cell (start-up and the info service
are not counted); its peak RSS is that of the eval process (os.wait4). The peer imports untimed,
builds its CAVEclient untimed, then times the call and the pandas work; its RSS is the child's peak.
--scale shrinks every size (0.1 = 10,000 IDs, 20,000 synapse rows).

Usage: .venv/bin/python bench/neurons/remote.py [--scale 1] [--rounds 3]
       [--binary .build/release/connectome-kernel] [--sample DIR]
Writes bench/neurons/results/remote-<date>.json and .md.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tests", "EndToEnd"))

from cave_server import server as cave  # noqa: E402

HUB = (8 << 56) | 4_000_000_000

OPS = [
    ("is_latest", "is_latest_roots on {ids} IDs"),
    ("roots", "roots of {ids} supervoxels"),
    ("synapses_arrow", "{rows}-row synapse query (Arrow, ZSTD)"),
    ("synapses_json", "{rows}-row synapse query (JSON, gzip)"),
]


def sizes(scale):
    return {"ids": max(10, int(100_000 * scale)), "rows": max(10, int(200_000 * scale))}


def add_hub(server, rows):
    """`rows` synapses from one hub neuron onto the graph's neurons (positions in nm)."""
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(1)
    frame = server.materialization.frame
    posts = np.array([n["root"] for n in server.graph.neurons[5:]], dtype=np.int64)
    extra = {"id": np.arange(rows, dtype=np.int64) + 10_000_000,
             "created": pd.to_datetime(np.full(rows, 1_600_000_000_000), unit="ms", utc=True),
             "superceded_id": np.full(rows, np.nan), "valid": ["t"] * rows,
             "size": rng.integers(1, 200, rows), "pre_pt_supervoxel_id": np.full(rows, (1 << 56) | 7, dtype=np.int64),
             "pre_pt_root_id": np.full(rows, HUB, dtype=np.int64),
             "post_pt_supervoxel_id": np.full(rows, (1 << 56) | 8, dtype=np.int64),
             "post_pt_root_id": rng.choice(posts, rows)}
    for column in ("pre_pt_position", "post_pt_position", "ctr_pt_position"):
        for axis, top in zip("xyz", (8192, 8192, 2688)):
            extra[f"{column}_{axis}"] = rng.integers(0, top, rows)
    server.materialization.extra = pd.DataFrame(extra)[list(frame.columns)]
    server.materialization.limit = rows * 10


def ids_of(size):
    ids = [(8 << 56) | (5_000_000_000 + i) for i in range(size)]
    svs = [(1 << 56) | (6_000_000_000 + i) for i in range(size)]
    return ids, svs


def kernel_cells(op, size):
    ids, svs = ids_of(size["ids"])
    return {"is_latest": f"latest {json.dumps(ids)} | count", "roots": f"roots {json.dumps(svs)} | count",
            "synapses_arrow": f"synapses pre={HUB} | count", "synapses_json": f'synapses pre={HUB} format="json" | count'}[op]


def run_eval(binary, url, cell, home, folder):
    script = os.path.join(folder, "cells.cq")
    with open(script, "w") as f:
        f.write(f'dataset cave server="{url}" datastack="{cave.DATASTACK}"\n' + (cell + "\n" if cell else ""))
    started = time.perf_counter()
    proc = subprocess.run([binary, "eval", script], capture_output=True, text=True, env=dict(os.environ, HOME=home))
    if proc.returncode != 0:
        raise RuntimeError(f"eval failed: {proc.stderr[-2000:]}")
    return time.perf_counter() - started


def ours(binary, url, op, size, home):
    folder = tempfile.mkdtemp(prefix="ck-remote-")
    cell = kernel_cells(op, size)
    # The eval's peak RSS: timed and measured by a wrapper process of its own.
    base = run_eval(binary, url, None, home, folder)
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],capture_output=True);e=time.perf_counter()-t;"
            "print(e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    script = os.path.join(folder, "cells.cq")
    with open(script, "w") as f:
        f.write(f'dataset cave server="{url}" datastack="{cave.DATASTACK}"\n{cell}\n')
    out = subprocess.run([sys.executable, "-c", code, binary, "eval", script], capture_output=True, text=True,
                         env=dict(os.environ, HOME=home)).stdout.split()
    elapsed, rss_kb, rc = float(out[0]), int(out[1]), int(out[2])
    if rc != 0:
        raise RuntimeError(f"kernel cell failed: {cell[:80]}")
    return {"seconds": max(elapsed - base, 0.0), "rss_mib": rss_kb / 1024}


PEER = r'''
import json, resource, sys, time, datetime
import numpy as np, pandas as pd, caveclient
url, datastack, op, size, hub = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5])
c = caveclient.CAVEclient(datastack_name=datastack, server_address=url, auth_token="good-token")
ids = [(8 << 56) | (5_000_000_000 + i) for i in range(size["ids"])]
svs = [(1 << 56) | (6_000_000_000 + i) for i in range(size["ids"])]
c.materialize.version
def clean(df):
    df = df[(df.pre_pt_root_id != df.post_pt_root_id) & (df.pre_pt_root_id != 0) & (df.post_pt_root_id != 0)].copy()
    for col in ("pre_pt_position", "post_pt_position", "ctr_pt_position"):
        for axis, v in zip("xyz", (8, 8, 42)):
            df[f"{col}_{axis}"] = np.floor(df[f"{col}_{axis}"] / v).astype("int64")
    return df
t = time.perf_counter()
if op == "is_latest":
    n = int(np.sum(c.chunkedgraph.is_latest_roots(ids)) >= 0) and len(ids)
elif op == "roots":
    n = len(c.chunkedgraph.get_roots(svs))
elif op == "synapses_arrow":
    n = len(clean(c.materialize.query_table("synapses_v2", filter_in_dict={"pre_pt_root_id": [hub]}, split_positions=True)))
else:
    n = len(clean(pd.DataFrame(c.materialize.query_table("synapses_v2", filter_in_dict={"pre_pt_root_id": [hub]}, return_df=False))))
print(json.dumps({"seconds": time.perf_counter() - t, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": n}))
'''


def peer(url, op, size, home):
    out = subprocess.run([sys.executable, "-c", PEER, url, cave.DATASTACK, op, json.dumps(size), str(HUB)],
                         capture_output=True, text=True, env=dict(os.environ, HOME=home))
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "connectome-kernel"))
    parser.add_argument("--sample", default=os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                                         "connectome-kernel", "sample-v1"))
    args = parser.parse_args()
    size = sizes(args.scale)
    server = cave.start(args.sample)
    add_hub(server, size["rows"])
    home = tempfile.mkdtemp(prefix="ck-remote-home-")
    os.makedirs(os.path.join(home, ".cloudvolume", "secrets"))
    with open(os.path.join(home, ".cloudvolume", "secrets", "cave-secret.json"), "w") as f:
        f.write('{"token": "good-token"}')
    results = []
    for op, label in OPS:
        runs = {"ours": [], "peer": []}
        for round_ in range(args.rounds):
            order = ["ours", "peer"] if round_ % 2 == 0 else ["peer", "ours"]
            for side in order:
                runs[side].append(ours(args.binary, server.url, op, size, home) if side == "ours" else peer(server.url, op, size, home))
        row = {"op": op, "label": label.format(ids=f"{size['ids']:,}", rows=f"{size['rows']:,}")}
        for side in runs:
            row[side] = {key: statistics.median(r[key] for r in runs[side]) for key in ("seconds", "rss_mib")}
        row["ratio"] = row["peer"]["seconds"] / max(row["ours"]["seconds"], 1e-9)
        results.append(row)
        print(f"{row['label']:<45} ours {row['ours']['seconds'] * 1000:8.0f} ms {row['ours']['rss_mib']:7.0f} MiB   "
              f"CAVEclient+pandas {row['peer']['seconds'] * 1000:8.0f} ms {row['peer']['rss_mib']:7.0f} MiB   {row['ratio']:.1f}×", flush=True)
    server.shutdown()
    stamp = datetime.date.today().isoformat()
    folder = os.path.join(HERE, "results")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"remote-{stamp}.json"), "w") as f:
        json.dump({"scale": args.scale, "rounds": args.rounds, "results": results}, f, indent=2)
    with open(os.path.join(folder, f"remote-{stamp}.md"), "w") as f:
        f.write(f"# Remote neuron paths (scale {args.scale}, {args.rounds} rounds, medians)\n\n"
                "| operation | ours | ours RSS | CAVEclient + pandas | its RSS | ratio |\n|---|---|---|---|---|---|\n")
        for row in results:
            f.write(f"| {row['label']} | {row['ours']['seconds'] * 1000:.0f} ms | {row['ours']['rss_mib']:.0f} MiB | "
                    f"{row['peer']['seconds'] * 1000:.0f} ms | {row['peer']['rss_mib']:.0f} MiB | {row['ratio']:.1f}× |\n")


if __name__ == "__main__":
    main()
