"""Patchwork's bridge to DaVinci Resolve's scripting API.

Run by patchwork-resolve as a child process: ``python3 -u resolve_bridge.py``. It speaks JSON lines:

  request   {"id": 7, "op": "call", "args": {"target": "project", "method": "GetRenderJobStatus", "args": ["..."]}}
  response  {"id": 7, "ok": true, "result": {...}}
            {"id": 7, "ok": false, "error": {"kind": "not_running", "message": "..."}}

The first line it writes, before reading anything, is {"id": 0, "ok": true, "result": {"protocol": 1, ...}}.

Ops:
  connect         {"host": null | "10.0.0.5"}: imports DaVinciResolveScript the documented way (RESOLVE_SCRIPT_API,
                  RESOLVE_SCRIPT_LIB, PYTHONPATH) and calls scriptapp("Resolve") or scriptapp("Resolve", host)
  call            {"target": "resolve" | "projectManager" | "project" | "timeline", "method": "GetName", "args": [...]}:
                  the named API call on the current object; the result converted to JSON (dict keys become strings,
                  API objects become {"__object__": "<type>"})
  timelines       the current project's timeline names, in index order
  selectTimeline  {"name": "..."}: makes the named timeline of the current project current
  markInOut       the current timeline's GetMarkInOut(), or null where the API has no such call

Error kinds: module_missing (the scripting module cannot be imported), not_running (scriptapp returned None: Resolve is
not running or external scripting is disabled), not_connected, no_project, no_timeline, no_such_timeline, bad_request,
call_failed (the API call raised; the message names the exception).

The bridge ends when its standard input closes (the JVM closed it or is gone), even while an API call hangs.
Anything else printing to standard output (the scripting library may) is sent to standard error, so the protocol
stream stays clean.
"""

import json
import os
import queue
import re
import sys
import threading
import traceback

PROTOCOL = 1
METHOD = re.compile(r"^[A-Z][A-Za-z0-9_]*$")

# The protocol goes to a private duplicate of the original standard output; fd 1 and sys.stdout now write to stderr.
_protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
os.dup2(2, 1)
sys.stdout = sys.stderr
_out_lock = threading.Lock()


def send(message):
    line = json.dumps(message, ensure_ascii=True, allow_nan=False, default=str)
    with _out_lock:
        _protocol.write(line + "\n")
        _protocol.flush()


class BridgeError(Exception):
    def __init__(self, kind, message):
        Exception.__init__(self, message)
        self.kind = kind
        self.message = message


