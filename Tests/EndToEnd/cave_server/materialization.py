"""The materialization service of the local CAVE (MaterializationEngine 5.26, `materialize/api/v3`):
versions, table metadata, the frozen query of a version and the live query at a timestamp, over a
synapse table derived from the sample's `synapses.csv` and the server's proofreading graph.

Answers are what the real service writes (`blueprints/client/utils.py` create_query_response,
`after_request`): an Arrow IPC stream built by pyarrow from a pandas DataFrame with header
`Content-Type: data.arrow`, its buffers LZ4- or ZSTD-compressed when `Accept-Encoding` names lz4 or
zstd (none with `ipc_compress=False`), or JSON rows (`to_json(orient="records")`, epoch-ms
datetimes) when `return_pyarrow=False`; the whole body gzip-compressed when `Accept-Encoding` has
gzip; `Warning: 201 - "Limited query to <n> rows"` when the row limit cut the answer. Positions
are split into `_x/_y/_z` in nm (voxel resolution 1, 1, 1), as CRANT's table stores them.

Faults (through `POST /_test/faults`, entries with a `kind`): `truncate` cuts the next matching
Arrow answer in half, `content_type` answers it with `text/plain`.
"""
import csv
import datetime
import gzip
import io
import json
import re
import urllib.parse

import numpy as np
import pandas as pd
import pyarrow as pa

SYNAPSE_TABLE = "synapses_v2"
SERVER_VERSION = "5.26.4"
QUERY_LIMIT_SIZE = 200_000
VOXEL = (8, 8, 42)   # the sample's voxel size in nm; the table stores nm
UTC = datetime.timezone.utc


