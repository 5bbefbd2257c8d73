"""A local Seatable: the login chain and the SQL endpoints seatable-api and the kernel use, over a
CRANTb_meta-like table of about 12,000 rows derived from the sample's neuron table.

Seatable is another host than CAVE, so it is its own server (own port). Encodings are Seatable's
(seatable-api `main.py`, `api_gateway.py`, `utils.py`; the API reference "Query SeaTable with SQL"):

- `GET /api/v2.1/workspace/{id}/dtable/{base}/temp-api-token/` with `Authorization: Token <account
  token>` → `{"api_token"}`;
- `GET /api/v2.1/dtable/app-access-token/` with the base token → `{"access_token", "dtable_uuid",
  "dtable_server", "dtable_db", "workspace_id", "dtable_name", "use_api_gateway"}`;
- `POST /api-gateway/api/v2/dtables/{uuid}/sql` (gateway) and `POST /dtable-db/api/v1/query/{uuid}/`
  (legacy) with the access token, body `{"sql", "convert_keys"?}` → `{"success", "metadata",
  "results"}`. The gateway names columns and select options; dtable-db keys rows by column key
  unless `convert_keys` and always gives select option IDs, which `metadata[].data.options` name
  (seatable-api's `convert_db_rows` does that for its legacy path);
- at most 10,000 rows per SELECT (100 without LIMIT); `LIMIT n OFFSET m` pages, in table order;
- refusals: 401 `{"detail": "Invalid token"}`, 403 `{"error_msg": "Token expired."}`.

Test controls: `POST /_test/faults` (a list of `{path, status, count, skip}`: answer `status` to
the `count` requests whose path contains `path`, after letting `skip` through; status "expire" makes
the access token expire instead), `POST /_test/config` (`{"use_api_gateway": bool}`),
`GET /_test/requests` (path, method, token and host of each request).

Run alone: python -m cave_server.seatable PORT SAMPLE_DIR
"""
import csv
import http.server
import json
import re
import sys
import threading
import urllib.parse

ACCOUNT_TOKEN = "account-token"
EXPIRED_ACCOUNT_TOKEN = "expired-account-token"
WORKSPACE_ID = 62919
BASE_NAME = "CRANTb"
TABLE_NAME = "CRANTb_meta"
DTABLE_UUID = "0c8b5f2e-6a7d-4e1b-9a3c-5d2f8e7b1a40"
ROWS = 12_000
MAX_LIMIT = 10_000

# (name, type): CRANTb_meta's 30 fields with the Seatable types the crantpy tutorials show.
COLUMNS = [
    ("root_id", "text"), ("root_id_processed", "text"), ("supervoxel_id", "text"), ("position", "text"),
    ("nucleus_id", "text"), ("nucleus_position", "text"), ("root_position", "text"), ("cave_table", "text"),
    ("proofread", "checkbox"), ("status", "multiple-select"), ("region", "multiple-select"),
    ("proofreader_notes", "long-text"), ("side", "single-select"), ("nerve", "text"), ("tract", "text"),
    ("hemilineage", "text"), ("flow", "single-select"), ("super_class", "single-select"), ("cell_class", "text"),
    ("cell_type", "text"), ("cell_subtype", "text"), ("cell_instance", "text"), ("known_nt", "text"),
    ("known_nt_source", "text"), ("alternative_names", "text"), ("annotator_notes", "long-text"),
    ("user_annotator", "multiple-select"), ("user_proofreader", "multiple-select"), ("ngl_link", "url"),
    ("date_proofread", "date"),
]
SELECTS = {"single-select", "multiple-select"}


def column_key(index):
    """Seatable's 4-character column keys ("0000" is the first column)."""
    return "0000" if index == 0 else f"k{index:03d}"


def option_id(name):
    return "%06x" % (hash_text(name) & 0xFFFFFF)


def hash_text(text):
    h = 2166136261
    for byte in text.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


