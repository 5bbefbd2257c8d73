#!/usr/bin/env python3
"""One 1024 x 1024 XY section, fetch + decode + PNG, for connectome-kernel, TensorStore + Pillow
and cloud-volume + Pillow, served by nginx on 127.0.0.1.

Layers (the bundled sample, 1024 x 1024 x 64, 64^3 chunks): raw, raw stored gzip (`.gz` files,
nginx `gzip_static always; gunzip on;`), jpeg, compressed_segmentation (uint64).

Per layer, N rounds; in each round every library and mode runs once in a fresh process (so peak
RSS, ru_maxrss, is per library, and load from elsewhere on the machine falls on all alike):
  cold   after one untimed cold read (imports, first-use set-up), a new client: info fetch +
         section read (+ render + PNG)
  warm   one client reused, no chunk cache, so every chunk is fetched again (one untimed read first)
plus "bytes only": our transport GETting just the byte ranges our reader asks for (connectome-bench bench-slice
--mode fetch-only), i.e. the time to move the bytes that are needed.

The PNG is the same work for everyone: EM sections are grey PNGs at zlib level 1, Huffman-only
(our `PNGOptions.fast`; Pillow's `compress_type=2`, its fastest setting); segmentation IDs are
coloured with the same hash (SegmentID.displayColor, transcribed to numpy below, checked pixel for
pixel against ours) and written as RGB PNGs at zlib level 1.

Usage: .venv/bin/python bench/slice/run.py [--runs 7] [--binary .build/release/connectome-kernel]
       [--bench-binary .build/release/connectome-bench]
Writes bench/slice/results/slice-<date>.json and .md (the table).
"""
import argparse
import datetime
import gzip
import io
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = sys.executable

