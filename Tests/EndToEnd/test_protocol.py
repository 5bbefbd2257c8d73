"""Protocol behaviour through jupyter_client: interrupts, heartbeat, bad signatures, restarts,
stop_on_error, stdin, and long runs of executes (sequential and pipelined)."""
import queue
import time

import pytest
import zmq
from jupyter_client.manager import start_new_kernel

from conftest import KERNEL_NAME, binary

binary()


@pytest.fixture()
def kernel():
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=30)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def wait_idle(kc, msg_id, timeout=30.0):
    """Collects IOPub messages of one request until its idle status; returns them."""
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


def execute(kc, code, **kwargs):
    msg_id = kc.execute(code, **kwargs)
    reply = kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=30)
    return reply, wait_idle(kc, msg_id)


def test_interrupt_stops_sleep_within_two_seconds(kernel):
    km, kc = kernel
    msg_id = kc.execute("sleep 30")
    time.sleep(0.3)
    start = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=5)
    elapsed = time.monotonic() - start
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert elapsed < 2.0, f"interrupt took {elapsed:.2f}s"
    # The kernel keeps working and keeps its state.
    reply, _ = execute(kc, "let kept = 7")
    reply, messages = execute(kc, "kept")
    results = [m for m in messages if m["msg_type"] == "execute_result"]
    assert results and results[0]["content"]["data"]["text/plain"] == "7"


def test_heartbeat_answers_while_a_cell_runs(kernel):
    km, kc = kernel
    kc.execute("sleep 3")
    time.sleep(0.3)
    ctx = zmq.Context.instance()
    hb = ctx.socket(zmq.REQ)
    hb.linger = 0
    hb.connect(f"{km.transport}://{km.ip}:{km.hb_port}")
    hb.send(b"ping")
    assert hb.poll(1000), "heartbeat did not answer within 1 s while a cell was running"
    assert hb.recv() == b"ping"
    hb.close()
    km.interrupt_kernel()


def test_badly_signed_message_is_ignored_and_the_next_is_answered(kernel):
    km, kc = kernel
    session = kc.session
    good_key = session.key
    session.key = b"not-the-right-key"
    bad_id = kc.execute('print "should not run"')
    session.key = good_key
    good_id = kc.execute('print "good"')
    reply = kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == good_id
    with pytest.raises(queue.Empty):
        kc.get_shell_msg(timeout=0.5)
    assert bad_id != good_id


def test_restart_through_shutdown_request(kernel):
    km, kc = kernel
    execute(kc, "let before = 1")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    reply, messages = execute(kc, "before")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "NameError"


def test_stop_on_error_aborts_the_queue(kernel):
    km, kc = kernel
    # The sleep makes sure the second request is queued behind the failing one.
    first = kc.execute("sleep 0.3\nnosuchcommand 1", stop_on_error=True)
    second = kc.execute('print "queued"')
    replies = {}
    while len(replies) < 2:
        msg = kc.get_shell_msg(timeout=10)
        replies[msg["parent_header"]["msg_id"]] = msg
    assert replies[first]["content"]["status"] == "error"
    assert replies[second]["content"]["status"] == "aborted"
    # Requests sent after the error was handled run normally.
    reply, _ = execute(kc, "1")
    assert reply["content"]["status"] == "ok"


def test_input_request_round_trip(kernel):
    km, kc = kernel
    msg_id = kc.execute('let answer = input "Neuron name? "', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=10)
    assert request["msg_type"] == "input_request"
    assert request["content"]["prompt"] == "Neuron name? "
    assert request["content"]["password"] is False
    kc.input("DNa02")
    reply = kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "ok"
    reply, messages = execute(kc, "answer")
    results = [m for m in messages if m["msg_type"] == "execute_result"]
    assert results[0]["content"]["data"]["text/plain"] == "DNa02"


def test_input_without_stdin_fails_clearly(kernel):
    km, kc = kernel
    reply, messages = execute(kc, 'input "x? "', allow_stdin=False)
    assert reply["content"]["status"] == "error"
    assert "allow_stdin" in reply["content"]["evalue"] or "input" in reply["content"]["evalue"]


def test_a_thousand_sequential_executes(kernel):
    km, kc = kernel
    for i in range(1000):
        msg_id = kc.execute(str(i))
        reply = kc.get_shell_msg(timeout=10)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "ok"
        wait_idle(kc, msg_id, timeout=10)


@pytest.mark.parametrize("burst", range(3))
def test_pipelined_bursts_of_a_thousand(kernel, burst):
    km, kc = kernel
    ids = [kc.execute(str(i)) for i in range(1000)]
    pending_reply = set(ids)
    busy = set()
    idle = set()
    deadline = time.monotonic() + 60
    while (pending_reply or len(idle) < len(ids)) and time.monotonic() < deadline:
        try:
            while True:
                msg = kc.get_shell_msg(timeout=0.01)
                pending_reply.discard(msg["parent_header"].get("msg_id"))
        except queue.Empty:
            pass
        try:
            while True:
                msg = kc.get_iopub_msg(timeout=0.01)
                if msg["msg_type"] == "status":
                    parent = msg["parent_header"].get("msg_id")
                    state = msg["content"]["execution_state"]
                    if state == "busy":
                        busy.add(parent)
                    elif state == "idle":
                        assert parent in busy, "idle without busy"
                        idle.add(parent)
        except queue.Empty:
            pass
    assert not pending_reply, f"{len(pending_reply)} of 1000 requests got no reply"
    assert set(ids) <= busy and set(ids) <= idle, "some requests got no busy/idle pair"


def test_execution_count_rules(kernel):
    km, kc = kernel
    r1, _ = execute(kc, "1")
    r2, _ = execute(kc, "2", silent=True)
    r3, _ = execute(kc, "3", store_history=False)
    r4, _ = execute(kc, "4")
    assert r4["content"]["execution_count"] == r1["content"]["execution_count"] + 1
    _, silent_messages = execute(kc, "5", silent=True)
    assert not [m for m in silent_messages if m["msg_type"] in ("execute_input", "execute_result")]


def test_user_expressions(kernel):
    km, kc = kernel
    execute(kc, "let a = 5")
    reply, _ = execute(kc, "1", user_expressions={"x": "a", "bad": "nope"})
    exprs = reply["content"]["user_expressions"]
    assert exprs["x"]["status"] == "ok" and exprs["x"]["data"]["text/plain"] == "5"
    assert exprs["bad"]["status"] == "error" and exprs["bad"]["ename"] == "NameError"


def test_errors_keep_earlier_bindings_and_name_the_fix(kernel):
    km, kc = kernel
    reply, messages = execute(kc, "let good = 3\nslcie x=1")
    assert reply["content"]["ename"] == "NameError"
    assert "slice" in reply["content"]["evalue"]
    errors = [m for m in messages if m["msg_type"] == "error"]
    assert len(errors) == 1
    assert any("^" in line for line in errors[0]["content"]["traceback"])
    reply, messages = execute(kc, "good")
    assert [m for m in messages if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"] == "3"


def test_kernel_info_on_control(kernel):
    km, kc = kernel
    msg = kc.session.msg("kernel_info_request")
    kc.control_channel.send(msg)
    reply = kc.control_channel.get_msg(timeout=5)
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["language_info"]["name"] == "connectome"
    assert reply["content"]["implementation"] == "connectome-kernel"
