"""A local CAVE: the info service, middle_auth's answers and the chunked-graph endpoints the
kernel and CAVEclient use, over a small graph derived from the sample's neuron table.

Encodings are the real ones (CAVEconnectome/PyChunkedGraph `app/segmentation/v1/routes.py`,
`middle_auth_client/decorators.py`, AnnotationFrameworkInfoService): JSON bodies, uint64
little-endian `roots_binary` bodies (gzip-compressed requests accepted), timestamps as Unix seconds
(anything else is a 400), 401/403 JSON for programmatic requests and a 302 to `/authorize`
otherwise. Faults are injected through `POST /_test/faults`.

Run alone: python -m cave_server.server PORT SAMPLE_DIR
"""
import array
import bisect
import csv
import gzip
import http.server
import json
import sys
import threading
import time
import urllib.parse

from . import graphene, materialization, skeletons

GOOD_TOKENS = {"good-token"}
EXPIRED_TOKENS = {"expired-token"}
NO_PERMISSION_TOKENS = {"nopermission-token"}
NO_TOS_TOKENS = {"tos-token"}
DATASTACK = "kronauer_ant"
TABLE = "kronauer_ant_x1"
EDIT_TIME = 1_750_000_000.0  # the proofreading edits below happened at this Unix time
CREATED = 1_600_000_000.0    # when the original roots were made


def layer_id(layer, counter):
    return (layer << 56) | counter


