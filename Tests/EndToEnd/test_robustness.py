"""Cells that used to kill the kernel, sent to the real binary through jupyter_client: each must come
back as an error reply that names the problem, from a kernel that is still alive and still holds the
variable bound before. One kernel serves the whole module, so a crash anywhere shows up everywhere after.

The Swift suite RegistryExtremesTests sends extreme values to every parameter of every command; this
file checks a sample of them, the six cells of issue 8 among them, over the wire."""
import time

import pytest
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, binary

binary()

DEEP = 10_000
MEGABYTE = "x" * (1 << 20)


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60)
    try:
        reply, _ = execute(kc, "let kept = 7")
        assert reply["content"]["status"] == "ok"
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def wait_idle(kc, msg_id, timeout):
    messages = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no idle for {msg_id} within {timeout}s; got {[m['msg_type'] for m in messages]}"
        msg = kc.get_iopub_msg(timeout=remaining)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages


def execute(kc, code, timeout=60):
    msg_id = kc.execute(code)
    deadline = time.monotonic() + timeout
    while True:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply, wait_idle(kc, msg_id, timeout)


def assert_alive_with_binding(km, kc):
    assert km.is_alive(), "the kernel process died"
    reply, messages = execute(kc, "kept")
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m for m in messages if m["msg_type"] == "execute_result"]
    assert results and results[0]["content"]["data"]["text/plain"] == "7"


def nested(depth, open_="(", close=")"):
    return open_ * depth + "1" + close * depth


# (cell, ename, words the evalue must contain)
KILLERS = [
    ("slice x=1e19 y=512 z=32", "ArgumentError", ["x=1e19", "out of range", "2^40"]),
    ("segment at (1e300, 0, 0)", "ArgumentError", ["1e300", "out of range"]),
    ("sleep 1e308", "ArgumentError", ["SECONDS 1e308", "0 to 86400"]),
    ('cache size="inf GB"', "ArgumentError", ['size="inf GB"', "not a finite amount of memory"]),
    ("slice x=512 y=512 z=18446744073709551615", "ArgumentError", ["z=18446744073709551615", "out of range"]),
    ("print " + nested(DEEP), "SyntaxError", ["more than 256 levels deep"]),
]

SAMPLE = [
    ("slice x=-1e308 y=512 z=32", "ArgumentError", ["out of range"]),
    ("slice x=512 y=512 z=32 size=18446744073709551615", "ArgumentError", ["size=18446744073709551615", "1 to 16384"]),
    ("slice x=512 y=512 z=32 size=0", "ArgumentError", ["size=0", "1 to 16384"]),
    ("slice x=512 y=512 z=32 mip=9223372036854775808", "ArgumentError", ["mip=", "0 to 63"]),
    ("slice x=512 y=512 z=32 width=16384 height=16384 layer=segmentation", "ArgumentError",
     ["memory budget", "smaller size", "coarser mip"]),
    ("slice x=512 y=512 z=32 alpha=1e308", "ArgumentError", ["alpha=1e308", "0 to 1"]),
    ("segment at [(0, 0, 0), (-18446744073709551615, 0, 0)]", "ArgumentError", ["out of range"]),
    ("sleep -1", "ArgumentError", ["SECONDS -1"]),
    ('sleep "' + MEGABYTE + '"', "ArgumentError", ["expects a number"]),
    ('cache size="nan"', "ArgumentError", ["not a finite amount of memory"]),
    ('cache size="-1 GB"', "ArgumentError", ["negative"]),
    ('cache size="lots"', "ArgumentError", ["not an amount of memory"]),
    ('cache size="1000000 TB"', "ArgumentError", ["out of range", "this machine's memory"]),
    ("cache budget=1e19", "ArgumentError", ["budget=1e19", "out of range"]),
    ("valid root 1 layers=18446744073709551615", "ArgumentError", ["layers=", "1 to 255"]),
    ("valid root 1 layer_bits=64", "ArgumentError", ["layer_bits=64", "1 to 63"]),
    ("scene position=(1e308, 0, 0)", "ArgumentError", ["out of range"]),
    ("catmaid sample project=1e19", "ArgumentError", ["project=1e19"]),
    ("print 18446744073709551616", "SyntaxError", ["out of range"]),
    ("print 1e400", "SyntaxError", ["too large"]),
    ("print " + nested(DEEP, "[", "]"), "SyntaxError", ["more than 256 levels deep"]),
    ("print " + nested(DEEP, "{a: ", "}"), "SyntaxError", ["more than 256 levels deep"]),
    ("let a = 1\n" + "let a = [a]\n" * 300 + "print a", "ValueError", ["nest at most 256 levels"]),
    ("help " + "q" * (1 << 20), "NameError", ["unknown command"]),
]


@pytest.mark.parametrize("cell, ename, words", KILLERS + SAMPLE, ids=lambda v: v[:50] if isinstance(v, str) else None)
def test_bad_cell_is_an_error_and_the_kernel_lives(kernel, cell, ename, words):
    km, kc = kernel
    reply, messages = execute(kc, cell)
    content = reply["content"]
    assert content["status"] == "error", f"{cell[:80]!r} gave {content}"
    assert content["ename"] == ename, content["evalue"][:500]
    for word in words:
        assert word in content["evalue"], f"{word!r} not in {content['evalue'][:500]!r}"
    errors = [m for m in messages if m["msg_type"] == "error"]
    assert len(errors) == 1 and any("^" in line for line in errors[0]["content"]["traceback"])
    assert_alive_with_binding(km, kc)


def test_deep_cells_in_complete_inspect_and_is_complete(kernel):
    km, kc = kernel
    for code in ["print " + nested(DEEP), "print " + "(" * DEEP]:
        kc.complete(code, len(code) // 2)
        assert kc.get_shell_msg(timeout=30)["content"]["status"] == "ok"
        kc.inspect(code, len(code) // 2)
        assert kc.get_shell_msg(timeout=30)["content"]["status"] == "ok"
        kc.is_complete(code)
        assert kc.get_shell_msg(timeout=30)["content"]["status"] == "invalid"
    assert_alive_with_binding(km, kc)


def test_sleep_up_to_a_day_is_accepted_and_interruptible(kernel):
    km, kc = kernel
    msg_id = kc.execute("sleep 86400")
    time.sleep(0.5)
    started = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert time.monotonic() - started < 2.0
    wait_idle(kc, msg_id, 10)
    assert_alive_with_binding(km, kc)


def test_budget_is_settable_and_named_in_the_refusal(kernel):
    km, kc = kernel
    reply, _ = execute(kc, 'cache budget="2 MB"')
    assert reply["content"]["status"] == "ok"
    reply, _ = execute(kc, "slice x=512 y=512 z=32 size=1000")
    assert reply["content"]["ename"] == "ArgumentError"
    assert "1.9 MiB" in reply["content"]["evalue"] and "cache budget=" in reply["content"]["evalue"]
    reply, messages = execute(kc, "slice x=512 y=512 z=32 size=256")
    assert reply["content"]["status"] == "ok", reply["content"]
    reply, _ = execute(kc, 'cache budget="1 GiB"')
    assert reply["content"]["status"] == "ok"
    reply, _ = execute(kc, "slice x=512 y=512 z=32 size=1000")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert_alive_with_binding(km, kc)