LAYERS = {  # name → (directory in the served root, kind)
    "raw": ("image_raw", "em"),
    "raw_gzip": ("image_raw_gz", "em"),
    "jpeg": ("image", "em"),
    "cseg": ("segmentation", "seg"),
}
LIBS = ["ours", "tensorstore", "cloudvolume"]

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  log_format stats '$status $body_bytes_sent';
  access_log {tmp}/access.log stats;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 100000;
  keepalive_timeout 65;
  default_type application/octet-stream;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    gzip_static always;
    gunzip on;
  }}
}}
"""


# ------------------------------------------------------------------ server
class Nginx:
    """nginx with a private config in a temp dir, on a free 127.0.0.1 port, counting bytes sent."""

    def __init__(self, root):
        self.tmp = tempfile.mkdtemp(prefix="bench-slice-nginx-")
        self.port = free_port()
        conf = os.path.join(self.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(tmp=self.tmp, port=self.port, root=root))
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = subprocess.Popen([binary, "-c", conf, "-p", self.tmp],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        self.base = f"http://127.0.0.1:{self.port}"

    def reset(self):
        open(os.path.join(self.tmp, "access.log"), "w").close()  # nginx appends (O_APPEND)

    def stats(self):
        time.sleep(0.05)
        requests = sent = 0
        with open(os.path.join(self.tmp, "access.log")) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    requests += 1
                    sent += int(parts[1])
        return {"requests": requests, "bytes": sent}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=10):
    start = time.time()
    while time.time() - start < timeout:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not start on port {port}")


# ------------------------------------------------------------------ dataset
def ensure_dataset(binary, bench, data, fresh=False):
    """The sample under `data` (written once), plus image_raw_gz: image_raw with every chunk gzipped."""
    marker = os.path.join(data, ".complete-3")  # SampleData.marker: written last, once the whole sample is there
    if os.path.exists(marker) and not fresh:
        return
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    print(f"writing the sample to {data}", flush=True)
    wrote = subprocess.run([binary, "sample", "--out", data], capture_output=True).returncode == 0
    if not (wrote and all(os.path.exists(os.path.join(data, d, "info")) for d in ("image", "image_raw", "segmentation"))):
        # Builds without the `sample` subcommand (or another layout): bench-slice carries the same writer.
        subprocess.run([bench, "bench-slice", "--write-sample", data], check=True, stdout=subprocess.DEVNULL)
    source, target = os.path.join(data, "image_raw"), os.path.join(data, "image_raw_gz")
    for directory, _, files in os.walk(source):
        out = os.path.join(target, os.path.relpath(directory, source))
        os.makedirs(out, exist_ok=True)
        for name in files:
            with open(os.path.join(directory, name), "rb") as f:
                body = f.read()
            if name == "info":
                with open(os.path.join(out, name), "wb") as f:
                    f.write(body)
            else:
                with open(os.path.join(out, name + ".gz"), "wb") as f:
                    f.write(gzip.compress(body, compresslevel=6, mtime=0))
    open(marker, "w").close()


# ------------------------------------------------------------------ peers (child processes)
MIX1, MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def segment_colors(ids):
    """SegmentID.displayColor for an array of uint64 IDs → uint8 (..., 3); ID 0 is black."""
    import numpy as np
    h = ids.astype(np.uint64, copy=True)
    h = (h ^ (h >> np.uint64(30))) * np.uint64(MIX1)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(MIX2)
    h ^= h >> np.uint64(31)
    hue = (h & np.uint64(0xFFFF)).astype(np.float64) / 65536
    s = 0.55 + 0.45 * ((h >> np.uint64(16)) & np.uint64(0xFF)).astype(np.float64) / 255
    v = 0.7 + 0.3 * ((h >> np.uint64(24)) & np.uint64(0xFF)).astype(np.float64) / 255
    scaled = hue * 6
    sector = np.floor(scaled)
    f = scaled - sector
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    sector = sector.astype(np.int64)
    r = np.choose(sector, [v, q, p, p, t, v])
    g = np.choose(sector, [t, v, v, q, p, p])
    b = np.choose(sector, [p, p, t, v, v, q])
    rgb = np.floor(np.stack([r, g, b], axis=-1) * 255 + 0.5).astype(np.uint8)
    rgb[ids == 0] = 0
    return rgb


def colorize(section):
    """RGB pixels for a (rows, columns) uint64 section: each distinct ID hashed once."""
    import numpy as np
    unique, inverse = np.unique(section, return_inverse=True)
    return segment_colors(unique)[inverse.reshape(section.shape)]


def peer_open(lib, url):
    if lib == "tensorstore":
        import tensorstore as ts
        context = ts.Context({"cache_pool": {"total_bytes_limit": 0}})
        return ts.open({"driver": "neuroglancer_precomputed",
                        "kvstore": {"driver": "http", "base_url": url + "/"},
                        "recheck_cached_data": False}, read=True, context=context).result()
    from cloudvolume import CloudVolume
    return CloudVolume("precomputed://" + url, mip=0, progress=False, cache=False,
                       fill_missing=False, lru_bytes=0)


def peer_read(lib, volume, a):
    """The section as a C-contiguous (rows = y, columns = x) array."""
    import numpy as np
    x, y = slice(a.x, a.x + a.size), slice(a.y, a.y + a.size)
    if lib == "tensorstore":
        array = volume[x, y, a.z, 0].read().result()
    else:
        array = np.asarray(volume[x, y, a.z:a.z + 1])[:, :, 0, 0]
    return array


def peer_child(a):
    import numpy as np
    from PIL import Image

    def render_and_encode(array, start, fetched):
        if a.kind == "seg":
            pixels = colorize(np.ascontiguousarray(array.T))
        else:
            pixels = np.ascontiguousarray(array.T)
        image = Image.fromarray(pixels)
        rendered = time.perf_counter()
        buffer = io.BytesIO()
        if a.kind == "seg":
            image.save(buffer, format="PNG", compress_level=1)
        else:
            image.save(buffer, format="PNG", compress_level=1, compress_type=2)
        done = time.perf_counter()
        if a.png:
            with open(a.png, "wb") as f:
                f.write(buffer.getvalue())
        ms = lambda s: round(s * 1e3, 3)  # noqa: E731
        return {"fetch_decode": ms(fetched - start), "render": ms(rendered - fetched),
                "png": ms(done - rendered), "total": ms(done - start), "png_bytes": buffer.tell()}

    runs = []
    if a.mode == "cold":
        for _ in range(a.warmup):  # imports and first-use set-up stay out of the timed runs
            render_and_encode(peer_read(a.peer, peer_open(a.peer, a.url), a), 0, 0)
        for _ in range(a.runs):
            start = time.perf_counter()
            volume = peer_open(a.peer, a.url)
            array = peer_read(a.peer, volume, a)
            runs.append(render_and_encode(array, start, time.perf_counter()))
            del volume
        reads = a.warmup + a.runs
    else:
        volume = peer_open(a.peer, a.url)
        peer_read(a.peer, volume, a)
        for _ in range(a.runs):
            start = time.perf_counter()
            array = peer_read(a.peer, volume, a)
            runs.append(render_and_encode(array, start, time.perf_counter()))
        reads = a.runs + 1
    print(json.dumps({"runs": runs, "reads": reads, "median": median_run(runs)}))


def median_run(runs):
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]} if runs else {}


# ------------------------------------------------------------------ driver
def run_measured(command, server):
    """Runs one measuring process; returns its JSON, its own peak RSS in MB (wait4) and what nginx sent."""
    server.reset()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1]), round(usage.ru_maxrss / 1024, 1), server.stats()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/connectome-kernel"))
    ap.add_argument("--bench-binary", default=os.path.join(ROOT, ".build/release/connectome-bench"),
                    help="the instrument with bench-slice (apart from the kernel binary)")
    ap.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "bench-slice-data"))
    ap.add_argument("--layers", nargs="+", default=list(LAYERS), choices=list(LAYERS))
    ap.add_argument("--libs", nargs="+", default=LIBS, choices=LIBS)
    ap.add_argument("--x", type=int, default=0)
    ap.add_argument("--y", type=int, default=0)
    ap.add_argument("--z", type=int, default=37)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--fresh", action="store_true", help="write the dataset again even if --data holds one")
    # child mode
    ap.add_argument("--peer", choices=["tensorstore", "cloudvolume"])
    ap.add_argument("--url")
    ap.add_argument("--kind", choices=["em", "seg"])
    ap.add_argument("--mode", choices=["cold", "warm"])
    ap.add_argument("--png")
    ap.add_argument("--warmup", type=int, default=0)
    a = ap.parse_args()
    if a.peer:
        return peer_child(a)

    binary, bench = os.path.abspath(a.binary), os.path.abspath(a.bench_binary)
    for path, product in ((binary, "connectome-kernel"), (bench, "connectome-bench")):
        if not os.path.exists(path):
            sys.exit(f"{path} does not exist: build it with `swift build -c release --product {product}`")
    ensure_dataset(binary, bench, a.data, a.fresh)
    region = ["--x", str(a.x), "--y", str(a.y), "--z", str(a.z), "--size", str(a.size)]
    pngs = tempfile.mkdtemp(prefix="bench-slice-png-")
    server = Nginx(a.data)
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "runs": a.runs,
               "section": {"x": a.x, "y": a.y, "z": a.z, "size": a.size}, "cpus": os.cpu_count(),
               "versions": versions(), "load_average_before": os.getloadavg(), "layers": {}}
    try:
        for layer in a.layers:
            directory, kind = LAYERS[layer]
            url = f"{server.base}/{directory}"
            entry = results["layers"][layer] = {}
            # Rounds: every library and mode once per round, each in a fresh process, so that load
            # from elsewhere on the machine falls on all of them alike.
            collected = {}
            for round_index in range(a.runs):
                print(f"{layer:9} round {round_index + 1}/{a.runs}:", end="", flush=True)
                for lib in a.libs:
                    for mode in ("cold", "warm"):
                        png = os.path.join(pngs, f"{layer}-{lib}.png")
                        if lib == "ours":
                            command = [bench, "bench-slice", "--url", url, "--mode", mode, "--runs", "1",
                                       "--warmup", "1", "--png", png, *region]
                        else:
                            command = [PY, os.path.abspath(__file__), "--peer", lib, "--url", url, "--kind", kind,
                                       "--mode", mode, "--runs", "1", "--warmup", "1", "--png", png, *region]
                        report, rss, served = run_measured(command, server)
                        reads = report.get("reads", 2)
                        slot = collected.setdefault((lib, mode), {"runs": [], "rss": [], "requests": 0, "bytes": 0,
                                                                  "reads": 0, "report": report})
                        slot["runs"] += report["runs"]
                        slot["rss"].append(rss)
                        slot["requests"] += served["requests"]
                        slot["bytes"] += served["bytes"]
                        slot["reads"] += reads
                        print(f" {lib} {mode} {report['runs'][0]['total']:.0f}", end="", flush=True)
                if "ours" in a.libs:
                    report, rss, _ = run_measured([bench, "bench-slice", "--url", url, "--mode", "fetch-only",
                                                   "--runs", "1", *region], server)
                    only = collected.setdefault("bytes_only", {"runs": [], "rss": [], "wire": [], "report": report})
                    only["runs"] += report["runs"]
                    only["rss"].append(rss)
                    wire = curl_wire(url, report["reads"], 1, server)
                    if wire:
                        only["wire"].append(wire)
                    print(f" bytes-only {report['runs'][0]['total']:.0f}", end="", flush=True)
                print(flush=True)
            only = collected.pop("bytes_only", None)
            if only:
                report = only["report"]
                entry["bytes_only"] = {"median": median_run(only["runs"]), "runs": only["runs"],
                                       "requests": report["requests"], "bytes": report["bytes_fetched"],
                                       "peak_rss_mb": max(only["rss"])}
                if only["wire"]:
                    entry["wire"] = {"median_ms": statistics.median(w["median_ms"] for w in only["wire"]),
                                     "bytes_per_read": only["wire"][-1]["bytes_per_read"]}
            for (lib, mode), slot in collected.items():
                report = slot["report"]
                entry.setdefault(lib, {})[mode] = {
                    "median": median_run(slot["runs"]), "runs": slot["runs"], "peak_rss_mb": max(slot["rss"]),
                    "per_read": {"requests": slot["requests"] / slot["reads"], "bytes": slot["bytes"] / slot["reads"]},
                    **({k: report[k] for k in ("chunks_total", "chunks_fetched", "bytes_fetched")} if lib == "ours" else {}),
                }
            entry["png_match"] = compare_pngs(pngs, layer, a.libs)
    finally:
        server.stop()
    shutil.rmtree(pngs, ignore_errors=True)
    results["load_average_after"] = os.getloadavg()

    table = make_table(results)
    print()
    print(table)
    os.makedirs(a.results, exist_ok=True)
    stem = os.path.join(a.results, "slice-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    with open(stem + ".json", "w") as f:
        json.dump(results, f, indent=1)
    with open(stem + ".md", "w") as f:
        f.write(table + "\n")
    print(f"\nwrote {stem}.json and {stem}.md")


def curl_wire(url, reads, runs, server):
    """The same GETs by the curl CLI (32 in parallel, gzip left encoded): the bytes on the wire alone.

    Wall time of the whole curl process, so it includes curl's start-up (a few ms)."""
    curl = shutil.which("curl")
    if not curl:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as config:
        for read in reads:
            config.write(f'url = "{url}/{read["key"]}"\noutput = "/dev/null"\n')
            if read.get("start") is not None:
                config.write(f'range = "{read["start"]}-{read["end"] - 1}"\n')
    command = [curl, "--silent", "--no-progress-meter", "--parallel", "--parallel-max", "32", "-H", "Accept-Encoding: gzip", "-K", config.name]
    times = []
    try:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server.reset()
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append((time.perf_counter() - start) * 1e3)
        served = server.stats()
    finally:
        os.unlink(config.name)
    return {"median_ms": round(statistics.median(times), 3), "bytes_per_read": served["bytes"] / runs}


