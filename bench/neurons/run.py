#!/usr/bin/env python3
"""Neuron queries side by side: connectome-kernel (through the Jupyter wire) vs what a scientist runs
today (pandas with crantpy's filter and connectivity semantics, pyarrow, scipy's cKDTree, navis), on
tables of FlyWire's scale that generate.py writes (140,000 neurons × 30 fields, 3,000,000 connections,
10,000,000 synapses, a 100,000-node skeleton; --scale shrinks them all).

Per round, in a fresh process each (so every side starts from the same page cache and its RSS is its own):
  pandas   imports untimed, then the loads and queries in the order of OPS; the tables stay held, so
           its RSS is that of a Python process holding the same tables as the kernel
  pyarrow  the loads only (pyarrow.csv.read_csv with the ID columns typed uint64, feather.read_table)
  ours     a new `connectome` kernel started by jupyter_client; every cell timed from execute_request
           sent to status: idle (same parent) received on IOPub, display included; RSS of the kernel
           process read from /proc at the same checkpoints as the peer's
Rounds alternate which side goes first. Loads run once per round, queries --repeat times; the tables
report medians over all runs. Ratios are peer time / our time (2.0× = we take half the time).

Usage:
  .venv/bin/python bench/neurons/run.py [--scale 1] [--rounds 5] [--repeat 3]   both sides, interleaved
  .venv/bin/python bench/neurons/run.py --peers-only --scale 0.1                 the peers alone
  .venv/bin/python bench/neurons/run.py --ours-only                              the kernel alone
  .venv/bin/python bench/neurons/run.py --print-cells                            the kernel's cells, in order
  --binary .build/release/connectome-kernel (default; a private kernelspec named `connectome` is written
  for it), or --installed-kernelspec to use the `connectome` kernelspec JUPYTER_PATH finds.
Writes bench/neurons/results/neurons-<date>.json and .md.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import generate  # noqa: E402

# One row per measured operation: key, label, what the peer runs, the measured peer time (ms).
OPS = [
    ("load_neurons_csv", "load {neurons} neurons CSV", "pandas.read_csv", 478),
    ("load_neurons_feather", "load {neurons} neurons Feather", "pandas.read_feather", 333),
    ("load_connections_csv", "load {connections} connections .csv.gz", "pandas.read_csv", 1770),
    ("load_connections_feather", "load {connections} connections Feather", "pandas.read_feather", 145),
    ("load_synapses_feather", "load {synapses} synapses Feather", "pandas.read_feather", 1630),
    ("dataset", "dataset (set the tables)", None, None),
    ("info_neurons", "info neurons (reads the table)", None, None),
    ("info_synapses", "info synapses (reads the table)", None, None),
    ("filter_exact", 'filter cell_class="kenyon_cell" (case-insensitive exact)', "filter_df", 63),
    ("filter_list", 'filter status=["proofread", "backbone"] (list any-of)', "filter_df", 125),
    ("filter_three", "filter three criteria ANDed", "NeuronCriteria (3× filter_df)", 116),
    ("where", 'n | where cell_type="KC_ab" (CSV table)', "filter_df", None),
    ("partners", "partners of 10 hubs ({connections} connections)", "get_connectivity (pandas)", 213),
    ("adjacency", "adjacency 500 × 500", "get_adjacency (pandas)", 61),
    ("skeleton", "skeleton {skeleton_nodes} nodes (precomputed)", "numpy decode + navis.TreeNeuron", None),
    ("nearest", "nearest 1,000 positions of the skeleton", "cKDTree build + query", 20.6),
    ("kdtree_build", "  cKDTree build on the nodes", "scipy cKDTree", 20),
    ("kdtree_query", "  cKDTree 1,000 queries", "scipy cKDTree.query", 0.6),
    ("reroot", "reroot the skeleton at a position", "cKDTree.query + navis.reroot_skeleton", 199),
]
LOADS = {"load_neurons_csv", "load_neurons_feather", "load_connections_csv", "load_connections_feather",
         "load_synapses_feather"}
CHECKPOINTS = ["after_loads", "end"]
# What each operation needs run before it (--only KEY,… runs these too): the kernel's keys; the pandas
# side maps `dataset` to the two Feather tables it reads.
NEEDS = {
    "info_neurons": ["dataset"], "info_synapses": ["dataset"],
    "filter_exact": ["dataset", "info_neurons"], "filter_list": ["dataset", "info_neurons"],
    "filter_three": ["dataset", "info_neurons"], "where": ["load_neurons_csv"],
    "partners": ["dataset", "info_synapses"], "adjacency": ["dataset", "info_synapses"],
    "skeleton": ["dataset"], "nearest": ["dataset", "skeleton"], "kdtree_build": ["nearest"],
    "kdtree_query": ["nearest"], "reroot": ["dataset", "skeleton", "nearest"],
}
PANDAS_NEEDS = {"dataset": ["load_neurons_feather", "load_connections_feather"]}


def selected(only):
    """The keys --only asks for with everything they need (None: all of OPS)."""
    if only is None:
        return None
    keys = {key for key, _, _, _ in OPS}
    wanted = set()

    def add(key):
        if key not in keys:
            sys.exit(f"--only: unknown operation {key!r}; the operations are {', '.join(k for k, _, _, _ in OPS)}")
        if key in wanted:
            return
        wanted.add(key)
        for need in NEEDS.get(key, []) + PANDAS_NEEDS.get(key, []):
            add(need)
    for key in only.split(","):
        if key.strip():
            add(key.strip())
    return wanted


def short(count):
    """140000 → 140k, 3000000 → 3M: the sizes in the operations' labels."""
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if count >= size:
            value = count / size
            return f"{value:.0f}{unit}" if value == int(value) or value >= 10 else f"{value:.1f}{unit}"
    return str(count)