class Table:
    """The sample's neurons, then padding rows (new root IDs, the same kinds of values) up to ROWS."""

    def __init__(self, sample_dir, rows=ROWS):
        with open(f"{sample_dir}/neurons.csv", newline="") as f:
            sample = list(csv.DictReader(f))
        self.sample_count = len(sample)
        self.rows = []
        for i in range(rows):
            source = sample[i % len(sample)]
            row = {name: self.cell(name, kind, source.get(name, "")) for name, kind in COLUMNS}
            if i >= len(sample):
                # Padding: new IDs (root IDs at the top of the 64-bit range, above int64, for some) and positions.
                root = (8 << 56) | (4_000_000_000 + i) if i % 3 else 0xFFFF_FF00_0000_0000 + i
                row["root_id"] = row["root_id_processed"] = str(root)
                row["supervoxel_id"] = str((1 << 56) | (5_000_000_000 + i))
                x, y, z = 1000 + i % 997, 2000 + i % 991, 10 + i % 60
                row["position"] = row["root_position"] = f"{x}, {y}, {z}"
                if row["nucleus_id"] is not None:
                    row["nucleus_id"] = str(9_000_000 + i)
                    row["nucleus_position"] = f"{x}, {y}, {z}"
                row["proofread"] = i % 5 == 0
                if i % 250 == 1:
                    row["cell_type"] = None  # some rows without annotations at all
            self.rows.append({"_id": "r%07d" % i, **row})
        self.columns = []
        for index, (name, kind) in enumerate(COLUMNS):
            data = None
            if kind in SELECTS:
                names = sorted({v for r in self.rows for v in (r[name] if isinstance(r[name], list) else [r[name]]) if v})
                data = {"options": [{"name": n, "id": option_id(n), "color": "#FFFCB5"} for n in names]}
            elif kind == "date":
                data = {"format": "YYYY-MM-DD"}
            self.columns.append({"key": column_key(index), "name": name, "type": kind, "data": data})

    @staticmethod
    def cell(name, kind, text):
        if text == "":
            return None
        if kind == "checkbox":
            return text.lower() == "true"
        if kind == "multiple-select":
            return json.loads(text) if text.startswith("[") else [text]
        if name.endswith("position"):
            x, y, z = json.loads(text)
            return f"{x}, {y}, {z}"
        return text

    def select(self, names, offset, limit, gateway, convert_keys):
        """Rows `offset…offset+limit` with columns `names`, encoded as the gateway or dtable-db does."""
        columns = [c for c in self.columns if c["name"] in names] if names != ["*"] else list(self.columns)
        results = []
        for row in self.rows[offset:offset + limit]:
            out = {"_id": row["_id"]}
            for c in columns:
                value = row[c["name"]]
                if value is None or value == "":
                    continue  # empty cells are left out of a row
                if c["type"] in SELECTS and not gateway:
                    value = [option_id(v) for v in value] if isinstance(value, list) else option_id(value)
                out[c["name"] if gateway or convert_keys else c["key"]] = value
            results.append(out)
        return columns, results


