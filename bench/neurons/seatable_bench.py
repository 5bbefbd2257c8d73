#!/usr/bin/env python3
"""CRANT's annotation table from Seatable, side by side: the kernel's `neurons` against seatable-api +
pandas as crantpy runs them, on the local Seatable server (Tests/EndToEnd/cave_server/seatable.py)
serving a 12,000-row CRANTb_meta-like table in two pages of 10,000.

  peer  a fresh Python process each round: seatable_api and pandas imported untimed, then timed: the
        login chain (Account.get_base), `SELECT <30 fields> LIMIT 10000 OFFSET k` until a short page,
        pd.DataFrame(rows) (crantpy's get_all_seatable_annotations), and crantpy's position parsing;
        its peak RSS
  ours  a `connectome` kernel started by jupyter_client (run.py's Kernel): `dataset crant seatable=…`
        untimed, then `neurons clear_cache=true | count` timed from execute_request to idle (a new
        login, both pages, typed columns), and `neurons | count` from the 2-hour cache; its RSS

  floor the same HTTP requests (the two login GETs and both SQL pages) with http.client on one
        kept-alive connection, bodies read and not decoded: the server's and the loopback's own time

Both read the same server, which runs in a process of its own (no GIL shared with the clock) and
encodes each page once. Ratios are peer / ours (2.0× = half the time).

Usage: .venv/bin/python bench/neurons/seatable_bench.py [--rounds 3] [--repeat 3]
       [--binary .build/release/connectome-kernel] [--sample DIR]
Writes bench/neurons/results/seatable-<date>.json and .md.
"""
import argparse
import datetime
import http.client
import json
import os
import resource
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
from cave_server import seatable  # noqa: E402

FIELDS = ["root_id", "root_id_processed", "supervoxel_id", "position", "nucleus_id", "nucleus_position",
          "root_position", "cave_table", "proofread", "status", "region", "proofreader_notes", "side", "nerve", "tract",
          "hemilineage", "flow", "super_class", "cell_class", "cell_type", "cell_subtype", "cell_instance", "known_nt",
          "known_nt_source", "alternative_names", "annotator_notes", "user_annotator", "user_proofreader", "ngl_link",
          "date_proofread"]

PEER = r'''
import json, sys, time
import pandas as pd
import seatable_api
url, token, workspace, base_name, table, fields, repeat = json.loads(sys.argv[1])
times = []
for _ in range(repeat):
    start = time.perf_counter()
    account = seatable_api.Account(login_name=[], password=[], server_url=url + "/")
    account.token = token
    base = account.get_base(workspace_id=workspace, base_name=base_name)
    rows, offset = [], 0
    while True:
        page = base.query(f"SELECT {', '.join(fields)} FROM {table} LIMIT 10000 OFFSET {offset}")
        rows.extend(page)
        if len(page) < 10000:
            break
        offset += 10000
    df = pd.DataFrame(rows)
    for column in ("position", "nucleus_position", "root_position"):
        df[column] = df[column].map(lambda v: [int(t) for t in v.split(",") if t.strip().isdigit()] if isinstance(v, str) else [])
    times.append(round((time.perf_counter() - start) * 1e3, 3))
print(json.dumps({"ms": times, "rows": int(df.shape[0]), "columns": int(df.shape[1])}))
'''


def serve(sample):
    server = seatable.start(sample)
    print(server.url, flush=True)
    sys.stdin.read()  # until the bench closes the pipe
    server.shutdown()


class Remote:
    """The server process's address, as the server object's (`url`)."""

    def __init__(self, url):
        self.url = url


def floor_round(server, repeat):
    """ms of the login chain and both pages with http.client (bytes only); the first run warms up."""
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)

    def call(method, path, token, body=None):
        headers = {"Authorization": f"Token {token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        assert response.status == 200, (response.status, data[:200])
        return data

    times = []
    for run in range(repeat + 1):
        start = time.perf_counter()
        base = json.loads(call("GET", f"/api/v2.1/workspace/{seatable.WORKSPACE_ID}/dtable/{seatable.BASE_NAME}/temp-api-token/",
                               seatable.ACCOUNT_TOKEN))["api_token"]
        access = json.loads(call("GET", "/api/v2.1/dtable/app-access-token/", base))["access_token"]
        for offset in (0, 10_000):
            sql = f"SELECT {', '.join(FIELDS)} FROM {seatable.TABLE_NAME} LIMIT 10000 OFFSET {offset}"
            call("POST", f"/api-gateway/api/v2/dtables/{seatable.DTABLE_UUID}/sql", access, json.dumps({"sql": sql, "convert_keys": True}))
        if run:
            times.append(round((time.perf_counter() - start) * 1e3, 3))
    connection.close()
    return times


def peer_round(server, repeat):
    arguments = json.dumps([server.url, seatable.ACCOUNT_TOKEN, seatable.WORKSPACE_ID, seatable.BASE_NAME,
                            seatable.TABLE_NAME, FIELDS, repeat])
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, "-c", PEER, arguments], capture_output=True, text=True, check=True, timeout=600)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    report["peak_rss_mb"] = round(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024, 1)
    return report