def label_of(template, sizes):
    return template.format(**{k: short(v) for k, v in sizes.items()}).replace("|", "\\|")


def url(data, name):
    return "file://" + os.path.join(os.path.abspath(data), name)


def ids_text(ids):
    return "[" + ", ".join(str(i) for i in ids) + "]"


def kernel_cells(data, q):
    """The cells the kernel side sends, keyed like OPS (the spelling is LANGUAGE.md's / issue 9's)."""
    position = "({}, {}, {})".format(*q["reroot_position"])
    return {
        "load_neurons_csv": f'let n = load "{url(data, "neurons.csv")}"',
        "load_neurons_feather": f'let nf = load "{url(data, "neurons.feather")}"',
        "load_connections_csv": f'let c = load "{url(data, "connections.csv.gz")}"',
        "load_connections_feather": f'let cf = load "{url(data, "connections.feather")}"',
        "load_synapses_feather": f'let s = load "{url(data, "synapses.feather")}"',
        "dataset": (f'dataset neurons="{url(data, "neurons.feather")}" synapses="{url(data, "connections.feather")}" '
                    f'skeletons="precomputed://{url(data, "skeletons")}"'),
        "info_neurons": "info neurons",
        "info_synapses": "info synapses",
        "filter_exact": 'neurons cell_class="kenyon_cell"',
        "filter_list": 'neurons status=["proofread", "backbone"]',
        "filter_three": 'neurons cell_class="kenyon_cell" side="left" proofread=true',
        "where": 'n | where cell_type="KC_ab"',
        "partners": f"partners {ids_text(q['hubs'])}",
        "adjacency": f"adjacency {ids_text(q['adjacency'])}",
        "skeleton": f"let sk = skeleton {q['skeleton_id']}",
        "nearest": "nearest [" + ", ".join("({}, {}, {})".format(*p) for p in q["nearest"]) + "] of sk",
        "reroot": f"reroot sk at {position}",
    }


# Untimed cells after the loads: what the kernel read, for the record (row counts to compare with pandas').
CHECK_CELLS = ["count n", "count nf", "count c", "count cf", "count s"]


# ------------------------------------------------------------------ memory
def proc_status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = round(int(value.split()[0]) / 1024, 1)  # MB
    except OSError:
        pass
    return {"rss_mb": out.get("VmRSS"), "hwm_mb": out.get("VmHWM")}


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU time of a whole process (all its threads), from /proc (clock-tick resolution)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_totals():
    """(steal, all) ticks of the machine's CPUs so far, from /proc/stat's first line."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return ticks[7], sum(ticks[:8])


def steal_percent(before, after):
    """The share of CPU time the hypervisor gave to other guests between two `cpu_totals()`: on a
    shared VM it, not load average, says how much a run's wall-clock times are to be trusted."""
    return 100 * (after[0] - before[0]) / max(1, after[1] - before[1])


