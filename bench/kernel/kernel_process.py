"""A connectome kernel started on a connection file of its own, for the scripts beside this one.

kernel_bench.py starts kernels through kernelspecs; rss_anatomy.py and make_order.py need the
process itself (its pid, or perf wrapped around it), so they start it here.
"""
import contextlib
import os
import subprocess
import tempfile
import uuid

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

# The kernel bench's setup cell (bench/kernel/run.sh, CK_SETUP): a 1024² section of the bundled sample, shown.
SECTION_CELL = "let em = slice x=512 y=512 z=32 size=1024 layer=image_raw\nshow em"


@contextlib.contextmanager
def running_kernel(command):
    """Yields (process, ready client) for `command + ["run", "-f", connection]`; shuts it down after."""
    with tempfile.TemporaryDirectory(prefix="ck-kernel-") as directory:
        # Signed, as a KernelManager's kernel is: unsigned, the HMAC code would be missing from the
        # order file and from the RSS these scripts measure.
        connection, _ = write_connection_file(os.path.join(directory, "connection.json"),
                                              key=str(uuid.uuid4()).encode())
        process = subprocess.Popen(list(command) + ["run", "-f", connection])
        client = BlockingKernelClient(connection_file=connection)
        client.load_connection_file()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            yield process, client
        finally:
            client.shutdown()
            process.wait(timeout=60)
            client.stop_channels()
