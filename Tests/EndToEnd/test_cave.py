"""The kernel's chunked-graph commands against a local CAVE server, checked against CAVEclient.

`cave_server` speaks CAVE's protocol (info service, middle_auth's 401/403/302, PyChunkedGraph's
is_latest_roots / roots_binary / leaves with their encodings) over a graph derived from the
sample's neuron table, with proofreading edits (split and merged roots). CAVEclient 8 runs against
the same server, so the server is held to the protocol CAVEclient speaks, and the kernel's tables
must equal CAVEclient's answers (and crantpy's update_ids rules written with CAVEclient calls).
"""
import csv
import datetime
import json
import os
import pathlib
import stat
import subprocess
import tempfile
import time
import urllib.request

import numpy as np
import pytest

from conftest import binary
from cave_server import server as cave

caveclient = pytest.importorskip("caveclient")

SAMPLE_DIR = pathlib.Path(os.environ.get("XDG_CACHE_HOME", "")) / "connectome-kernel" / "sample-v1"
UTC = datetime.timezone.utc


@pytest.fixture(scope="module")
def server():
    s = cave.start(str(SAMPLE_DIR))
    yield s
    s.shutdown()
    s.server_close()


@pytest.fixture()
def home(tmp_path):
    """A HOME with the good token in cave-secret.json (where CAVEclient reads it too)."""
    secrets = tmp_path / ".cloudvolume" / "secrets"
    secrets.mkdir(parents=True)
    (secrets / "cave-secret.json").write_text('{"token": "good-token"}')
    return tmp_path


@pytest.fixture(autouse=True)
def caveclient_home(monkeypatch, tmp_path):
    """CAVEclient writes a datastack cache under HOME: a temporary one, restored after each test."""
    home = tmp_path / "caveclient-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))


def client(server, home, token="good-token"):
    return caveclient.CAVEclient(datastack_name=cave.DATASTACK, server_address=server.url, auth_token=token)


def kernel(server, home, cells, check=True, env=None, setup=""):
    """Runs `dataset cave` (and `setup`, lines that show no table) then each cell with
    `connectome-kernel eval`, saving each cell's table as CSV; returns (process, [rows of each table
    as lists of strings])."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ck-cave-"))
    script = folder / "cells.cq"
    script.write_text(f'dataset cave server="{server.url}" datastack="{cave.DATASTACK}"\n' + setup
                      + "".join(f'{c} | save "{folder}/t{i}.csv"\n' for i, c in enumerate(cells)))
    full_env = dict(os.environ, HOME=str(home), TZ="America/New_York", **(env or {}))
    proc = subprocess.run([binary(), "eval", str(script)], capture_output=True, text=True, timeout=300, env=full_env)
    if check and proc.returncode != 0:
        raise AssertionError(f"eval failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    results = []
    for i in range(len(cells)):
        path = folder / f"t{i}.csv"
        if path.exists():
            with open(path, newline="") as f:
                results.append([[cell.lower() for cell in row] for row in list(csv.reader(f))[1:]])
    return proc, results


def ids(column):
    return [int(x) for x in column]


def graph_ids(server):
    g = server.graph
    roots = [n["root"] for n in g.neurons]
    new_roots = sorted(r for r in g.created if r not in roots)
    supervoxels = [sv for l2 in g.svs_of_l2.values() for sv in l2]
    return roots, new_roots, supervoxels


def crantpy_update_ids(cg, ids_, timestamp):
    """crantpy's update_ids rules (neurons.md §4.4) on CAVEclient calls, without supervoxels."""
    rows = []
    for old in ids_:
        if old == 0:
            rows.append((0, 0, 0.0, False))
        elif cg.is_latest_roots([old], timestamp=timestamp)[0]:
            rows.append((old, old, 1.0, False))
        else:
            new, fraction = cg.suggest_latest_roots(old, timestamp=timestamp, stop_layer=2, return_fraction_overlap=True)
            rows.append((old, int(new), float(fraction), int(new) != old))
    return rows