SQL = re.compile(r"^\s*SELECT\s+(?P<cols>.+?)\s+FROM\s+`?(?P<table>[\w -]+?)`?"
                 r"(?:\s+LIMIT\s+(?P<limit>\d+))?(?:\s+OFFSET\s+(?P<offset>\d+))?\s*;?\s*$", re.IGNORECASE | re.DOTALL)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as production servers set it: headers and body are two writes, and with Nagle's
    # algorithm against the client's delayed ACK every kept-alive answer would wait 40 ms.
    disable_nagle_algorithm = True

    def send_body(self, status, body, content_type="application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def token(self):
        header = self.headers.get("Authorization") or ""
        return header[len("Token "):] if header.startswith("Token ") else None

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def fault(self, path):
        """Answers an injected fault for this path; "expire" expires the access token instead."""
        with self.server.lock:
            for fault in self.server.faults:
                if fault["path"] in path and fault["count"] > 0:
                    if fault.get("skip", 0) > 0:
                        fault["skip"] -= 1
                        continue
                    fault["count"] -= 1
                    break
            else:
                return False
            if fault["status"] == "expire":
                self.server.expired.add(self.token())
                return False
        self.send_body(fault["status"], {"error_msg": "injected"})
        return True

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        body = self.read_body()
        if path == "/_test/faults" and method == "POST":
            with self.server.lock:
                self.server.faults = json.loads(body or b"[]")
            self.send_body(200, {"ok": True})
            return
        if path == "/_test/config" and method == "POST":
            self.server.config.update(json.loads(body or b"{}"))
            self.send_body(200, {"ok": True})
            return
        if path == "/_test/requests":
            self.send_body(200, self.server.seen)
            return
        token = self.token()
        self.server.seen.append({"path": path, "method": method, "token": token, "host": self.headers.get("Host")})
        if self.fault(path):
            return
        host = f"http://{self.headers.get('Host')}"
        temp = f"/api/v2.1/workspace/{WORKSPACE_ID}/dtable/{BASE_NAME}/temp-api-token/"
        if path.startswith("/api/v2.1/workspace/") and path.endswith("/temp-api-token/") and method == "GET":
            if token == EXPIRED_ACCOUNT_TOKEN:
                self.send_body(403, {"error_msg": "Token expired."})
            elif token != ACCOUNT_TOKEN:
                self.send_body(401, {"detail": "Invalid token"})
            elif path != temp:
                self.send_body(404, {"error_msg": "Base not found."})
            else:
                self.send_body(200, {"api_token": self.server.issue("base")})
        elif path == "/api/v2.1/dtable/app-access-token/" and method == "GET":
            if token not in self.server.base_tokens:
                self.send_body(401, {"detail": "Invalid token"})
                return
            self.send_body(200, {"app_name": "crant", "access_token": self.server.issue("access"), "dtable_uuid": DTABLE_UUID,
                                 "dtable_server": f"{host}/dtable-server/", "dtable_socket": f"{host}/",
                                 "dtable_db": f"{host}/dtable-db/", "workspace_id": WORKSPACE_ID, "dtable_name": BASE_NAME,
                                 "use_api_gateway": bool(self.server.config["use_api_gateway"])})
        elif method == "POST" and path in (f"/api-gateway/api/v2/dtables/{DTABLE_UUID}/sql", f"/dtable-db/api/v1/query/{DTABLE_UUID}/"):
            self.query(token, body, gateway=path.startswith("/api-gateway/"))
        else:
            self.send_body(404, {"error_msg": f"no route {method} {path}"})

    def query(self, token, body, gateway):
        if token in self.server.expired:
            self.send_body(403, {"error_msg": "Token expired."})
            return
        if token not in self.server.access_tokens:
            self.send_body(401, {"detail": "Invalid token"})
            return
        request = json.loads(body or b"{}")
        match = SQL.match(request.get("sql") or "")
        if not match or match["table"] != TABLE_NAME:
            self.send_body(200, {"success": False, "error_message": f"cannot run: {request.get('sql')!r}", "metadata": [], "results": []})
            return
        names = [c.strip().strip("`") for c in match["cols"].split(",")]
        known = {c["name"] for c in self.server.table.columns}
        missing = [n for n in names if n != "*" and n not in known]
        if missing:
            self.send_body(200, {"success": False, "error_message": f"column {missing[0]} does not exist", "metadata": [], "results": []})
            return
        limit = min(int(match["limit"]), MAX_LIMIT) if match["limit"] else 100
        offset = int(match["offset"] or 0)
        # A page is encoded once: the table never changes, and encoding 10,000 rows in Python takes
        # longer than a client's decoding of them (the bench would time this server, not the clients).
        key = (tuple(sorted(set(names))), offset, limit, gateway, bool(request.get("convert_keys")))  # rows come in table order
        with self.server.lock:
            found = self.server.encoded_pages.get(key)
        if found is None:
            columns, results = self.server.table.select(names, offset, limit, gateway, key[-1])
            found = (json.dumps({"success": True, "error_message": None, "metadata": columns, "results": results}).encode(), len(results))
            with self.server.lock:
                self.server.encoded_pages[key] = found
        self.server.pages.append((offset, found[1]))
        self.send_body(200, found[0])


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, sample_dir, rows=ROWS):
        super().__init__(("127.0.0.1", port), Handler)
        self.table = Table(sample_dir, rows)
        self.seen = []
        self.faults = []
        self.pages = []
        self.encoded_pages = {}
        self.config = {"use_api_gateway": True}
        self.base_tokens, self.access_tokens, self.expired = set(), set(), set()
        self.counter = 0
        self.lock = threading.Lock()

    def issue(self, kind):
        with self.lock:
            self.counter += 1
            token = f"{kind}-token-{self.counter}"
            (self.base_tokens if kind == "base" else self.access_tokens).add(token)
            return token

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


def start(sample_dir, port=0, rows=ROWS):
    server = Server(port, sample_dir, rows)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    s = Server(int(sys.argv[1]), sys.argv[2])
    print(s.url, flush=True)
    s.serve_forever()