def to_json(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return value
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return {"__object__": type(value).__name__}


class Session:
    def __init__(self):
        self.resolve = None
        self.host = None

    def connect(self, args):
        host = args.get("host")
        api = os.environ.get("RESOLVE_SCRIPT_API", "")
        modules = os.path.join(api, "Modules") if api else ""
        if modules and modules not in sys.path:
            sys.path.append(modules)
        try:
            import DaVinciResolveScript as dvr  # noqa: N813 (the documented module name)
        except BaseException as e:  # ImportError, or the module's own sys.exit
            raise BridgeError("module_missing", "cannot import DaVinciResolveScript (RESOLVE_SCRIPT_API=%r, "
                              "RESOLVE_SCRIPT_LIB=%r, Python %s): %s: %s" % (
                                  api, os.environ.get("RESOLVE_SCRIPT_LIB", ""), sys.version.split()[0],
                                  type(e).__name__, e))
        resolve = dvr.scriptapp("Resolve", host) if host else dvr.scriptapp("Resolve")
        if resolve is None:
            raise BridgeError("not_running", "scriptapp(\"Resolve\"%s) returned None" % (", %r" % host if host else ""))
        self.resolve = resolve
        self.host = host
        product = self.optional(resolve, "GetProductName")
        version = self.optional(resolve, "GetVersionString")
        return {"product": product, "version": version, "host": host}

    @staticmethod
    def optional(obj, method):
        try:
            return to_json(getattr(obj, method)())
        except Exception:
            return None

    def target(self, name):
        if self.resolve is None:
            raise BridgeError("not_connected", "not connected: send connect first")
        if name == "resolve":
            return self.resolve
        pm = self.resolve.GetProjectManager()
        if pm is None:
            raise BridgeError("not_running", "GetProjectManager() returned None")
        if name == "projectManager":
            return pm
        project = pm.GetCurrentProject()
        if project is None:
            raise BridgeError("no_project", "no project is open in Resolve")
        if name == "project":
            return project
        if name == "timeline":
            timeline = project.GetCurrentTimeline()
            if timeline is None:
                raise BridgeError("no_timeline", "the project '%s' has no current timeline" % project.GetName())
            return timeline
        raise BridgeError("bad_request", "unknown target %r" % name)

    def call(self, args):
        method = args.get("method", "")
        if not isinstance(method, str) or not METHOD.match(method):
            raise BridgeError("bad_request", "not an API method name: %r" % (method,))
        obj = self.target(args.get("target", ""))
        call_args = args.get("args") or []
        if not isinstance(call_args, list):
            raise BridgeError("bad_request", "args must be a list")
        function = getattr(obj, method, None)
        if function is None:
            raise BridgeError("call_failed", "%s has no method %s in this Resolve version" % (args.get("target"), method))
        return to_json(function(*call_args))

    def timelines(self, args):
        project = self.target("project")
        count = project.GetTimelineCount() or 0
        names = []
        for i in range(1, int(count) + 1):
            t = project.GetTimelineByIndex(i)
            names.append(t.GetName() if t is not None else None)
        return names

    def select_timeline(self, args):
        name = args.get("name")
        project = self.target("project")
        count = project.GetTimelineCount() or 0
        for i in range(1, int(count) + 1):
            t = project.GetTimelineByIndex(i)
            if t is not None and t.GetName() == name:
                if not project.SetCurrentTimeline(t):
                    raise BridgeError("call_failed", "SetCurrentTimeline(%r) returned False" % name)
                return True
        raise BridgeError("no_such_timeline", "the project '%s' has no timeline named %r" % (project.GetName(), name))

    def mark_in_out(self, args):
        timeline = self.target("timeline")
        function = getattr(timeline, "GetMarkInOut", None)
        return to_json(function()) if function is not None else None


def main():
    requests = queue.Queue()

    def reader():
        stdin = sys.stdin.buffer
        while True:
            line = stdin.readline()
            if not line:
                break
            requests.put(line)
        # Standard input closed: whoever started the bridge is gone. Leave at once, even if a call hangs.
        os._exit(0)

    threading.Thread(target=reader, name="stdin", daemon=True).start()
    session = Session()
    send({"id": 0, "ok": True, "result": {"protocol": PROTOCOL, "python": sys.version.split()[0], "pid": os.getpid()}})
    ops = {
        "connect": session.connect,
        "call": session.call,
        "timelines": session.timelines,
        "selectTimeline": session.select_timeline,
        "markInOut": session.mark_in_out,
        "ping": lambda args: "pong",
    }
    while True:
        raw = requests.get()
        request_id = None
        try:
            request = json.loads(raw.decode("utf-8"))
            request_id = request.get("id")
            op = ops.get(request.get("op"))
            if op is None:
                raise BridgeError("bad_request", "unknown op %r" % (request.get("op"),))
            send({"id": request_id, "ok": True, "result": op(request.get("args") or {})})
        except BridgeError as e:
            send({"id": request_id, "ok": False, "error": {"kind": e.kind, "message": e.message}})
        except Exception as e:
            traceback.print_exc(file=sys.stderr)
            send({"id": request_id, "ok": False, "error": {"kind": "call_failed", "message": "%s: %s" % (type(e).__name__, e)}})


if __name__ == "__main__":
    main()
