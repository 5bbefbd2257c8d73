#!/usr/bin/env python3
"""The remote neuron paths side by side against the local CAVE server (Tests/EndToEnd/cave_server):
connectome-kernel through Jupyter vs CAVEclient + crantpy-style pandas doing the same queries, and
the bytes-only floor of the same HTTP requests.

  is_latest_roots on N IDs            `latest ids`                 vs  chunkedgraph.is_latest_roots(ids)
  roots of N supervoxels              `roots svs`                  vs  chunkedgraph.get_roots(svs)
  an R-row synapse query (Arrow ZSTD) `synapses pre=HUB update_ids=false` vs  materialize.query_table + crantpy cleaning
  the same as JSON (gzip)             `... format="json"`          vs  query_table(return_df=False) + DataFrame

For every operation and round, in the order ours/peer (even rounds) or peer/ours (odd rounds):
  ours   a new `connectome` kernel started by jupyter_client; `dataset cave …` and `let ids = […]`
         untimed, then the cell --repeat times, each timed from execute_request sent to status: idle
         on IOPub (the display included); memory = the kernel's VmHWM after the cells
  peer   a new Python process: caveclient, numpy and pandas imported, the CAVEclient built and its
         info read untimed, then the call --repeat times, each timed with what a notebook shows of
         its result (the array's repr, the DataFrame's _repr_html_); memory = its peak RSS
  floor  the same HTTP requests with http.client on one kept-alive connection, the body read and
         not decoded: what the local server and the loopback cost by themselves
The server runs in a process of its own (no GIL shared with the clock) and answers a question it
was asked before from its cache of encoded answers (first asked in an untimed warm-up), so the
floor is small and the ratio is about the clients.
Ratio = peer / ours (2.0× = we take half the time), medians over all timed runs.

Usage: .venv/bin/python bench/neurons/remote.py [--scale 0.05] [--ids N] [--rows N] [--rounds 3] [--repeat 3]
       [--ops is_latest,roots,...] [--binary .build/release/connectome-kernel] [--sample DIR] [--tag NAME]
--scale sets N = 100,000 × scale and R = 200,000 × scale (--ids / --rows override them).
Writes bench/neurons/results/remote-<date>[-tag].json and .md.
"""
import argparse
import datetime
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "Tests", "EndToEnd"))

import run as neurons_run  # noqa: E402  (the kernel driver and kernelspec of the neuron bench)

DATASTACK = "kronauer_ant"
TABLE = "kronauer_ant_x1"
SYNAPSE_TABLE = "synapses_v2"
TOKEN = "good-token"
HUB = (8 << 56) | 4_000_000_000

OPS = [
    ("is_latest", "is_latest_roots on {ids} IDs"),
    ("roots", "roots of {ids} supervoxels"),
    ("synapses_arrow", "{rows}-row synapse query (Arrow, ZSTD)"),
    ("synapses_json", "{rows}-row synapse query (JSON, gzip)"),
]


def ids_of(count):
    ids = [(8 << 56) | (5_000_000_000 + i) for i in range(count)]
    svs = [(1 << 56) | (6_000_000_000 + i) for i in range(count)]
    return ids, svs


# ------------------------------------------------------------------ the server (a process of its own)
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
    server.materialization.limit = max(rows * 10, server.materialization.limit)


def add_ids(server, count):
    """The bench's IDs made known to the graph, so that the answers are those of real IDs, not of
    unknown ones: every tenth root was edited away at the graph's edit time (the rest are current),
    and the supervoxels are leaves of the graph's level-2 nodes in turn (so `roots` answers the
    graph's roots, not 0)."""
    from cave_server import server as cave
    graph = server.graph
    ids, svs = ids_of(count)
    for index, root in enumerate(ids):
        graph.created[root] = 0.0
        if index % 10 == 0:
            graph.superseded[root] = cave.EDIT_TIME
    nodes = sorted(graph.root_after)
    for index, sv in enumerate(svs):
        graph.sv_to_l2[sv] = nodes[index % len(nodes)]
    graph._roots_at.clear()