# ------------------------------------------------------------------ peers (child processes)
def describe(result):
    """A short description of a result, to compare with what the kernel shows."""
    import pandas as pd
    if isinstance(result, pd.DataFrame):
        return {"rows": int(result.shape[0]), "columns": int(result.shape[1])}
    if hasattr(result, "num_rows"):
        return {"rows": int(result.num_rows), "columns": int(result.num_columns)}
    if hasattr(result, "n_nodes"):
        return {"nodes": int(result.n_nodes), "root": [int(r) for r in result.root]}
    if isinstance(result, tuple) and len(result) == 2:
        return {"queries": int(len(result[1]))}
    return {"type": type(result).__name__}


class Recorder:
    def __init__(self):
        self.ms, self.cpu_ms, self.repr_ms, self.results, self.memory = {}, {}, {}, {}, {}

    def run(self, key, fn, times=1, display=True):
        """Runs fn `times` times; records each time (ms), the HTML repr time of the last result, its shape."""
        result = None
        for _ in range(times):
            result = None
            start, cpu = time.perf_counter(), time.process_time()
            result = fn()
            self.ms.setdefault(key, []).append(round((time.perf_counter() - start) * 1e3, 3))
            self.cpu_ms.setdefault(key, []).append(round((time.process_time() - cpu) * 1e3, 3))
        if display and hasattr(result, "_repr_html_"):
            start = time.perf_counter()
            result._repr_html_()
            self.repr_ms.setdefault(key, []).append(round((time.perf_counter() - start) * 1e3, 3))
        self.results[key] = describe(result)
        return result

    def checkpoint(self, name):
        self.memory[name] = proc_status("self")

    def report(self, **extra):
        return {"ms": self.ms, "cpu_ms": self.cpu_ms, "repr_ms": self.repr_ms, "results": self.results, "memory": self.memory, **extra}


def pandas_child(data, repeat, only=None):
    import numpy as np
    import pandas as pd
    import navis
    import pyarrow  # noqa: F401  (read_feather's engine)
    from scipy.spatial import cKDTree
    import peers
    navis.set_loggers("ERROR")
    with open(os.path.join(data, "queries.json")) as f:
        q = json.load(f)
    path = lambda name: os.path.join(data, name)  # noqa: E731
    r = Recorder()
    r.checkpoint("after_imports")
    wanted = (lambda key: True) if only is None else (lambda key: key in only)  # noqa: E731

    def run(key, fn, times=1, display=True):
        return r.run(key, fn, times, display) if wanted(key) else None

    n = run("load_neurons_csv", lambda: pd.read_csv(path("neurons.csv")), display=False)
    nf = run("load_neurons_feather", lambda: pd.read_feather(path("neurons.feather")), display=False)
    c = run("load_connections_csv", lambda: pd.read_csv(path("connections.csv.gz")), display=False)
    cf = run("load_connections_feather", lambda: pd.read_feather(path("connections.feather")), display=False)
    s = run("load_synapses_feather", lambda: pd.read_feather(path("synapses.feather")), display=False)
    r.checkpoint("after_loads")
    id_types = {}
    if n is not None:
        id_types["neurons.csv root_id"] = str(n["root_id"].dtype)
    if c is not None:
        id_types["connections.csv.gz pre_root_id"] = str(c["pre_root_id"].dtype)

    if nf is not None:
        peers.lists_from_arrow(nf, generate.LIST_FIELDS)  # untimed: crantpy's table holds Python lists
    run("filter_exact", lambda: peers.filter_df(nf, "cell_class", "kenyon_cell"), repeat)
    run("filter_list", lambda: peers.filter_df(nf, "status", ["proofread", "backbone"]), repeat)
    run("filter_three", lambda: peers.neuron_criteria(nf, cell_class="kenyon_cell", side="left", proofread=True), repeat)
    run("where", lambda: peers.filter_df(n, "cell_type", "KC_ab"), repeat)
    run("partners", lambda: peers.partners(cf, q["hubs"]), repeat)
    run("adjacency", lambda: peers.adjacency(cf, q["adjacency"]), repeat)
    if not (wanted("skeleton") or wanted("nearest") or wanted("reroot")):
        r.checkpoint("end")
        del n, nf, c, cf, s
        return r.report(id_types=id_types, expected_reroot_node=q["reroot_node"])

    skeleton_path = os.path.join(data, "skeletons", str(q["skeleton_id"]))
    sk = r.run("skeleton", lambda: peers.load_skeleton(skeleton_path, q["skeleton_id"]), repeat, display=False)
    nodes = sk.nodes
    positions = nodes[["x", "y", "z"]].to_numpy()
    node_ids = nodes["node_id"].to_numpy()
    queries = np.asarray(q["nearest"], dtype=np.float64)
    tree = None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        tree = cKDTree(positions)
        built, built_cpu = time.perf_counter(), time.process_time()
        distances, index = tree.query(queries)
        found = node_ids[index]
        done, done_cpu = time.perf_counter(), time.process_time()
        for key, wall, used in (("kdtree_build", built - start, built_cpu - cpu), ("kdtree_query", done - built, done_cpu - built_cpu),
                                ("nearest", done - start, done_cpu - cpu)):
            r.ms.setdefault(key, []).append(round(wall * 1e3, 3))
            r.cpu_ms.setdefault(key, []).append(round(used * 1e3, 3))
    r.results["nearest"] = {"queries": len(found), "first_nodes": [int(v) for v in found[:5]]}

    def reroot():
        node = node_ids[tree.query(np.asarray(q["reroot_position"], dtype=np.float64))[1]]
        return navis.reroot_skeleton(sk, node, inplace=False)
    rerooted = run("reroot", reroot, repeat, display=False)
    r.checkpoint("end")
    held = (n, nf, c, cf, s, sk, rerooted)  # everything stays held until the checkpoint above
    del held
    return r.report(id_types=id_types, expected_reroot_node=q["reroot_node"])