@pytest.mark.parametrize("at", [None, "2025-06-15T15:05:00", cave.EDIT_TIME + 60])
def test_latest_roots_and_update_equal_caveclient(server, home, at):
    c = client(server, home)
    roots, new_roots, supervoxels = graph_ids(server)
    asked = roots + new_roots + [roots[0]]
    if at is None:
        suffix, ts = "", None
    elif isinstance(at, str):
        # Naive ISO is UTC (the kernel runs with TZ=America/New_York: local time would be after the edits).
        suffix, ts = f' at="{at}"', datetime.datetime.fromisoformat(at).replace(tzinfo=UTC)
    else:
        suffix, ts = f" at={int(at)}", datetime.datetime.fromtimestamp(at, UTC)
    update_ids = roots[:8] + [0] + new_roots[:2]
    _, (latest, root_table, update) = kernel(server, home, [
        "latest " + json.dumps(asked) + suffix,
        "roots " + json.dumps(supervoxels) + suffix,
        "update " + json.dumps(update_ids) + suffix + " clear_cache=true",
    ])

    expected = c.chunkedgraph.is_latest_roots(asked, timestamp=ts)
    assert ids(r[0] for r in latest) == asked
    assert [r[1] == "true" for r in latest] == [bool(x) for x in expected]
    # The control: the edits show, so the comparison can fail.
    assert (ts is None or ts.timestamp() >= cave.EDIT_TIME) == (not all(expected[:5]))

    expected_roots = c.chunkedgraph.get_roots(supervoxels, timestamp=ts)
    assert ids(r[0] for r in root_table) == supervoxels
    assert ids(r[1] for r in root_table) == [int(x) for x in expected_roots]

    expected_update = crantpy_update_ids(c.chunkedgraph, update_ids, ts)
    got = [(int(r[0]), int(r[1]), float(r[2]), r[3] == "true") for r in update]
    assert got == expected_update
    if ts is None or ts.timestamp() >= cave.EDIT_TIME:
        assert sum(row[3] for row in got) == 5  # three splits, two merged roots


def test_supervoxels_equal_caveclient_leaves(server, home):
    c = client(server, home)
    roots, new_roots, _ = graph_ids(server)
    _, (leaves, l2) = kernel(server, home, [f"supervoxels {roots[0]}", f"supervoxels {new_roots[0]} stop_layer=2"])
    assert ids(r[0] for r in leaves) == [int(x) for x in c.chunkedgraph.get_leaves(roots[0])]
    assert ids(r[0] for r in l2) == [int(x) for x in c.chunkedgraph.get_leaves(new_roots[0], stop_layer=2)]
    assert len(leaves) == 12


def test_large_calls_go_in_batches_and_zeros_are_not_sent(server, home):
    roots, _, _ = graph_ids(server)
    many = roots + [(8 << 56) | (5_000_000_000 + i) for i in range(150_001 - len(roots))]
    server.batch_sizes.clear()
    _, (table,) = kernel(server, home, ["latest " + json.dumps([0] + many + [0])])
    assert len(table) == len(many) + 2
    assert table[0] == ["0", "false"]
    assert server.batch_sizes == [("is_latest_roots", 100_000), ("is_latest_roots", 50_001)]


def test_every_request_says_it_is_programmatic_and_carries_the_token(server, home):
    server.seen.clear()
    kernel(server, home, ["latest 1"])
    assert server.seen and all(r["x_requested_with"] and r["token"] == "good-token" for r in server.seen)
    # The server's side of the rule: the same request without those headers is sent to the login page.
    request = urllib.request.Request(server.url + "/info/api/v2/datastacks")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.build_opener(NoRedirect).open(request)
    assert answer.value.code == 302 and "/auth/api/v1/authorize" in answer.value.headers["Location"]


@pytest.mark.parametrize("token, words", [
    (None, ["401", "no CAVE token is set for 127.0.0.1", "Run token"]),
    ("expired-token", ["401", "invalid or expired", "create_token"]),
    ("nopermission-token", ["403", "view permission", cave.DATASTACK]),
    ("tos-token", ["403", "terms of service", "CRANT terms", "/sticky_auth/tos/1/accept"]),
])
def test_refusals_are_auth_errors_that_say_which_and_what_to_do(server, tmp_path, token, words):
    secrets = tmp_path / ".cloudvolume" / "secrets"
    secrets.mkdir(parents=True)
    if token:
        (secrets / "cave-secret.json").write_text(json.dumps({"token": token}))
    # CAVEclient sees the same refusal.
    with pytest.raises(Exception) as refused:
        client(server, tmp_path, token=token or "").info.get_datastack_info()
    assert any(code in str(refused.value) for code in ("401", "403"))
    proc, _ = kernel(server, tmp_path, [], check=False)
    assert proc.returncode != 0
    assert "AuthError" in proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert "good-token" not in proc.stderr and (token is None or token not in proc.stdout + proc.stderr)


def test_faults_503_then_200_and_429_with_retry_after(server, home):
    roots, _, _ = graph_ids(server)
    faults = [{"path": "is_latest_roots", "status": 503, "count": 1},
              {"path": "roots_binary", "status": 429, "count": 1, "retry_after": 1}]
    urllib.request.urlopen(urllib.request.Request(server.url + "/_test/faults", data=json.dumps(faults).encode(), method="POST"))
    started = time.monotonic()
    _, (latest, root_table) = kernel(server, home, [f"latest {roots[10]}", f"roots {server.graph.neurons[10]['supervoxel']}"])
    assert latest == [[str(roots[10]), "true"]] and root_table == [[str(server.graph.neurons[10]["supervoxel"]), str(roots[10])]]
    assert time.monotonic() - started >= 1.0
    assert all(f["count"] == 0 for f in server.faults)