def serve(sample, rows, ids):
    from cave_server import server as cave
    server = cave.start(sample)
    add_hub(server, rows)
    add_ids(server, ids)
    print(server.url, flush=True)
    sys.stdin.read()  # until the bench closes the pipe
    server.shutdown()


# ------------------------------------------------------------------ ours
def kernel_setup(url, op, size):
    ids, svs = ids_of(size["ids"])
    cells = [f'dataset cave server="{url}" datastack="{DATASTACK}"']
    if op == "is_latest":
        cells.append(f"let ids = {json.dumps(ids)}")
    elif op == "roots":
        cells.append(f"let svs = {json.dumps(svs)}")
    return cells


# update_ids=false: the peer asks with the IDs as given (crantpy's get_synapses would first update them,
# one is_latest_roots call more on both sides).
KERNEL_CELL = {"is_latest": "latest ids", "roots": "roots svs",
               "synapses_arrow": f"synapses pre={HUB} update_ids=false",
               "synapses_json": f'synapses pre={HUB} format="json" update_ids=false'}


def ours_round(spec_dirs, url, op, size, repeat, log):
    kernel = neurons_run.Kernel(spec_dirs, log, timeout=600)
    try:
        for cell in kernel_setup(url, op, size):
            result = kernel.execute(cell)
            assert result["status"] == "ok", (cell[:80], result)
        runs = []
        for _ in range(repeat):
            result = kernel.execute(KERNEL_CELL[op])
            assert result["status"] == "ok", result
            runs.append(result)
        return {"ms": [r["ms"] for r in runs], "cpu_ms": [r["cpu_ms"] for r in runs], "mib": kernel.memory()["hwm_mb"],
                "text": (runs[-1]["text"] or "")[:300], "display_bytes": runs[-1]["bytes"]}
    finally:
        kernel.stop()


# ------------------------------------------------------------------ peer
PEER = r'''
import json, resource, sys, time
import numpy as np, pandas as pd, caveclient
url, datastack, op, size, hub, repeat = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
c = caveclient.CAVEclient(datastack_name=datastack, server_address=url, auth_token="good-token")
ids = [(8 << 56) | (5_000_000_000 + i) for i in range(size["ids"])]
svs = [(1 << 56) | (6_000_000_000 + i) for i in range(size["ids"])]
c.materialize.version, c.chunkedgraph.segmentation_info  # the client's info, read untimed
def clean(df):
    # crantpy's get_synapses: autapses and zero roots dropped, positions nm -> viewer voxels.
    df = df[(df.pre_pt_root_id != df.post_pt_root_id) & (df.pre_pt_root_id != 0) & (df.post_pt_root_id != 0)].copy()
    for col in ("pre_pt_position", "post_pt_position", "ctr_pt_position"):
        for axis, v in zip("xyz", (8, 8, 42)):
            df[f"{col}_{axis}"] = np.floor(df[f"{col}_{axis}"] / v).astype("int64")
    return df
def once():
    if op == "is_latest":
        r = c.chunkedgraph.is_latest_roots(ids)
        repr(r)
    elif op == "roots":
        r = c.chunkedgraph.get_roots(svs)
        repr(r)
    elif op == "synapses_arrow":
        r = clean(c.materialize.query_table("synapses_v2", filter_in_dict={"pre_pt_root_id": [hub]}, split_positions=True))
        r._repr_html_()
    else:
        r = clean(pd.DataFrame(c.materialize.query_table("synapses_v2", filter_in_dict={"pre_pt_root_id": [hub]}, return_df=False)))
        r._repr_html_()
    return len(r)
ms, cpu = [], []
for _ in range(repeat):
    t, p = time.perf_counter(), time.process_time()
    n = once()
    ms.append((time.perf_counter() - t) * 1e3)
    cpu.append((time.process_time() - p) * 1e3)
print(json.dumps({"ms": ms, "cpu_ms": cpu, "mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rows": n}))
'''


