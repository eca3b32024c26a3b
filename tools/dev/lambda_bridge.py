"""A Lambda function container for the dev server: imports one handler and calls it per request.

Usage: python3 lambda_bridge.py <function dir> <function name> <memory MB> <timeout s>

Like Lambda, the function's folder is the first entry of sys.path and `handler.handler` is
imported once, at start (a cold start), then called once per request, one at a time.
The protocol runs on file descriptor 3, one JSON object per line, so the handler's own
stdout and stderr (its structured logs) stay free for the log:
  start:    {"ready": true}  or  {"ready": false, "errorType", "errorMessage", "stackTrace"}
  request:  {"id": n, "event": {...}, "requestId": "..."}        (on stdin)
  answer:   {"id": n, "ok": true, "result": ...}
            {"id": n, "ok": false, "errorType", "errorMessage", "stackTrace"}   (as Lambda reports errors)
The bridge ends when stdin closes. SIGINT and SIGHUP are ignored: Ctrl-C or a closed
terminal reaches every process of the group, and the dev server, not the bridge, decides
when to stop (it closes stdin; a request in progress finishes first).
"""

import importlib
import json
import os
import signal
import sys
import time
import traceback


class Context:
    """The attributes of Lambda's context object that handlers read."""

    def __init__(self, name, memory_mb, timeout_s, request_id):
        region = os.environ.get("AWS_REGION", "us-west-2")
        account = os.environ.get("DEV_ACCOUNT_ID", "123456789012")
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
        self.memory_limit_in_mb = str(memory_mb)
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def error_record(err):
    return {
        "errorType": type(err).__name__,
        "errorMessage": str(err),
        "stackTrace": traceback.format_exception(type(err), err, err.__traceback__),
    }


def main():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    function_dir, name, memory_mb, timeout_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    protocol = os.fdopen(3, "w", encoding="utf-8")

    def send(message):
        protocol.write(json.dumps(message, separators=(",", ":")) + "\n")
        protocol.flush()

    sys.path.insert(0, os.path.abspath(function_dir))
    try:
        handler = importlib.import_module("handler").handler
    except Exception as err:  # noqa: BLE001 - Lambda reports any init failure as Runtime.ImportModuleError
        send({"ready": False, **error_record(err)})
        return 1
    send({"ready": True})

    for line in sys.stdin:
        request = json.loads(line)
        context = Context(name, memory_mb, timeout_s, request["requestId"])
        try:
            result = handler(request["event"], context)
        except Exception as err:  # noqa: BLE001 - a function error, reported to the caller as Lambda does
            traceback.print_exc()
            send({"id": request["id"], "ok": False, **error_record(err)})
            continue
        try:
            # Lambda serializes the result with json; what json cannot encode is a function error.
            send({"id": request["id"], "ok": True, "result": result})
        except (TypeError, ValueError) as err:
            send({"id": request["id"], "ok": False, "errorType": "Runtime.MarshalError",
                  "errorMessage": f"Unable to marshal response: {err}", "stackTrace": []})
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