def test_token_prompt_saves_where_caveclient_reads_it(server, tmp_path, monkeypatch):
    """`token` asks with a hidden prompt, saves the files (0600), never shows the token; CAVEclient then finds it."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    specs = tmp_path / "kernels" / "ck-cave"
    specs.mkdir(parents=True)
    (specs / "kernel.json").write_text(json.dumps({"argv": [binary(), "run", "-f", "{connection_file}"],
                                                   "display_name": "ck", "language": "connectome"}))
    km = KernelManager(kernel_name="ck-cave", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")]))
    km.start_kernel(env=dict(os.environ, HOME=str(tmp_path)))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        messages = []

        def run(code, answer=None):
            msg_id = kc.execute(code, allow_stdin=answer is not None)
            if answer is not None:
                request = kc.get_stdin_msg(timeout=30)
                assert request["msg_type"] == "input_request" and request["content"]["password"] is True
                kc.input(answer)
            reply = kc.get_shell_msg(timeout=120)
            while True:
                msg = kc.get_iopub_msg(timeout=30)
                messages.append(msg)
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle" and msg["parent_header"].get("msg_id") == msg_id:
                    break
            return reply["content"]

        assert run(f'dataset cave server="{server.url}" datastack="{cave.DATASTACK}"')["status"] == "error"  # no token yet: 401
        assert run("token", answer="good-token")["status"] == "ok"
        assert run(f'dataset cave server="{server.url}" datastack="{cave.DATASTACK}"')["status"] == "ok"
        assert run(f"latest {server.graph.neurons[10]['root']}")["status"] == "ok"
        assert "good-token" not in json.dumps([m["content"] for m in messages])
        history = kc.history(hist_access_type="tail", n=10, reply=True, timeout=10)
        assert "good-token" not in json.dumps(history["content"])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    secrets = tmp_path / ".cloudvolume" / "secrets"
    port = server.server_address[1]
    for name in (f"127.0.0.1:{port}-cave-secret.json", "cave-secret.json"):
        assert stat.S_IMODE((secrets / name).stat().st_mode) == 0o600
        assert json.loads((secrets / name).read_text()) == {"token": "good-token"}
    monkeypatch.setenv("HOME", str(tmp_path))  # CAVEclient reads the token the kernel saved
    found = caveclient.CAVEclient(datastack_name=cave.DATASTACK, server_address=server.url)
    assert bool(found.chunkedgraph.is_latest_roots([server.graph.neurons[10]["root"]])[0])


def test_annotation_rows_follow_the_graph_edits_and_query_ids_do_not(server, home):
    """crantpy's update_ids on tables: the table's root_id values are brought up to date (a stale root
    through its row's supervoxel_id) before annotations matches; the IDs asked for are not updated."""
    g = server.graph
    split, merged = g.neurons[0], g.neurons[3]
    # The sample's rows of the neurons the local graph knows (a real graph knows every root).
    known = pathlib.Path(tempfile.mkdtemp(prefix="ck-cave-")) / "neurons.csv"
    known.write_text("".join((SAMPLE_DIR / "neurons.csv").read_text().splitlines(keepends=True)[:len(g.neurons) + 1]))
    table = f'dataset neurons="file://{known}"\n'
    _, (new_split, new_merged) = kernel(server, home, [
        f"update {split['root']} supervoxels=[{split['supervoxel']}] | select new_id",
        f"update {merged['root']} supervoxels=[{merged['supervoxel']}] | select new_id"])
    new_split, new_merged = int(new_split[0][0]), int(new_merged[0][0])
    assert new_split != split["root"] and new_merged != merged["root"]
    _, (found, as_given, rows) = kernel(server, home, [
        f"annotations [{new_split}, {new_merged}] | select root_id supervoxel_id",
        f"annotations {split['root']} update_ids=false | select root_id",
        f"neurons | head 40 | select root_id"], setup=table)
    pairs = {(int(r[0]), int(r[1])) for r in found}
    assert {(new_split, split["supervoxel"]), (new_merged, merged["supervoxel"])} <= pairs
    assert {root for root, _ in pairs} == {new_split, new_merged}
    assert as_given == [[str(split["root"])]]
    # `neurons` without criteria is the table as it is (crantpy updates only the matches of criteria).
    assert int(rows[0][0]) == g.neurons[0]["root"]
    proc, _ = kernel(server, home, [f"annotations {split['root']}"], check=False, setup=table)
    assert "NoMatchesError" in proc.stdout + proc.stderr
    code = f'dataset cave server="{server.url}" datastack="{cave.DATASTACK}"\n{table}neurons root_id={split["root"]}\n'
    shown = subprocess.run([binary(), "eval", code], capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, HOME=str(home))).stdout
    assert "1 stale ID brought up to date" in shown and str(new_split) in shown