def peer_round(url, op, size, repeat):
    out = subprocess.run([sys.executable, "-c", PEER, url, DATASTACK, op, json.dumps(size), str(HUB), str(repeat)],
                         capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ the bytes-only floor
def floor_requests(op, size):
    """(method, path, body, headers) of the requests the kernel's cell sends (the datastack info excepted)."""
    ids, svs = ids_of(size["ids"])
    now = str(int(time.time()))
    cg = f"/segmentation/api/v1/table/{TABLE}"
    if op == "is_latest":
        body = ('{"node_ids":[' + ",".join(map(str, ids)) + "]}").encode()
        return [("POST", f"{cg}/is_latest_roots?timestamp={now}", body, {"Content-Type": "application/json", "Accept-Encoding": "gzip"})]
    if op == "roots":
        import array
        body = array.array("Q", svs).tobytes()
        return [("POST", f"{cg}/roots_binary?timestamp={now}", body, {"Content-Type": "application/octet-stream", "Accept-Encoding": "gzip"})]
    stack = f"/materialize/api/v3/datastack/{DATASTACK}"
    arrow = "True" if op == "synapses_arrow" else "False"
    query = f"return_pyarrow={arrow}&arrow_format={arrow}&split_positions=True&direct_sql_pandas=True"
    body = json.dumps({"filter_in_dict": {SYNAPSE_TABLE: {"pre_pt_root_id": [HUB]}}}).encode()
    return [("GET", f"{stack}/versions?expired=False", None, {"Accept-Encoding": "gzip"}),
            ("POST", f"{stack}/version/2/table/{SYNAPSE_TABLE}/query?{query}", body,
             {"Content-Type": "application/json", "Accept-Encoding": "zstd" if op == "synapses_arrow" else "gzip"})]


def floor(url, op, size, repeat):
    """ms of the requests on one kept-alive connection, each answer read as bytes; the first run is a warm-up."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    requests = floor_requests(op, size)
    times, received = [], 0
    for run in range(repeat + 1):
        start = time.perf_counter()
        received = 0
        for method, path, body, headers in requests:
            connection.request(method, path, body=body, headers={"Authorization": f"Bearer {TOKEN}", "X-Requested-With": "bench", **headers})
            response = connection.getresponse()
            data = response.read()
            assert response.status == 200, (response.status, data[:200])
            received += len(data)
        if run:
            times.append((time.perf_counter() - start) * 1e3)
    connection.close()
    return {"ms": times, "bytes": received}


# ------------------------------------------------------------------ main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--ids", type=int)
    ap.add_argument("--rows", type=int)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ops", default=",".join(op for op, _ in OPS))
    ap.add_argument("--tag", default="")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "connectome-kernel"))
    ap.add_argument("--sample", default=os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                                     "connectome-kernel", "sample-v1"))
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    size = {"ids": a.ids or max(10, int(100_000 * a.scale)), "rows": a.rows or max(10, int(200_000 * a.scale))}
    if a.serve:
        serve(a.sample, size["rows"], size["ids"])
        return
    if not os.path.exists(os.path.join(a.sample, "neurons.csv")):
        sys.exit(f"no sample at {a.sample}: write it with `connectome-kernel sample` (or pass --sample)")
    server = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", "--rows", str(size["rows"]), "--ids", str(size["ids"]), "--sample", a.sample],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    # Both sides find the token where CAVEclient and the kernel look for it: a HOME of the bench's own.
    home = tempfile.mkdtemp(prefix="ck-remote-home-")
    os.makedirs(os.path.join(home, ".cloudvolume", "secrets"))
    with open(os.path.join(home, ".cloudvolume", "secrets", "cave-secret.json"), "w") as f:
        f.write(json.dumps({"token": TOKEN}))
    os.environ["HOME"] = home
    spec_dirs = [neurons_run.private_kernelspec(os.path.abspath(a.binary))]
    log = os.path.join(tempfile.mkdtemp(prefix="bench-remote-"), "kernel.log")
    load = os.getloadavg()
    ticks = neurons_run.cpu_totals()
    results = []
    try:
        for op, label in OPS:
            if op not in a.ops.split(","):
                continue
            floor(url, op, size, 0)  # the server encodes this question's answer once, untimed
            ours, peers = [], []
            for round_ in range(a.rounds):
                sides = [lambda: ours.append(ours_round(spec_dirs, url, op, size, a.repeat, log)),
                         lambda: peers.append(peer_round(url, op, size, a.repeat))]
                for run in (sides if round_ % 2 == 0 else sides[::-1]):
                    run()
            bytes_only = floor(url, op, size, a.repeat * a.rounds)
            row = {"op": op, "label": label.format(ids=f"{size['ids']:,}", rows=f"{size['rows']:,}"),
                   "ours_ms": statistics.median(ms for r in ours for ms in r["ms"]),
                   # The kernel's CPU is read from /proc in 10 ms ticks: a per-cell median of a 5 ms cell
                   # is 0 or 10, so its mean over all cells is what says the CPU a cell takes.
                   "ours_cpu_ms": statistics.mean(ms for r in ours for ms in r["cpu_ms"]),
                   "ours_mib": max(r["mib"] for r in ours),
                   "peer_ms": statistics.median(ms for r in peers for ms in r["ms"]),
                   "peer_cpu_ms": statistics.median(ms for r in peers for ms in r["cpu_ms"]),
                   "peer_mib": max(r["mib"] for r in peers),
                   "floor_ms": statistics.median(bytes_only["ms"]), "floor_bytes": bytes_only["bytes"],
                   "peer_rows": peers[-1]["rows"], "ours_text": ours[-1]["text"], "ours_display_bytes": ours[-1]["display_bytes"],
                   "runs": {"ours": ours, "peer": peers, "floor": bytes_only["ms"]}}
            row["ratio"] = row["peer_ms"] / max(row["ours_ms"], 1e-9)
            results.append(row)
            print(f"{row['label']:<42} ours {row['ours_ms']:7.0f} ms {row['ours_mib']:5.0f} MiB   CAVEclient {row['peer_ms']:7.0f} ms "
                  f"{row['peer_mib']:5.0f} MiB   floor {row['floor_ms']:6.1f} ms   {row['ratio']:.1f}×", flush=True)
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    stamp = datetime.date.today().isoformat() + (f"-{a.tag}" if a.tag else "")
    folder = os.path.join(HERE, "results")
    os.makedirs(folder, exist_ok=True)
    steal = neurons_run.steal_percent(ticks, neurons_run.cpu_totals())
    meta = {"ids": size["ids"], "rows": size["rows"], "rounds": a.rounds, "repeat": a.repeat, "load_before": load,
            "load_after": os.getloadavg(), "steal_percent": steal}
    with open(os.path.join(folder, f"remote-{stamp}.json"), "w") as f:
        json.dump({**meta, "results": results}, f, indent=1)
    with open(os.path.join(folder, f"remote-{stamp}.md"), "w") as f:
        f.write(f"# Remote neuron paths ({size['ids']:,} IDs, {size['rows']:,} rows; {a.rounds} rounds × {a.repeat} runs, medians)\n\n"
                f"Through Jupyter (execute_request → idle, display included) vs CAVEclient {peer_version()} + pandas; floor = the same "
                f"HTTP requests with http.client (bytes only). Load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after; "
                f"CPU steal (time the VM's host gave to other guests) {steal:.1f} % during the run.\n\n"
                "| operation | ours | ours CPU (mean) | ours peak | CAVEclient + pandas | its CPU | its peak | floor | ratio |\n"
                "|---|---|---|---|---|---|---|---|---|\n")
        for r in results:
            f.write(f"| {r['label']} | {r['ours_ms']:.0f} ms | {r['ours_cpu_ms']:.0f} ms | {r['ours_mib']:.0f} MiB | {r['peer_ms']:.0f} ms | "
                    f"{r['peer_cpu_ms']:.0f} ms | {r['peer_mib']:.0f} MiB | {r['floor_ms']:.1f} ms | {r['ratio']:.1f}× |\n")


def peer_version():
    try:
        from importlib.metadata import version
        return version("caveclient")
    except Exception:  # noqa: BLE001
        return "?"


if __name__ == "__main__":
    main()