def pyarrow_child(data, repeat, only=None):
    import pyarrow as pa
    import pyarrow.csv as csv
    import pyarrow.feather as feather
    path = lambda name: os.path.join(data, name)  # noqa: E731
    r = Recorder()
    # Without column types pyarrow reads IDs above 2^63 as doubles (inexact): the ID columns are typed.
    neuron_ids = {name: pa.uint64() for name in ("root_id", "root_id_processed", "supervoxel_id")}
    connection_ids = {name: pa.uint64() for name in ("pre_root_id", "post_root_id")}
    run = (lambda key, fn, display: r.run(key, fn, display=display) if only is None or key in only else None)  # noqa: E731
    held = [
        run("load_neurons_csv", lambda: csv.read_csv(path("neurons.csv"), convert_options=csv.ConvertOptions(column_types=neuron_ids)), display=False),
        run("load_neurons_feather", lambda: feather.read_table(path("neurons.feather")), display=False),
        run("load_connections_csv", lambda: csv.read_csv(path("connections.csv.gz"), convert_options=csv.ConvertOptions(column_types=connection_ids)), display=False),
        run("load_connections_feather", lambda: feather.read_table(path("connections.feather")), display=False),
        run("load_synapses_feather", lambda: feather.read_table(path("synapses.feather")), display=False),
    ]
    r.checkpoint("after_loads")
    del held
    return r.report()