def ours_round(server, spec_dirs, repeat, log_path):
    os.environ["CRANTTABLE_TOKEN"] = seatable.ACCOUNT_TOKEN
    kernel = neurons_run.Kernel(spec_dirs, log_path, timeout=600)
    try:
        first = kernel.execute(f'dataset crant seatable="{server.url}"')
        assert first["status"] == "ok", first
        fresh, cached = [], []
        for _ in range(repeat):
            result = kernel.execute("neurons clear_cache=true | count")
            assert result["status"] == "ok" and "12000" in (result["text"] or "").replace(",", ""), result
            fresh.append(result["ms"])
            cached.append(kernel.execute("neurons | count")["ms"])
        return {"fresh_ms": fresh, "cached_ms": cached, "memory": kernel.memory()}
    finally:
        kernel.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "connectome-kernel"))
    ap.add_argument("--sample", default=os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                                     "connectome-kernel", "sample-v1"))
    ap.add_argument("--tag", default="")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve:
        serve(a.sample)
        return
    if not os.path.exists(os.path.join(a.sample, "neurons.csv")):
        sys.exit(f"no sample at {a.sample}: write it with `connectome-kernel sample` (or pass --sample)")
    process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", "--sample", a.sample],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    server = Remote(process.stdout.readline().strip())
    load = os.getloadavg()
    ticks = neurons_run.cpu_totals()
    floor_round(server, 0)  # the server encodes both pages once, untimed
    spec_dirs = [neurons_run.private_kernelspec(os.path.abspath(a.binary))]
    log = os.path.join(tempfile.mkdtemp(prefix="bench-seatable-"), "kernel.log")
    peers, ours = [], []
    for round_ in range(a.rounds):
        sides = [("peer", lambda: peers.append(peer_round(server, a.repeat))),
                 ("ours", lambda: ours.append(ours_round(server, spec_dirs, a.repeat, log)))]
        for _, run in (sides if round_ % 2 == 0 else sides[::-1]):
            run()
    floors = floor_round(server, a.rounds * a.repeat)
    process.stdin.close()
    process.wait(timeout=30)
    steal = neurons_run.steal_percent(ticks, neurons_run.cpu_totals())
    floor_ms = statistics.median(floors)
    peer_ms = statistics.median(ms for r in peers for ms in r["ms"])
    fresh_ms = statistics.median(ms for r in ours for ms in r["fresh_ms"])
    cached_ms = statistics.median(ms for r in ours for ms in r["cached_ms"])
    peer_rss = max(r["peak_rss_mb"] for r in peers)
    our_rss = max((r["memory"].get("hwm_mb") or 0) for r in ours)
    rows = [("12,000 rows, 2 pages: login + SQL + table", f"{peer_ms:.0f}", f"{fresh_ms:.0f}", f"{floor_ms:.1f}", f"{peer_ms / fresh_ms:.1f}×"),
            ("the same from the 2 h cache", "—", f"{cached_ms:.1f}", "—", "—"),
            ("peak RSS (MB)", f"{peer_rss:.0f}", f"{our_rss:.0f}", "—", f"{peer_rss / our_rss:.1f}×" if our_rss else "—")]
    date = datetime.date.today().isoformat() + (f"-{a.tag}" if a.tag else "")
    table = "\n".join([f"# Seatable annotation table, {date}", "",
                       f"{a.rounds} rounds × {a.repeat} reads; medians. peer = seatable-api {seatable_api_version()} + pandas (crantpy's code); ours = `neurons clear_cache=true | count` through Jupyter; "
                       f"floor = the same requests with http.client (bytes only). Load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after; "
                       f"CPU steal (time the VM's host gave to other guests) {steal:.1f} % during the run.", "",
                       "| operation | peer ms | ours ms | floor ms | peer / ours |", "|---|---|---|---|---|"]
                      + [f"| {' | '.join(r)} |" for r in rows])
    print(table)
    out = os.path.join(HERE, "results", f"seatable-{date}")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".json", "w") as f:
        json.dump({"peer": peers, "ours": ours, "floor": floors, "rows": seatable.ROWS, "load_before": load, "steal_percent": steal}, f, indent=1)
    with open(out + ".md", "w") as f:
        f.write(table + "\n")


def seatable_api_version():
    try:
        from importlib.metadata import version
        return version("seatable-api")
    except Exception:  # noqa: BLE001
        return "?"


if __name__ == "__main__":
    main()
