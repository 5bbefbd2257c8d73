"""jupyter_kernel_test against the built kernel: every attribute that applies to the language."""
import unittest

import jupyter_kernel_test as jkt

from conftest import KERNEL_NAME, binary

# A 1x1 PNG is enough for the display test; the slice test below shows a real EM section.
binary()


class ConnectomeKernelTests(jkt.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "connectome"
    file_extension = ".cq"

    code_hello_world = 'print "hello, world"'
    code_stderr = 'print "careful" stream="stderr"'

    completion_samples = [
        {"text": "sli", "matches": {"slice"}},
        {"text": "hel", "matches": {"help"}},
        {"text": "slice x=1 y=2 z=3 lay", "matches": {"layer="}},
        {"text": "dataset sam", "matches": {"sample"}},
    ]

    complete_code_samples = ["print 1", "let a = [1, 2]", "slice x=512 y=512 z=32", "help slice"]
    incomplete_code_samples = ["let a = [1, 2", "print (1,\n", "let r = {a: 1,", "vars |"]
    invalid_code_samples = ["let = 5", "print )", "let x 5"]

    code_generate_error = "slcie x=1"

    code_execute_result = [
        {"code": "42", "result": "42"},
        {"code": "[1, 2, 3]", "result": "[1, 2, 3]"},
        {"code": "576460752664524086", "result": "576460752664524086"},
        {"code": "(24899, 14436, 3739)", "result": "(24899, 14436, 3739)"},
    ]

    code_display_data = [
        {"code": 'show "some text"', "mime": "text/plain"},
        {"code": "show (vars)", "mime": "text/html"},
        {"code": "show (slice x=512 y=512 z=32 size=64)", "mime": "image/png"},
    ]

    code_history_pattern = "57646*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "slice"

    code_clear_output = "clear"


class ConnectomeKernelIopubWelcome(jkt.IopubWelcomeTests):
    kernel_name = KERNEL_NAME
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