def run_child(kind, data, repeat, only=None):
    """One peer process: its JSON report plus its peak RSS (wait4's ru_maxrss, MB)."""
    command = [sys.executable, os.path.abspath(__file__), "--child", kind, "--data-dir", data, "--repeat", str(repeat)]
    if only is not None:
        command += ["--only", ",".join(sorted(only))]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, cwd=HERE)
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if code != 0:
        raise RuntimeError(f"peer {kind} failed ({code}):\n{stderr[-3000:]}")
    report = json.loads(stdout.strip().splitlines()[-1])
    report["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    return report


# ------------------------------------------------------------------ ours (through a Jupyter client)
DELIM = b"<IDS|MSG>"


class Kernel:
    """A connectome kernel started by jupyter_client; cells timed on the raw ZeroMQ frames."""

    def __init__(self, spec_dirs, log_path, timeout):
        import zmq
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpecManager
        self.zmq, self.timeout = zmq, timeout
        self.ctx = zmq.Context()
        self.ctx.setsockopt(zmq.RCVHWM, 0)  # never let IOPub drop a large display
        self.ctx.setsockopt(zmq.LINGER, 0)
        ksm = KernelSpecManager()
        if spec_dirs:
            ksm.kernel_dirs = spec_dirs + list(ksm.kernel_dirs)
        self.log = open(log_path, "ab")
        self.km = KernelManager(kernel_name="connectome", kernel_spec_manager=ksm)
        self.km.start_kernel(stdout=self.log, stderr=self.log)
        self.kc = self.km.client(context=self.ctx)
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.pid = getattr(self.km.provisioner, "pid", None) or self.km.provisioner.process.pid
        self.shell, self.iopub = self.kc.shell_channel.socket, self.kc.iopub_channel.socket
        self.poller = zmq.Poller()
        self.poller.register(self.shell, zmq.POLLIN)
        self.poller.register(self.iopub, zmq.POLLIN)
        self.drain()

    def drain(self):
        while self.poller.poll(50):
            for sock in (self.shell, self.iopub):
                try:
                    while True:
                        sock.recv_multipart(self.zmq.NOBLOCK)
                except self.zmq.Again:
                    pass

    def execute(self, code):
        """ms from execute_request sent to status idle; the reply status; what was displayed."""
        cpu = cpu_seconds(self.pid)
        start = time.perf_counter()
        msg_id = self.kc.execute(code, silent=False, store_history=True, allow_stdin=False, stop_on_error=False)
        idle = reply = None
        outputs = []
        deadline = start + self.timeout
        while idle is None or reply is None:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no idle within {self.timeout} s for {code[:80]!r}")
            for sock in dict(self.poller.poll(int(min(left, 1.0) * 1000))):
                while True:
                    try:
                        frames = sock.recv_multipart(self.zmq.NOBLOCK)
                    except self.zmq.Again:
                        break
                    now = time.perf_counter()
                    i = frames.index(DELIM)
                    if json.loads(frames[i + 3]).get("msg_id") != msg_id:
                        continue
                    kind = json.loads(frames[i + 2])["msg_type"]
                    if sock is self.shell:
                        if kind == "execute_reply":
                            reply = json.loads(frames[i + 5])
                    elif kind == "status":
                        if json.loads(frames[i + 5]).get("execution_state") == "idle":
                            idle = now
                    elif kind != "execute_input":
                        outputs.append((kind, frames[i + 5]))  # decoded after the clock stops
        return {"ms": round((idle - start) * 1e3, 3), "cpu_ms": round((cpu_seconds(self.pid) - cpu) * 1e3, 3),
                "status": reply.get("status"),
                **summarize(outputs, reply)}

    def memory(self):
        return proc_status(self.pid)

    def stop(self):
        try:
            self.kc.stop_channels()
            self.km.shutdown_kernel(now=False)
        except Exception:  # noqa: BLE001
            self.km.shutdown_kernel(now=True)
        self.log.close()


def summarize(outputs, reply):
    """MIME types and sizes of what the cell showed, its first text lines, an error's name and value."""
    out = {"mimes": [], "bytes": 0, "text": None}
    for kind, content in outputs:
        body = json.loads(content)
        out["bytes"] += len(content)
        if kind in ("display_data", "execute_result", "update_display_data"):
            data = body.get("data", {})
            out["mimes"] += [m for m in data if m not in out["mimes"]]
            if out["text"] is None and "text/plain" in data:
                out["text"] = data["text/plain"][:600]
        elif kind == "stream":
            out.setdefault("stream", "")
            out["stream"] += body.get("text", "")[:600]
        elif kind == "error":
            out["error"] = f"{body.get('ename')}: {body.get('evalue')}"[:600]
    if reply.get("status") == "error" and "error" not in out:
        out["error"] = f"{reply.get('ename')}: {reply.get('evalue')}"[:600]
    return out


def shown_rows(text):
    """The row count a table display states ("… 139,980 more rows", "1,234 rows"), if it states one."""
    if not text:
        return None
    found = re.findall(r"([\d,]+)\s+rows?\b", text)
    return found[-1] if found else None


def ours_round(cells, spec_dirs, repeat, log_path, timeout, only=None):
    kernel = Kernel(spec_dirs, log_path, timeout)
    report = {"ms": {}, "cpu_ms": {}, "outputs": {}, "errors": {}, "memory": {}, "checks": {}}
    try:
        kernel.execute("1")  # untimed: the first cell of a fresh kernel
        report["memory"]["after_start"] = kernel.memory()
        for key, _, _, _ in OPS:
            if key not in cells or (only is not None and key not in only):
                continue
            for _ in range(1 if key in LOADS or key in ("dataset", "info_neurons", "info_synapses") else repeat):
                result = kernel.execute(cells[key])
                report["ms"].setdefault(key, []).append(result["ms"])
                report["cpu_ms"].setdefault(key, []).append(result["cpu_ms"])
                report["outputs"][key] = {k: v for k, v in result.items() if k not in ("ms", "cpu_ms")}
                if result.get("error") or result["status"] != "ok":
                    report["errors"][key] = result.get("error") or result["status"]
            if key == "load_synapses_feather" or (only is not None and key == "info_synapses"):
                report["memory"]["after_loads"] = kernel.memory()
                for check in CHECK_CELLS:
                    done = kernel.execute(check)
                    report["checks"][check] = done.get("text") or done.get("error")
        report["memory"]["end"] = kernel.memory()
    finally:
        kernel.stop()
    return report


def private_kernelspec(binary):
    """A kernelspec directory holding `connectome` → this binary (kernelspec/kernel.json with @BINARY@ set)."""
    root = tempfile.mkdtemp(prefix="bench-neurons-spec-")
    target = os.path.join(root, "connectome")
    os.makedirs(target)
    with open(os.path.join(ROOT, "kernelspec", "kernel.json")) as f:
        spec = json.load(f)
    spec["argv"] = [binary if a == "@BINARY@" else a for a in spec["argv"]]
    with open(os.path.join(target, "kernel.json"), "w") as f:
        json.dump(spec, f)
    return root


# ------------------------------------------------------------------ tables
def median(values):
    return statistics.median(values) if values else None


def merge(rounds):
    """Per side: every run of every op across rounds; medians; memory per checkpoint (max over rounds)."""
    merged = {"ms": {}, "cpu_ms": {}, "repr_ms": {}, "memory": {}, "results": {}, "errors": {}, "outputs": {}, "checks": {},
              "peak_rss_mb": []}
    for report in rounds:
        for key, values in report.get("ms", {}).items():
            merged["ms"].setdefault(key, []).extend(values)
        for field in ("cpu_ms", "repr_ms"):
            for key, values in report.get(field, {}).items():
                merged[field].setdefault(key, []).extend(values)
        for name, mem in report.get("memory", {}).items():
            merged["memory"].setdefault(name, []).append(mem)
        for field in ("results", "errors", "outputs", "checks"):
            merged[field].update(report.get(field, {}))
        if "peak_rss_mb" in report:
            merged["peak_rss_mb"].append(report["peak_rss_mb"])
        for extra in ("id_types", "expected_reroot_node"):
            if extra in report:
                merged[extra] = report[extra]
    merged["median_ms"] = {key: median(v) for key, v in merged["ms"].items()}
    merged["median_repr_ms"] = {key: median(v) for key, v in merged["repr_ms"].items()}
    merged["median_cpu_ms"] = {key: median(v) for key, v in merged["cpu_ms"].items()}
    return merged


def make_table(results):
    sides = results["sides"]
    ours, pandas_, arrow = sides.get("ours"), sides.get("pandas"), sides.get("pyarrow")
    fmt = lambda v: "–" if v is None else (f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:,.0f}")  # noqa: E731
    ratio = lambda a, b: "–" if a is None or not b else f"{a / b:.1f}×"  # noqa: E731
    med = lambda side, key: None if not side else side["median_ms"].get(key)  # noqa: E731
    s = results["sizes"]
    full_scale = results["scale"] == 1  # the peer times are for the full-size tables
    lines = [
        f"Neuron queries at scale {results['scale']:g} ({s['neurons']:,} neurons × 30 fields, {s['connections']:,} connections, "
        f"{s['synapses']:,} synapses, {s['skeleton_nodes']:,}-node skeleton), {results['rounds']} rounds, loads once and "
        f"queries {results['repeat']}× per round; median ms. Ours: execute_request → status idle through jupyter_client, "
        f"display included. Peer / ours > 1 means we are faster (aim: ≥ 2×). Issue 9's peer times for reference. "
        f"Load average before / after: {results['load_average_before'][0]:.1f} / {results['load_average_after'][0]:.1f} "
        f"on {results['cpus']} CPUs.",
        "",
        "| operation | ours | peer | peer ms | peer / ours | + HTML repr | pyarrow ms | pyarrow / ours | issue's peer ms | issue / ours |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, label, peer, reference in OPS:
        o, p, a = med(ours, key), med(pandas_, key), med(arrow, key)
        shown = "–" if not pandas_ else fmt(pandas_["median_repr_ms"].get(key))
        error = (ours or {}).get("errors", {}).get(key)
        if error:
            o = None
        label = label_of(label, s)
        lines.append(f"| {label} | {'error' if error else fmt(o)} | {peer or '–'} | {fmt(p)} | {ratio(p, o)} | {shown} | "
                     f"{fmt(a)} | {ratio(a, o)} | {fmt(reference)} | {ratio(reference, o) if full_scale else '–'} |")
    lines += ["", "CPU time (median ms of user + system time, all threads; the kernel's read from /proc in clock ticks of "
              f"{1000 / TICK:.0f} ms): less sensitive than wall time to the load of a shared machine.", "",
              "| operation | ours CPU | pandas CPU | pandas / ours | pyarrow CPU | pyarrow / ours |", "|---|---|---|---|---|---|"]
    cpu = lambda side, key: None if not side else side.get("median_cpu_ms", {}).get(key)  # noqa: E731
    for key, label, _, _ in OPS:
        o, p, a = cpu(ours, key), cpu(pandas_, key), cpu(arrow, key)
        if (ours or {}).get("errors", {}).get(key):
            o = None
        if o is None and p is None and a is None:
            continue
        lines.append(f"| {label_of(label, s)} | {fmt(o)} | {fmt(p)} | {ratio(p, o)} | {fmt(a)} | {ratio(a, o)} |")
    lines += ["", "Memory (MB; per checkpoint the largest over rounds): RSS of the kernel process vs the pandas process "
              "holding the same tables (after the five loads; at the end the kernel also holds the dataset's tables "
              "and the skeletons, pandas the skeletons and the cKDTree). Peak = VmHWM.", "",
              "| checkpoint | ours RSS | pandas RSS | ours / pandas | ours peak | pandas peak | pyarrow RSS |",
              "|---|---|---|---|---|---|---|"]

    def mem(side, name, field):
        values = [m.get(field) for m in (side or {}).get("memory", {}).get(name, []) if m.get(field) is not None]
        return max(values) if values else None
    for name in ["after_start", "after_imports"] + CHECKPOINTS:
        o, p = mem(ours, name, "rss_mb"), mem(pandas_, name, "rss_mb")
        if o is None and p is None:
            continue
        lines.append(f"| {name.replace('_', ' ')} | {fmt(o)} | {fmt(p)} | {ratio(o, p)} | {fmt(mem(ours, name, 'hwm_mb'))} | "
                     f"{fmt(mem(pandas_, name, 'hwm_mb'))} | {fmt(mem(arrow, name, 'rss_mb'))} |")

    lines += ["", "What each side produced (pandas: result shape; ours: the rows the display states, or the error):", "",
              "| operation | pandas | ours |", "|---|---|---|"]
    for key, label, _, _ in OPS:
        label = label_of(label, s)
        p = (pandas_ or {}).get("results", {}).get(key)
        out = (ours or {}).get("outputs", {}).get(key)
        if p is None and out is None:
            continue
        if out is None:
            o = "–"
        elif out.get("error"):
            o = "error: " + out["error"].splitlines()[0][:160]
        else:
            rows = shown_rows(out.get("text"))
            first = (out.get("text") or "").strip().splitlines()[:1]
            o = (f"{rows} rows" if rows else (first[0][:80] if first else "(no text)")) + f"; {', '.join(out.get('mimes', []))}"
        p_text = "–" if p is None else ", ".join(f"{k} {v}" for k, v in p.items())
        lines.append(f"| {label} | {p_text.replace('|', '/')} | {o.replace('|', '/')} |")
    if pandas_ and pandas_.get("id_types"):
        lines += ["", "pandas' ID dtypes: " + ", ".join(f"{k}: {v}" for k, v in pandas_["id_types"].items()) +
                  f"; expected reroot node {pandas_.get('expected_reroot_node')}."]
    if ours and ours.get("checks"):
        lines += ["", "Kernel checks after the loads: " + "; ".join(
            f"`{k}` → {(v or '').strip().splitlines()[0][:60] if v else '–'}" for k, v in ours["checks"].items())]
    return "\n".join(lines)


def versions():
    from importlib.metadata import version
    out = {"python": sys.version.split()[0]}
    for name in ("pandas", "pyarrow", "numpy", "scipy", "navis", "igraph", "jupyter_client", "pyzmq"):
        try:
            out[name] = version(name)
        except Exception:  # noqa: BLE001
            out[name] = None
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="shrinks every table (0.1: 14,000 neurons, ...)")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each query per round (loads run once)")
    side = ap.add_mutually_exclusive_group()
    side.add_argument("--peers-only", action="store_true")
    side.add_argument("--ours-only", action="store_true")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/connectome-kernel"))
    ap.add_argument("--installed-kernelspec", action="store_true",
                    help="use the `connectome` kernelspec on JUPYTER_PATH instead of one written for --binary")
    ap.add_argument("--data", help="cache root for the generated tables (default $TMPDIR/bench-neurons-data)")
    ap.add_argument("--fresh", action="store_true", help="generate the tables again")
    ap.add_argument("--timeout", type=float, default=900, help="seconds one kernel cell may take")
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--print-cells", action="store_true", help="print the kernel cells (in order, in full) and exit")
    ap.add_argument("--only", help="comma-separated operation keys (e.g. adjacency,nearest): those and the loads "
                    "and queries they need (the dataset, the skeleton), on both sides")
    ap.add_argument("--child", choices=["pandas", "pyarrow"], help=argparse.SUPPRESS)
    ap.add_argument("--data-dir", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        only = None if a.only is None else set(a.only.split(","))
        report = (pandas_child if a.child == "pandas" else pyarrow_child)(a.data_dir, a.repeat, only)
        print(json.dumps(report))
        return

    if a.print_cells:
        data = generate.ensure(a.scale, a.seed, a.data, a.fresh, log=lambda m: print(m, file=sys.stderr))
        with open(os.path.join(data, "queries.json")) as f:
            cells = kernel_cells(data, json.load(f))
        for key, _, _, _ in OPS:
            if key in cells:
                print(cells[key])
                if key == "load_synapses_feather":
                    print("\n".join(CHECK_CELLS))
        return
    only = selected(a.only)
    run_ours, run_peers = not a.peers_only, not a.ours_only
    spec_dirs = []
    if run_ours and not a.installed_kernelspec:
        binary = os.path.abspath(a.binary)
        if not os.access(binary, os.X_OK):
            sys.exit(f"{binary} does not exist: build it with `make build` (or pass --binary, --installed-kernelspec, --peers-only)")
        spec_dirs = [private_kernelspec(binary)]
    data = generate.ensure(a.scale, a.seed, a.data, a.fresh)
    with open(os.path.join(data, "queries.json")) as f:
        q = json.load(f)
    cells = kernel_cells(data, q)
    log_path = os.path.join(tempfile.gettempdir(), "bench-neurons-kernel.log")
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "scale": a.scale, "seed": a.seed,
               "sizes": q["sizes"], "rounds": a.rounds, "repeat": a.repeat, "cpus": os.cpu_count(),
               "data": data, "versions": versions(), "load_average_before": os.getloadavg(),
               "cells": {k: (v if len(v) < 400 else v[:300] + f" … ({len(v):,} characters)") for k, v in cells.items()},
               "check_cells": CHECK_CELLS, "sides": {}}
    rounds = {"pandas": [], "pyarrow": [], "ours": []}
    try:
        for index in range(a.rounds):
            order = ["peers", "ours"] if index % 2 == 0 else ["ours", "peers"]
            print(f"round {index + 1}/{a.rounds}:", end="", flush=True)
            for which in order:
                if which == "peers" and run_peers:
                    for kind in ("pandas", "pyarrow"):
                        if kind == "pyarrow" and only is not None and not (only & LOADS):
                            continue
                        report = run_child(kind, data, a.repeat, only)
                        rounds[kind].append(report)
                        print(f" {kind} {sum(v[0] for v in report['ms'].values()) / 1e3:.1f} s", end="", flush=True)
                elif which == "ours" and run_ours:
                    report = ours_round(cells, spec_dirs, a.repeat, log_path, a.timeout, only)
                    rounds["ours"].append(report)
                    failed = f" ({len(report['errors'])} cells failed)" if report["errors"] else ""
                    print(f" ours {sum(v[0] for v in report['ms'].values()) / 1e3:.1f} s{failed}", end="", flush=True)
            print(flush=True)
    finally:
        for directory in spec_dirs:
            shutil.rmtree(directory, ignore_errors=True)
    for kind, reports in rounds.items():
        if reports:
            results["sides"][kind] = merge(reports)
    results["load_average_after"] = os.getloadavg()

    table = make_table(results)
    print()
    print(table)
    os.makedirs(a.results, exist_ok=True)
    stem = os.path.join(a.results, "neurons-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    with open(stem + ".json", "w") as f:
        json.dump(results, f, indent=1)
    with open(stem + ".md", "w") as f:
        f.write(table + "\n")
    print(f"\nwrote {stem}.json and {stem}.md")


if __name__ == "__main__":
    main()
