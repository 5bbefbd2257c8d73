"""The kernel's synapse commands on a CAVE datastack against the local materialization service,
checked against CAVEclient's frames with crantpy's rules written in pandas (neurons.md §5.5).

`cave_server.materialization` answers as MaterializationEngine does (Arrow IPC from pyarrow with
ZSTD / LZ4 / no buffer compression by Accept-Encoding, JSON rows, gzip, the 200,000-row Warning),
so the server is held to what CAVEclient reads, and the kernel's tables must equal CAVEclient's.
"""
import datetime
import json
import os
import pathlib
import subprocess
import tempfile
import urllib.request

import numpy as np
import pandas as pd
import pytest

from conftest import binary
from cave_server import server as cave
from test_cave import caveclient, caveclient_home, client, home, kernel, server  # noqa: F401 (fixtures)

UTC = datetime.timezone.utc
VOXEL = np.array([8, 8, 42])


def crantpy_synapses(df):
    """crantpy's get_synapses cleaning: autapses and zero roots dropped, positions in voxels."""
    df = df[(df.pre_pt_root_id != df.post_pt_root_id) & (df.pre_pt_root_id != 0) & (df.post_pt_root_id != 0)].copy()
    for column in ("pre_pt_position", "post_pt_position"):
        df[column] = [tuple(int(v) for v in np.floor(np.array(p) / VOXEL)) for p in df[[f"{column}_x", f"{column}_y", f"{column}_z"]].values]
    return df.sort_values("id")


def frame(c, ids, column="pre_pt_root_id", fmt="arrow", **kw):
    if fmt == "json":
        rows = c.materialize.query_table(cave.materialization.SYNAPSE_TABLE, filter_in_dict={column: ids}, return_df=False, **kw)
        return pd.DataFrame(rows)
    return c.materialize.query_table(cave.materialization.SYNAPSE_TABLE, filter_in_dict={column: ids}, split_positions=True, **kw)