def _naive_iso(t):
    return datetime.datetime.fromtimestamp(t, UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


class Materialization:
    """Versions (1 before the graph's edits, 2 after) and the synapse table at any time."""

    def __init__(self, sample_dir, graph, created, edit_time, datastack):
        self.graph = graph
        self.datastack = datastack
        self.limit = QUERY_LIMIT_SIZE
        self.versions = {1: created + 86_400, 2: edit_time + 86_400}
        rows = list(csv.DictReader(open(f"{sample_dir}/synapses.csv", newline="")))
        self.frame = self._frame(rows, created)
        self.extra = None   # a DataFrame appended to the table (the bench's large table)
        self._table_at = {}  # the table at the last graph epoch asked (table_at)

    def _frame(self, rows, created):
        graph = self.graph
        n = len(rows)
        out = {
            "id": np.array([int(r["id"]) for r in rows], dtype=np.int64),
            "created": pd.to_datetime(np.full(n, int(created * 1000)), unit="ms", utc=True),
            "superceded_id": np.full(n, np.nan),
            "valid": ["t"] * n,
            "size": np.array([int(r["size"]) for r in rows], dtype=np.int64),
        }
        for side in ("pre", "post"):
            roots, svs = [], []
            for r in rows:
                root, sv = int(r[f"{side}_pt_root_id"]), int(r[f"{side}_pt_supervoxel_id"])
                l2s = graph.l2_of_root.get(root)
                if l2s is not None:
                    # A synapse on a neuron of the graph sits on one of its level-2 chunks.
                    sv = graph.svs_of_l2[l2s[int(r["id"]) % len(l2s)]][0]
                roots.append(root)
                svs.append(sv)
            out[f"{side}_pt_supervoxel_id"] = np.array(svs, dtype=np.int64)
            out[f"{side}_pt_root_id"] = np.array(roots, dtype=np.int64)
        for column in ("pre_pt_position", "post_pt_position", "ctr_pt_position"):
            xyz = np.array([[int(v) for v in re.findall(r"-?\d+", r[column])] for r in rows], dtype=np.int64).reshape(n, 3)
            for axis, name in enumerate("xyz"):
                out[f"{column}_{name}"] = xyz[:, axis] * VOXEL[axis]
        return pd.DataFrame(out)

    def table_at(self, t):
        """The synapse table with the roots of its supervoxels at time t (computed once per graph epoch)."""
        key = (self.graph.epoch(t), id(self.extra))
        if self._table_at.get("key") != key:
            df = self.frame if self.extra is None else pd.concat([self.frame, self.extra], ignore_index=True)
            df = df.copy()
            mapping = self.graph.roots_at(t)[0]
            for side in ("pre", "post"):
                sv, root = df[f"{side}_pt_supervoxel_id"].to_numpy(), df[f"{side}_pt_root_id"].to_numpy().copy()
                known = np.isin(sv, np.fromiter(self.graph.sv_to_l2, dtype=np.int64, count=len(self.graph.sv_to_l2)))
                root[known] = [mapping.get(int(s), 0) for s in sv[known]]
                df[f"{side}_pt_root_id"] = root
            self._table_at = {"key": key, "df": df}
        return self._table_at["df"]

    def version_metadata(self, v):
        t = self.versions[v]
        return {"id": v, "datastack": None, "version": v, "time_stamp": _naive_iso(t), "valid": True,
                "expires_on": _naive_iso(t + 30 * 86_400), "parent_version": None, "status": "AVAILABLE", "is_merged": True}

    def table_metadata(self, v):
        return {"id": 1, "aligned_volume": "kronauer_ant", "table_name": SYNAPSE_TABLE, "schema": "synapse", "schema_type": "synapse",
                "valid": True, "created": _naive_iso(self.versions[1] - 86_400), "user_id": "1", "description": "local synapses",
                "notice_text": None, "reference_table": None, "flat_segmentation_source": None, "write_permission": "PRIVATE",
                "read_permission": "PUBLIC", "last_modified": _naive_iso(self.versions[v]), "segmentation_source": "",
                "pcg_table_name": "kronauer_ant_x1", "last_updated": _naive_iso(self.versions[v]), "annotation_table": SYNAPSE_TABLE,
                "voxel_resolution_x": 1.0, "voxel_resolution_y": 1.0, "voxel_resolution_z": 1.0}


def apply_filters(df, data, table):
    """The body's filters on table `table` (all ANDed), as the engine's query does."""
    def part(key):
        return (data.get(key) or {}).get(table) or {}
    for col, values in part("filter_in_dict").items():
        df = df[df[col].isin([int(v) for v in values])]
    for col, values in part("filter_notin_dict").items():
        df = df[~df[col].isin([int(v) for v in values])]
    for col, value in part("filter_equal_dict").items():
        df = df[df[col] == value]
    for key, op in (("filter_greater_dict", "__gt__"), ("filter_less_dict", "__lt__"),
                    ("filter_greater_equal_dict", "__ge__"), ("filter_less_equal_dict", "__le__")):
        for col, value in part(key).items():
            df = df[getattr(df[col], op)(value)]
    return df


def truthy(query, name, default):
    return (query.get(name) or [str(default)])[0].lower() == "true"


def take_fault(handler, kind):
    server = handler.server
    with server.lock:
        for fault in server.faults:
            if fault.get("kind") == kind and fault["path"] in handler.path and fault["count"] > 0:
                fault["count"] -= 1
                return True
    return False


def encoded(handler, df, query, limited_to):
    """The answer's body before faults, its gzip form (None when not asked), content type and headers."""
    accept = handler.headers.get("Accept-Encoding") or ""
    headers = [("column_names", ", ".join(df.columns))]
    if limited_to is not None:
        headers.append(("Warning", f'201 - "Limited query to {limited_to} rows'))
    if truthy(query, "return_pyarrow", True):
        compression = None
        if truthy(query, "ipc_compress", True):
            compression = "lz4" if "lz4" in accept else "zstd" if "zstd" in accept else None
        table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
        sink = io.BytesIO()
        with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression=compression)) as writer:
            writer.write_table(table, max_chunksize=max(len(df), 1))
        body, content_type = sink.getvalue(), "data.arrow"
    else:
        body, content_type = df.to_json(orient="records").encode(), "application/json"
    zipped = gzip.compress(body, compresslevel=6) if "gzip" in accept else None
    return body, zipped, content_type, headers


