"""Tokens reach only the host they were set for, and never over plain http to another machine.

The real kernel (`connectome-kernel eval`, libcurl) decodes state-server links against a local
server that records every request's Authorization header.
"""
import http.server
import socket
import threading

import pytest

from conftest import run_eval

STATE = b'{"layers": [{"type": "segmentation", "source": "precomputed://gs://b/seg", "name": "seg", "segments": ["42"]}]}'


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a state, or `/redirect/HOST:PORT/PATH` with a 302 there; records headers."""

    def do_GET(self):
        self.server.seen.append({"host": self.headers.get("Host"), "path": self.path,
                                 "authorization": self.headers.get("Authorization")})
        if self.path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", "http://" + self.path[len("/redirect/"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(STATE)))
        self.end_headers()
        self.wfile.write(STATE)

    def log_message(self, *args):
        pass


@pytest.fixture()
def recorder():
    server = http.server.ThreadingHTTPServer(("0.0.0.0", 0), Recorder)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def link(server_url, middleauth=False):
    if middleauth:
        return f"https://spelunker.cave-explorer.org/#!middleauth+{server_url}"
    return f"https://neuroglancer-demo.appspot.com/?json_url={server_url}"


def request_for(recorder, path):
    matches = [r for r in recorder.seen if r["path"] == path]
    assert len(matches) == 1, f"{path}: {recorder.seen}"
    return matches[0]


def non_loopback_address():
    """This machine's address on its default route, or None (no network interface but loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent for a UDP connect
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_loopback_host_gets_its_token_and_other_hosts_never_do(recorder):
    port = recorder.server_address[1]
    token = 'token "tok-loopback" host="127.0.0.1"\n'
    run_eval(token + f'decode "{link(f"http://127.0.0.1:{port}/state/1")}"')
    # The control: the recorder does see a token sent to its own host.
    assert request_for(recorder, "/state/1")["authorization"] == "Bearer tok-loopback"

    run_eval(token + f'decode "{link(f"http://localhost:{port}/state/2")}"')
    assert request_for(recorder, "/state/2")["authorization"] is None

    # A redirect from the token's host to another host does not carry the token along.
    run_eval(token + f'decode "{link(f"http://127.0.0.1:{port}/redirect/localhost:{port}/state/3")}"')
    assert request_for(recorder, f"/redirect/localhost:{port}/state/3")["authorization"] == "Bearer tok-loopback"
    assert request_for(recorder, "/state/3")["authorization"] is None

    # A middleauth link to a host without a token stops before any request and says how to set one.
    proc = run_eval(token + f'decode "{link(f"http://localhost:{port}/state/4", middleauth=True)}"', check=False)
    assert proc.returncode != 0
    assert "no token is set for localhost" in proc.stderr and 'host="localhost"' in proc.stderr
    assert "tok-loopback" not in proc.stderr + proc.stdout
    assert not [r for r in recorder.seen if r["path"] == "/state/4"]


def test_plain_http_to_another_machine_never_gets_the_token(recorder):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to serve plain http on")
    port = recorder.server_address[1]
    token = f'token "tok-remote" host="{address}"\n'
    run_eval(token + f'decode "{link(f"http://{address}:{port}/state/5")}"')
    assert request_for(recorder, "/state/5")["authorization"] is None

    proc = run_eval(f'decode "{link(f"http://{address}:{port}/state/6")}" token="tok-once"', check=False)
    assert proc.returncode != 0 and "unencrypted" in proc.stderr
    proc = run_eval(token + f'decode "{link(f"http://{address}:{port}/state/7", middleauth=True)}"', check=False)
    assert proc.returncode != 0 and "only over https" in proc.stderr
    assert not [r for r in recorder.seen if r["path"] in ("/state/6", "/state/7")]
    assert all(r["authorization"] is None for r in recorder.seen)