class Graph:
    """Roots → level-2 nodes → supervoxels, with edits at EDIT_TIME.

    Neurons 0-2 are split (3 of 4 level-2 nodes go to a new root, 1 to another), neurons 3 and 4
    are merged into one new root; all other roots are unchanged. Old roots keep their leaves.
    """

    def __init__(self, sample_dir, neurons=30):
        rows = list(csv.DictReader(open(f"{sample_dir}/neurons.csv", newline="")))[:neurons]
        self.l2_of_root = {}      # root -> [l2]
        self.svs_of_l2 = {}       # l2 -> [sv]
        self.root_before = {}     # l2 -> root before the edits
        self.root_after = {}      # l2 -> root after the edits
        self.created = {}         # root -> creation time
        self.superseded = {}      # root -> time it stopped being latest
        self.neurons = []
        for i, row in enumerate(rows):
            root, sv = int(row["root_id"]), int(row["supervoxel_id"])
            l2s = [layer_id(2, 1_000_000 + i * 16 + j) for j in range(4)]
            self.l2_of_root[root] = l2s
            self.created[root] = CREATED
            for j, l2 in enumerate(l2s):
                svs = [sv] if j == 0 else []
                svs += [layer_id(1, 2_000_000_000 + i * 100 + j * 10 + k) for k in range(3 - len(svs))]
                self.svs_of_l2[l2] = svs
                self.root_before[l2] = root
                self.root_after[l2] = root
            self.neurons.append({"root": root, "supervoxel": sv, "l2": l2s})
        for i in range(3):
            old = self.neurons[i]
            main, piece = layer_id(8, 3_000_000_000 + 2 * i), layer_id(8, 3_000_000_001 + 2 * i)
            self._replace([old["root"]], {main: old["l2"][:3], piece: old["l2"][3:]})
        merged = layer_id(8, 3_000_000_100)
        self._replace([self.neurons[3]["root"], self.neurons[4]["root"]], {merged: self.neurons[3]["l2"] + self.neurons[4]["l2"]})
        self.sv_to_l2 = {sv: l2 for l2, svs in self.svs_of_l2.items() for sv in svs}
        # Every answer depends on a time only through which of these instants it is past.
        self.instants = sorted(set(self.created.values()) | set(self.superseded.values()))
        self._roots_at = {}

    def epoch(self, t):
        """How many of the graph's edit instants `t` is past: answers at one epoch are all alike."""
        return bisect.bisect_right(self.instants, t)

    def roots_at(self, t):
        """{node: root} at t for every node the graph knows (unknown nodes and stale roots: 0), and the current roots."""
        epoch = self.epoch(t)
        if epoch not in self._roots_at:
            latest = {root for root in self.created if self.is_latest(root, t)}
            mapping = {sv: self.root_of_l2(l2, t) for sv, l2 in self.sv_to_l2.items()}
            mapping.update({l2: self.root_of_l2(l2, t) for l2 in self.root_after})
            mapping.update({root: root for root in latest})
            self._roots_at[epoch] = (mapping, latest)
        return self._roots_at[epoch]

    def _replace(self, old_roots, new_roots):
        for old in old_roots:
            self.superseded[old] = EDIT_TIME
        for new, l2s in new_roots.items():
            self.l2_of_root[new] = l2s
            self.created[new] = EDIT_TIME
            for l2 in l2s:
                self.root_after[l2] = new

    def root_of_l2(self, l2, t):
        return (self.root_after if t >= EDIT_TIME else self.root_before).get(l2, 0)

    def root(self, node, t):
        if node >> 56 == 1:
            l2 = self.sv_to_l2.get(node)
            return self.root_of_l2(l2, t) if l2 else 0
        if node >> 56 == 2:
            return self.root_of_l2(node, t)
        return node if self.is_latest(node, t) else 0

    def is_latest(self, root, t):
        return root in self.created and self.created[root] <= t and self.superseded.get(root, float("inf")) > t

    def leaves(self, root, stop_layer):
        l2s = self.l2_of_root.get(root)
        if l2s is None:
            return None
        if stop_layer >= 2:
            return list(l2s)
        return [sv for l2 in l2s for sv in self.svs_of_l2[l2]]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as production servers set it: headers and body are two writes, and with Nagle's
    # algorithm against the client's delayed ACK every kept-alive answer would wait 40 ms.
    disable_nagle_algorithm = True

    # -- plumbing ---------------------------------------------------------------------------

    def send_body(self, status, body, content_type="application/json", headers=()):
        status, body, content_type, headers = self.encode(status, body, content_type, headers)
        self.send_encoded(status, body, content_type, headers)

    def encode(self, status, body, content_type="application/json", headers=()):
        """The bytes and headers of an answer (gzip-compressed when asked and worth it)."""
        if isinstance(body, (dict, list, str)):
            body = json.dumps(body).encode()
        if "gzip" in (self.headers.get("Accept-Encoding") or "") and 200 <= status < 300 and len(body) > 1024:
            body = gzip.compress(body, compresslevel=6)  # zlib's and Flask-Compress's default level
            headers = list(headers) + [("Content-Encoding", "gzip")]
        return status, body, content_type, list(headers)

    def send_encoded(self, status, body, content_type, headers):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def pcg_error(self, status, text):
        self.send_body(status, {"timestamp": time.time(), "duration": 0.0, "code": status, "message": f"[{status}]: {text}"})

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        if (self.headers.get("Content-Encoding") or "").lower() == "gzip":
            data = gzip.decompress(data)
        return data

    def log_message(self, *args):
        pass

    # -- middle_auth ------------------------------------------------------------------------

    def authorized(self):
        """Applies middle_auth's rules; False when it has answered already."""
        header = self.headers.get("Authorization")
        token = None
        if header is not None:
            if not header.startswith("Bearer "):
                self.send_body(400, {"error": "bad_auth_header", "message": "Authorization header must begin with 'Bearer'"})
                return False
            token = header[len("Bearer "):]
        else:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            token = (query.get("middle_auth_token") or [None])[0]
            if token is None:
                for part in (self.headers.get("Cookie") or "").split(";"):
                    name, _, value = part.strip().partition("=")
                    if name == "middle_auth_token":
                        token = value
        self.server.seen.append({"path": self.path, "method": self.command, "token": token,
                                 "x_requested_with": self.headers.get("X-Requested-With")})
        programmatic = any(self.headers.get(h) for h in ("Authorization", "X-Requested-With", "Origin"))
        realm = f'Bearer realm="http://{self.headers.get("Host")}/auth/api/v1/authorize"'
        if token in GOOD_TOKENS:
            return True
        if token in NO_PERMISSION_TOKENS:
            self.send_body(403, {"error": "missing_permission", "message": f"Missing permission: view for dataset {DATASTACK}",
                                 "data": {"required_permission": "view", "auth_dataset": DATASTACK}})
            return False
        if token in NO_TOS_TOKENS:
            self.send_body(403, {"error": "missing_tos", "message": "Need to accept Terms of Service to access resource.",
                                 "data": {"tos_id": 1, "tos_name": "CRANT terms", "tos_form_url": f"http://{self.headers.get('Host')}/sticky_auth/tos/1/accept"}})
            return False
        if not programmatic:
            self.send_response(302)
            self.send_header("Location", f"http://{self.headers.get('Host')}/auth/api/v1/authorize?redirect={urllib.parse.quote(self.path)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        if token is None:
            self.send_body(401, {"error": "no_token", "message": "Unauthorized - No Token Provided"}, headers=[("WWW-Authenticate", realm)])
        else:
            self.send_body(401, {"error": "invalid_token", "message": "Unauthorized - Token is Invalid or Expired"},
                           headers=[("WWW-Authenticate", realm + ', error="invalid_token"')])
        return False

    def fault(self):
        """Answers an injected fault for this path, if one is pending."""
        with self.server.lock:
            for fault in self.server.faults:
                if fault["path"] in self.path and fault["count"] > 0 and "kind" not in fault:  # kinds: materialization.py
                    fault["count"] -= 1
                    break
            else:
                return False
        headers = [("Retry-After", str(fault["retry_after"]))] if fault.get("retry_after") is not None else []
        self.send_body(fault["status"], {"code": fault["status"], "message": f"[{fault['status']}]: injected"}, headers=headers)
        return True

    # -- routes -----------------------------------------------------------------------------

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        if path == "/_test/faults" and method == "POST":
            self.read_body_faults()
            return
        if path == "/_test/requests":
            self.send_body(200, self.server.seen)
            return
        body = self.read_body()  # GETs may carry a body too (valid_nodes, past_id_mapping)
        if path == "/auth/api/v1/authorize":
            self.send_body(200, b"<html><body>Log in</body></html>", "text/html")
            return
        if method == "GET" and (graphene.serve_watershed(self, path) or graphene.serve_em(self, path)):
            return
        if self.fault() or not self.authorized():
            return
        host = f"http://{self.headers.get('Host')}"
        if path == "/info/api/v2/datastacks":
            self.send_body(200, [DATASTACK])
        elif path == f"/info/api/v2/datastack/full/{DATASTACK}":
            self.send_body(200, datastack_info(host))
        elif path.startswith("/info/api/v2/datastack/full/"):
            self.send_body(404, {"message": "datastack not found"})
        elif path == "/segmentation/api/versions":
            self.send_body(200, [0, 1])
        elif path == "/segmentation/api/version":
            self.send_body(200, "2.18.0")
        elif path == f"/segmentation/table/{TABLE}/info":
            self.send_body(200, graphene.graph_info(host, self.server.watershed))
        elif skeletons.route(self, method, path, query, body):
            pass
        elif path.startswith(f"/segmentation/api/v1/table/{TABLE}/"):
            self.chunkedgraph(method, path[len(f"/segmentation/api/v1/table/{TABLE}/"):], query, body)
        elif path.startswith("/materialize/") and materialization.route(self, method, path, query, body):
            pass
        else:
            self.send_body(404, {"message": f"no route {path}"})

    def read_body_faults(self):
        spec = json.loads(self.read_body() or b"[]")
        with self.server.lock:
            self.server.faults = spec
        self.send_body(200, {"ok": True})

    def timestamp(self, query, name="timestamp"):
        if name not in query:
            return time.time()
        try:
            return float(query[name][0])
        except ValueError:
            self.pcg_error(400, f"Timestamp parameter {name} is not a valid unix timestamp")
            return None

    def cached(self, key, answer):
        """Sends the encoded answer for `key` (route, epoch, request body, encoding), computing it with `answer` once.

        `answer` returns (status, body[, content type]) and the number of IDs asked (for
        `batch_sizes`). A bench asks the same large question again and again; this keeps the
        server's own time out of the client's (the bytes are those the uncached path writes).
        """
        key = key + (self.headers.get("Accept-Encoding") or "",)
        cache = self.server.answers
        with self.server.lock:
            found = cache.get(key)
        if found is None:
            response, count = answer()
            found = (self.encode(*response), count)
            with self.server.lock:
                if len(cache) >= 32:
                    cache.pop(next(iter(cache)))
                cache[key] = found
        self.server.batch_sizes.append((key[0], found[1]))
        self.send_encoded(*found[0])

    def chunkedgraph(self, method, route, query, body):
        graph = self.server.graph
        if route == "is_latest_roots" and method == "POST":
            t = self.timestamp(query)
            if t is None:
                return

            def answer():
                ids = json.loads(body)["node_ids"]
                latest = graph.roots_at(t)[1]
                flags = ", ".join("true" if int(i) in latest else "false" for i in ids)
                return (200, ('{"is_latest": [' + flags + "]}").encode()), len(ids)
            self.cached(("is_latest_roots", graph.epoch(t), body), answer)
        elif route == "roots_binary" and method == "POST":
            t = self.timestamp(query)
            if t is None:
                return

            def answer():
                count = len(body) // 8
                mapping = graph.roots_at(t)[0]
                ids = array.array("Q", body[:count * 8])
                if sys.byteorder != "little":
                    ids.byteswap()
                roots = array.array("Q", [mapping.get(i, 0) for i in ids])
                if sys.byteorder != "little":
                    roots.byteswap()
                return (200, roots.tobytes(), "application/octet-stream"), count
            self.cached(("roots_binary", graph.epoch(t), body), answer)
        elif route.startswith("node/") and route.endswith("/leaves") and method == "GET":
            node = int(route.split("/")[1])
            stop_layer = int((query.get("stop_layer") or ["1"])[0])
            leaves = graph.leaves(node, stop_layer)
            if leaves is None:
                self.pcg_error(400, f"Node {node} is not a root of this graph")
                return
            if "bounds" in query:
                bounds = graphene.parse_bounds(query["bounds"][0])
                if bounds is None:
                    self.pcg_error(400, f"bounds {query['bounds'][0]} is not x0-x1_y0-y1_z0-z1")
                    return
                leaves = self.server.watershed.within(leaves, bounds)
            if query.get("int64_as_str", ["false"])[0].lower() == "true":
                leaves = [str(x) for x in leaves]
            self.send_body(200, {"leaf_ids": leaves})
        elif route.startswith("node/") and route.endswith("/root") and method == "GET":
            t = self.timestamp(query)
            if t is None:
                return
            self.send_body(200, {"root_id": graph.root(int(route.split("/")[1]), t)})
        else:
            self.pcg_error(404, f"no chunkedgraph route {method} {route}")


def datastack_info(host):
    return {
        "aligned_volume": {"id": 1, "name": "kronauer_ant", "display_name": "CRANT", "description": "local",
                           "image_source": f"precomputed://{host}{graphene.EM}"},
        "segmentation_source": f"graphene://{host}/segmentation/table/{TABLE}",
        "skeleton_source": f"precomputed://{host}/static/skeletons", "analysis_database": None,
        "viewer_site": "https://spelunker.cave-explorer.org",
        "synapse_table": "synapses_v2", "soma_table": "somas_v1", "local_server": host,
        "description": "local test datastack",
        "viewer_resolution_x": 8.0, "viewer_resolution_y": 8.0, "viewer_resolution_z": 42.0,
        "proofreading_status_table": None, "cell_identification_table": None, "proofreading_review_table": None,
    }


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, sample_dir):
        super().__init__(("127.0.0.1", port), Handler)
        self.graph = Graph(sample_dir)
        self.materialization = materialization.Materialization(sample_dir, self.graph, CREATED, EDIT_TIME, DATASTACK)
        self.materialization_queries = []
        self.watershed = graphene.Watershed(sample_dir, self.graph)
        self.watershed_requests = []
        skeletons.attach(self, sample_dir)
        self.seen = []
        self.faults = []
        self.batch_sizes = []
        self.answers = {}  # encoded chunked-graph and materialization answers (Handler.cached)
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


def start(sample_dir, port=0):
    server = Server(port, sample_dir)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    s = Server(int(sys.argv[1]), sys.argv[2])
    print(s.url, flush=True)
    s.serve_forever()