def kernel_rows(table):
    """(id, pre, post, size, pre position) of a saved synapses table, sorted by id."""
    return sorted((int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in table)


def expected_rows(df):
    return sorted(zip(df.id.astype(int), df.pre_pt_root_id.astype(int), df.post_pt_root_id.astype(int), df["size"].astype(int)))


def unedited_roots(server, n=6):
    """The n neurons with the most outgoing synapses that the graph's edits leave alone."""
    edited = {x["root"] for x in server.graph.neurons[:5]}
    counts = server.materialization.frame.pre_pt_root_id.value_counts()
    return [int(r) for r in counts.index if int(r) not in edited][:n]


def shown_output(server, home, cell):
    """What `eval` prints for one cell after `dataset cave` (the table with its notes)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ck-mat-"))
    (folder / "cells.cq").write_text(f'dataset cave server="{server.url}" datastack="{cave.DATASTACK}"\n{cell}\n')
    proc = subprocess.run([binary(), "eval", str(folder / "cells.cq")], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, HOME=str(home)))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def set_faults(server, faults):
    urllib.request.urlopen(urllib.request.Request(server.url + "/_test/faults", data=json.dumps(faults).encode(), method="POST"))


@pytest.mark.parametrize("fmt, accept", [("arrow", "zstd"), ("arrow_lz4", "lz4"), ("arrow_uncompressed", "gzip"), ("json", "gzip")])
def test_synapses_equal_caveclient_in_every_format(server, home, fmt, accept):
    c = client(server, home)
    ids = unedited_roots(server)
    cells = [f"synapses pre={json.dumps(ids)} format=\"{fmt}\" | select id pre post size pre_pt_position"]
    server.materialization_queries.clear()
    _, (table,) = kernel(server, home, cells)
    seen = [q for q in server.materialization_queries if "/query" in q["path"]]
    assert seen and all(q["accept"] == accept for q in seen)
    assert all(("return_pyarrow=False" in q["path"]) == (fmt == "json") for q in seen)
    expected = crantpy_synapses(frame(c, ids, fmt=fmt))
    assert len(expected) > 20  # the control: there are synapses to compare
    assert kernel_rows(table) == expected_rows(expected)
    positions = {int(r[0]): tuple(int(v) for v in r[4].strip("[]()").split(",")) for r in table}
    assert positions == dict(zip(expected.id.astype(int), expected.pre_pt_position))


def test_partners_and_synapses_onto_equal_crantpy(server, home):
    c = client(server, home)
    ids = unedited_roots(server, 4)
    _, (partners, onto) = kernel(server, home, [f"partners {json.dumps(ids)} threshold=2", f"synapses post={json.dumps(ids)} | select id pre post size"])
    both = pd.concat([frame(c, ids, "pre_pt_root_id"), frame(c, ids, "post_pt_root_id")]).drop_duplicates("id")
    clean = crantpy_synapses(both)
    weights = clean.groupby(["pre_pt_root_id", "post_pt_root_id"]).size().reset_index(name="weight")
    weights = weights[weights.weight >= 2]
    assert len(weights) > 3
    assert sorted((int(r[0]), int(r[1]), int(r[2])) for r in partners) == sorted(
        zip(weights.pre_pt_root_id.astype(int), weights.post_pt_root_id.astype(int), weights.weight.astype(int)))
    weights_in_order = [int(r[2]) for r in partners]
    assert weights_in_order == sorted(weights_in_order, reverse=True)
    assert kernel_rows(onto) == expected_rows(crantpy_synapses(frame(c, ids, "post_pt_root_id")))


def test_versions_and_live_queries_equal_caveclient(server, home):
    """at=mat_1 reads version 1 (before the edits), a time reads the live table; at=mat_1 on latest is that version's time."""
    c = client(server, home)
    edited = server.graph.neurons[0]["root"]   # split at EDIT_TIME: its synapses are only in version 1
    before = datetime.datetime.fromtimestamp(cave.EDIT_TIME - 3600, UTC)
    _, (v1, v2, live, latest) = kernel(server, home, [
        f"synapses pre={edited} at=\"mat_1\" | select id pre post size", f"synapses pre={edited} update_ids=false",
        f"synapses pre={edited} at=\"{before.replace(tzinfo=None).isoformat()}\" | select id pre post size",
        f"latest {edited} at=\"mat_1\"",
    ])
    expected_v1 = crantpy_synapses(frame(c, [edited], materialization_version=1))
    assert len(expected_v1) > 0 and v2 == []
    assert kernel_rows(v1) == expected_rows(expected_v1)
    live_df = c.materialize.live_live_query(cave.materialization.SYNAPSE_TABLE, before,
                                            filter_in_dict={cave.materialization.SYNAPSE_TABLE: {"pre_pt_root_id": [edited]}},
                                            split_positions=True)
    assert kernel_rows(live) == expected_rows(crantpy_synapses(live_df))
    t1 = c.materialize.get_timestamp(1)
    assert latest == [[str(edited), str(bool(c.chunkedgraph.is_latest_roots([edited], timestamp=t1)[0])).lower()]]


def test_a_limited_batch_is_split_and_a_limit_left_is_said(server, home):
    c = client(server, home)
    ids = unedited_roots(server, 8)
    full = frame(c, ids).sort_values("id")
    counts = full.groupby("pre_pt_root_id").size()
    server.materialization.limit = int(counts.max()) + 1  # one neuron fits, all eight do not
    server.materialization_queries.clear()
    try:
        _, (table,) = kernel(server, home, [f"synapses pre={json.dumps(ids)} autapses=true | select id pre post size"])
        queries = [q for q in server.materialization_queries if "/query" in q["path"]]
        assert len(queries) > 1 and queries[0]["limited"]
        assert kernel_rows(table) == expected_rows(full)  # nothing lost, nothing twice
        assert len(frame(c, ids)) == int(counts.max()) + 1  # CAVEclient's one query is cut (a logged warning)
        # One neuron above the limit on its own: its rows are said to be missing.
        server.materialization.limit = max(1, int(counts.min()) - 1)
        shown = shown_output(server, home, f"synapses pre={int(counts.idxmin())}")
        assert "rows are missing" in shown and f"pre_pt_root_id {int(counts.idxmin())}" in shown, shown
    finally:
        server.materialization.limit = cave.materialization.QUERY_LIMIT_SIZE


@pytest.mark.parametrize("kind, words", [("truncate", ["DataError", "cut short"]), ("content_type", ["DataError", "text/plain", "/materialize/api/v3/"])])
def test_faults_are_data_errors(server, home, kind, words):
    ids = unedited_roots(server, 2)
    set_faults(server, [{"path": "/query", "kind": kind, "count": 1}])
    proc, _ = kernel(server, home, [f"synapses pre={json.dumps(ids)}"], check=False)
    assert proc.returncode != 0
    for word in words:
        assert word in proc.stderr, proc.stderr
    # CAVEclient refuses the same answer.
    set_faults(server, [{"path": "/query", "kind": kind, "count": 1}])
    with pytest.raises(Exception):
        frame(client(server, home), ids)
    set_faults(server, [])


def test_stale_ids_are_brought_up_to_date_before_the_query(server, home):
    """crantpy's update_ids before get_synapses: a root split since the user copied it still finds its
    synapses (through its main piece at the version's time); update_ids=false asks with the ID as given."""
    c = client(server, home)
    old = int(server.graph.neurons[0]["root"])
    _, (updated, stale, as_given) = kernel(server, home, [
        f'update {old} at="mat"', f"synapses pre={old} | select id pre post size",
        f"synapses pre={old} update_ids=false | select id pre post size"])
    new = int(updated[0][1])
    assert new != old and updated[0][3] == "true"
    expected = crantpy_synapses(frame(c, [new]))
    assert len(expected) > 0  # the control: the new root has synapses, the old one has none left
    assert kernel_rows(stale) == expected_rows(expected)
    assert as_given == []
    assert frame(c, [old]).empty
    shown = shown_output(server, home, f"partners {old}")
    assert f"1 stale ID brought up to date" in shown and f"{old} → {new}" in shown
