"""The Jupyter project's kernel conformance suite (Debian: python3-jupyter-kernel-test) against the tracklab kernel.

Run by tests/kernel/conformance.test.ts with JUPYTER_PATH holding a tracklab kernelspec and TRACKLAB_STORE a temp store.
"""
import unittest

import jupyter_kernel_test


class TracklabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "tracklab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops")'
    code_generate_error = 'throw new Error("expected failure")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "ab"},
    ]
    code_display_data = [
        {"code": '%experiment conformance\n%start_run c\n%log_metric a=1\n%end_run', "mime": "text/html"},
        {"code": '%runs', "mime": "text/plain"},
    ]
    completion_samples = [
        {"text": "%log_met", "matches": {"%log_metric", "%log_metrics"}},
        {"text": "const abcdef = 1; abcd", "matches": {"abcdef"}},
    ]
    complete_code_samples = ["1", "%log_metric a=1", "const x = 1;"]
    incomplete_code_samples = ["function f() {", "const a = ["]
    code_inspect_sample = "%log_metric"


if __name__ == "__main__":
    unittest.main()