def compare_pngs(directory, layer, libs):
    """Whether every library's last PNG decodes to the same pixels as ours (jpeg: libjpeg versions may differ)."""
    import numpy as np
    from PIL import Image
    path = lambda lib: os.path.join(directory, f"{layer}-{lib}.png")  # noqa: E731
    if "ours" not in libs or not os.path.exists(path("ours")):
        return {}
    ours = np.asarray(Image.open(path("ours")))
    result = {}
    for lib in libs:
        if lib != "ours" and os.path.exists(path(lib)):
            other = np.asarray(Image.open(path(lib)))
            same_shape = other.shape == ours.shape
            result[lib] = {"equal": bool(same_shape and (other == ours).all()),
                           "max_abs_diff": int(np.abs(other.astype(int) - ours.astype(int)).max()) if same_shape else None}
    return result


def versions():
    from importlib.metadata import version
    out = {"python": sys.version.split()[0]}
    for name in ("tensorstore", "cloud-volume", "Pillow", "numpy"):
        try:
            out[name] = version(name)
        except Exception:  # noqa: BLE001
            out[name] = None
    try:
        out["nginx"] = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-v"],
                                      capture_output=True, text=True).stderr.strip()
    except OSError:
        pass
    return out


def make_table(results):
    """Markdown: medians (ms), ratios peer / ours, ours / bytes-only, peak RSS."""
    lines = [
        f"1024 × 1024 XY section (x {results['section']['x']}, y {results['section']['y']}, z {results['section']['z']}), "
        f"nginx on 127.0.0.1, {results['runs']} rounds, median ms (fetch + decode + render + PNG); peak RSS per process. "
        "Bytes only: our transport GETting just what our reader asks for; wire: the same GETs by the curl CLI "
        "(gzip not decoded, process start included). "
        f"Load average before / after: {results['load_average_before'][0]:.1f} / {results['load_average_after'][0]:.1f} "
        f"on {results['cpus']} CPUs.",
        "",
        "| layer | mode | ours | TensorStore | cloud-volume | TS / ours | CV / ours | bytes only | ours / bytes | wire (curl) | ours MB | TS MB | CV MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    fmt = lambda v: "–" if v is None else (f"{v:.1f}" if v < 100 else f"{v:.0f}")  # noqa: E731
    ratio = lambda a, b: "–" if a is None or b in (None, 0) else f"{a / b:.1f}×"  # noqa: E731
    for layer, entry in results["layers"].items():
        bytes_only = entry.get("bytes_only", {}).get("median", {}).get("total")
        wire = (entry.get("wire") or {}).get("median_ms")
        for mode in ("cold", "warm"):
            total = lambda lib: entry.get(lib, {}).get(mode, {}).get("median", {}).get("total")  # noqa: E731
            rss = lambda lib: entry.get(lib, {}).get(mode, {}).get("peak_rss_mb")  # noqa: E731
            ours, ts, cv = total("ours"), total("tensorstore"), total("cloudvolume")
            lines.append(f"| {layer} | {mode} | {fmt(ours)} | {fmt(ts)} | {fmt(cv)} | {ratio(ts, ours)} | {ratio(cv, ours)} | "
                         f"{fmt(bytes_only) if mode == 'warm' else ''} | {ratio(ours, bytes_only) if mode == 'warm' else ''} | "
                         f"{fmt(wire) if mode == 'warm' else ''} | "
                         f"{fmt(rss('ours'))} | {fmt(rss('tensorstore'))} | {fmt(rss('cloudvolume'))} |")
    lines += ["", "Ours, split (median ms, warm): fetch + decode / render / PNG; what was moved per read:", "",
              "| layer | fetch + decode | render | PNG | chunks | MiB fetched | bytes-only GETs | bytes-only MiB |",
              "|---|---|---|---|---|---|---|---|"]
    for layer, entry in results["layers"].items():
        warm = entry.get("ours", {}).get("warm")
        if not warm:
            continue
        m = warm["median"]
        only = entry.get("bytes_only", {})
        lines.append(f"| {layer} | {m['fetch_decode']:.1f} | {m['render']:.1f} | {m['png']:.1f} | {warm.get('chunks_total')} | "
                     f"{warm.get('bytes_fetched', 0) / 2**20:.2f} | {only.get('requests', '–')} | "
                     f"{only.get('bytes', 0) / 2**20:.2f} |")
    lines += ["", "Peers, split (median ms, warm): fetch + decode / render / PNG; what nginx sent per read:", "",
              "| layer | library | fetch + decode | render | PNG | requests | MiB sent |", "|---|---|---|---|---|---|---|"]
    for layer, entry in results["layers"].items():
        for lib in ("tensorstore", "cloudvolume"):
            warm = entry.get(lib, {}).get("warm")
            if warm:
                m = warm["median"]
                lines.append(f"| {layer} | {lib} | {m['fetch_decode']:.1f} | {m['render']:.1f} | {m['png']:.1f} | "
                             f"{warm['per_read']['requests']:.0f} | {warm['per_read']['bytes'] / 2**20:.2f} |")
    matches = {layer: entry.get("png_match") for layer, entry in results["layers"].items()}
    lines += ["", "PNG pixels equal to ours: " + "; ".join(
        f"{layer}: " + ", ".join(f"{lib} {'yes' if m['equal'] else 'no (max diff ' + str(m['max_abs_diff']) + ')'}"
                                 for lib, m in (match or {}).items()) for layer, match in matches.items())]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