def respond(handler, answer, rows, limited):
    body, zipped, content_type, headers = answer
    accept = handler.headers.get("Accept-Encoding") or ""
    if content_type == "data.arrow" and take_fault(handler, "truncate"):
        body, zipped = body[:len(body) // 2], None
    if take_fault(handler, "content_type"):
        content_type = "text/plain"
    headers = list(headers)
    if "gzip" in accept:
        body = zipped if zipped is not None else gzip.compress(body, compresslevel=6)
        headers.append(("Content-Encoding", "gzip"))
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.server.materialization_queries.append({"path": handler.path, "body": handler._mat_body, "accept": accept,
                                                   "rows": rows, "limited": limited})


def run_query(handler, mat, t, data, query, table):
    if table != SYNAPSE_TABLE:
        handler.send_body(404, {"message": f"table {table} not found"})
        return
    # The same question at the same graph epoch gets the same bytes: encoded once (a bench asks it
    # again and again; the JSON and gzip encodings alone take longer than a client's decoding).
    key = ("query", table, mat.graph.epoch(t), id(mat.extra), mat.limit, json.dumps({k: v for k, v in data.items() if k != "timestamp"}, sort_keys=True),
           truthy(query, "return_pyarrow", True), truthy(query, "ipc_compress", True), handler.headers.get("Accept-Encoding") or "")
    cache = handler.server.answers
    with handler.server.lock:
        found = cache.get(key)
    if found is None:
        df = apply_filters(mat.table_at(t), data, table)
        limit = min(int(data.get("limit") or mat.limit), mat.limit)
        limited = None
        if len(df) >= limit:   # the engine asks for `limit` rows and warns when it got them all
            df, limited = df.iloc[:limit], limit
        select = data.get("select_columns")
        if isinstance(select, dict):
            select = select.get(table)
        if select:
            df = df[[c for c in df.columns if c in select or any(c.startswith(s + "_") for s in select)]]
        found = (encoded(handler, df, query, limited), len(df), limited is not None)
        with handler.server.lock:
            if len(cache) >= 32:
                cache.pop(next(iter(cache)))
            cache[key] = found
    respond(handler, *found)


def route(handler, method, path, query, body):
    """Answers a `/materialize/…` request (after middle_auth); False when the path is not one of them."""
    mat = handler.server.materialization
    handler._mat_body = None
    stack = f"/materialize/api/v3/datastack/{mat.datastack}"
    if path == "/materialize/api/versions":
        handler.send_body(200, [2, 3])
    elif path == "/materialize/version":
        handler.send_body(200, SERVER_VERSION)
    elif path == f"{stack}/versions":
        handler.send_body(200, sorted(mat.versions))
    elif path == f"{stack}/metadata":
        handler.send_body(200, [mat.version_metadata(v) for v in sorted(mat.versions)])
    elif path in (f"/materialize/api/v2/datastack/{mat.datastack}/version/{v}/tables" for v in mat.versions):
        handler.send_body(200, [SYNAPSE_TABLE])
    elif path.startswith(f"{stack}/version/"):
        parts = path[len(f"{stack}/version/"):].split("/")
        try:
            v = int(parts[0])
        except ValueError:
            handler.send_body(400, {"message": f"version {parts[0]} is not an integer"})
            return True
        if v not in mat.versions:
            handler.send_body(404, {"message": f"version {v} not found"})
        elif len(parts) == 1:
            handler.send_body(200, mat.version_metadata(v))
        elif len(parts) == 4 and parts[1] == "table" and parts[3] == "metadata":
            if parts[2] != SYNAPSE_TABLE:
                handler.send_body(404, {"message": f"table {parts[2]} not found"})
            else:
                handler.send_body(200, mat.table_metadata(v))
        elif len(parts) == 4 and parts[1] == "table" and parts[3] == "query" and method == "POST":
            data = json.loads(body or b"{}")
            handler._mat_body = data
            run_query(handler, mat, mat.versions[v], data, query, parts[2])
        else:
            handler.send_body(404, {"message": f"no materialization route {path}"})
    elif path == f"{stack}/query" and method == "POST":
        data = json.loads(body or b"{}")
        handler._mat_body = data
        try:
            t = datetime.datetime.fromisoformat(data["timestamp"])
        except (KeyError, TypeError, ValueError):
            handler.send_body(400, {"message": f"timestamp {data.get('timestamp')!r} is not an ISO date-time"})
            return True
        if t.tzinfo is None:
            t = t.replace(tzinfo=UTC)
        run_query(handler, mat, t.timestamp(), data, query, data.get("table"))
    else:
        return False
    return True
