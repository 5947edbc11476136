"""A fake DaVinciResolveScript module for Patchwork's tests.

Found like the real one: RESOLVE_SCRIPT_API points at the directory holding Modules/, and the bridge imports
DaVinciResolveScript and calls scriptapp("Resolve") or scriptapp("Resolve", ip). It implements the documented calls
with the documented argument and return shapes (Developer/Scripting/README.txt of Resolve 18-20), including the quirks:

- Timeline.GetMarkers() keys are frame offsets from the timeline's start, as floats ({96.0: {...}}), durations floats;
  MarkIn/MarkOut in SetRenderSettings are absolute timeline frames (GetStartFrame() + offset), MarkOut inclusive.
- GetRenderJobStatus() keys are optional: TimeTakenToRenderInMs only with "status_time_taken", CompletionPercentage
  not while Ready;
  with "status_sparse" JobStatus is never given either.
- AddRenderJob() returns "" once with "add_render_job_empty_once" (the job is queued all the same).
- A timeline can start at 01:00:00:00, and can be 29.97 drop-frame ("frame_rate": "29.97 DF", start "01:00:00;00").

It "renders" by running ffmpeg (FAKE_RESOLVE_FFMPEG or the config's, with the library path the test gives) on the media
file standing in for the timeline (frame i of the file is timeline frame GetStartFrame() + i), honouring MarkIn/MarkOut,
SelectAllFrames, TargetDir, CustomName, ExportAudio and the render format/codec, and writes the job's first frame's
timecode into MOV/MXF files as Resolve does.

Configuration: the JSON file named by FAKE_RESOLVE_CONFIG, else fake-resolve.json beside Modules/ (so a test can point
RESOLVE_SCRIPT_API at a folder of its own and pass no environment):
  ffmpeg, ffmpeg_env {name: value} (else FAKE_RESOLVE_FFMPEG and the inherited environment), state_dir,
  version, product, project, timelines [{name, start_timecode, frame_rate, frames, width, height, media, audio,
  markers [{frame, color, duration, name, note, customData}]}], current_timeline, render {format, codec}, node_render {ip: {format, codec}},
  presets {name: {format, codec, settings}}, scripting_disabled, module_broken, unreachable_nodes [ip],
  failing_nodes {ip: error}, fail_jobs (count), fail_error, add_render_job_empty_once, status_sparse,
  mark_out_inclusive (default true), hang {Method: seconds}, render_delay_ms (per frame), h264_keyint.
State after every call goes to FAKE_RESOLVE_STATE_DIR (or state_dir)/<ip or "local">.json (jobs, presets, render state, calls) so
tests can see what the bridge did.
"""

import json
import os
import subprocess
import threading
import time
import uuid


def _load_config():
    path = os.environ.get("FAKE_RESOLVE_CONFIG") or os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                                                                 "fake-resolve.json")
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


CONFIG = _load_config()
if CONFIG.get("module_broken"):
    raise ImportError("Could not locate module dependencies")

FORMATS = {"QuickTime": "mov", "MP4": "mp4", "MXF OP1A": "mxf"}
FORMAT_IDS = {"mov": "mov", "mp4": "mp4", "mxf_op1a": "mxf"}
CODECS = {
    "mov": {"Apple ProRes 422 HQ": "ProRes422HQ", "Apple ProRes 422": "ProRes422", "Apple ProRes 422 LT": "ProRes422LT",
            "Apple ProRes 4444": "ProRes4444", "Apple ProRes 4444 XQ": "ProRes4444XQ", "H.264": "H264",
            "DNxHR HQX": "DNxHRHQX", "Uncompressed 10-bit 4:2:2": "Uncompressed10bitYUV422",
            "Uncompressed 8-bit 4:2:2": "Uncompressed8bitYUV422"},
    "mp4": {"H.264": "H264", "H.265": "H265"},
    "mxf_op1a": {"DNxHR HQX": "DNxHRHQX", "DNxHR SQ": "DNxHRSQ"},
}
PRORES = {"ProRes422Proxy": ("0", "yuv422p10le"), "ProRes422LT": ("1", "yuv422p10le"), "ProRes422": ("2", "yuv422p10le"),
          "ProRes422HQ": ("3", "yuv422p10le"), "ProRes4444": ("4", "yuv444p10le"), "ProRes4444XQ": ("5", "yuv444p10le")}
SETTING_KEYS = {"SelectAllFrames", "MarkIn", "MarkOut", "TargetDir", "CustomName", "UniqueFilenameStyle", "ExportVideo",
                "ExportAudio", "FormatWidth", "FormatHeight", "FrameRate", "PixelAspectRatio", "VideoQuality", "AudioCodec",
                "AudioBitDepth", "AudioSampleRate", "ColorSpaceTag", "GammaTag", "ExportAlpha", "EncodingProfile",
                "MultiPassEncode", "AlphaMode", "NetworkOptimization", "ReplaceExistingFilesInPlace"}


# --- timecode ------------------------------------------------------------------------------------------------------

def parse_rate(text):
    """(numerator, denominator, drop_frame) of a timelineFrameRate setting such as "24", "23.976", "29.97 DF"."""
    t = str(text).strip()
    df = t.upper().endswith("DF")
    if df:
        t = t[:-2].strip()
    ntsc = {"23.976": (24000, 1001), "29.97": (30000, 1001), "47.952": (48000, 1001), "59.94": (60000, 1001)}
    if t in ntsc:
        return ntsc[t] + (df,)
    return (int(float(t)), 1, df)


def base_of(num, den):
    return (num + den - 1) // den


def tc_to_frame(tc, num, den):
    df = ";" in tc
    h, m, s, f = [int(x) for x in tc.replace(";", ":").split(":")]
    base = base_of(num, den)
    frame = ((h * 3600 + m * 60 + s) * base) + f
    if df:
        drop = 2 if base == 30 else 4
        minutes = 60 * h + m
        frame -= drop * (minutes - minutes // 10)
    return frame


def frame_to_tc(frame, num, den, df):
    base = base_of(num, den)
    if df:
        drop = 2 if base == 30 else 4
        per10 = base * 600 - drop * 9
        per1 = base * 60 - drop
        d, m = divmod(frame, per10)
        if m > drop:
            frame += drop * 9 * d + drop * ((m - drop) // per1)
        else:
            frame += drop * 9 * d
    f = frame % base
    s = (frame // base) % 60
    mi = (frame // (base * 60)) % 60
    h = (frame // (base * 3600)) % 24
    return "%02d:%02d:%02d%s%02d" % (h, mi, s, ";" if df else ":", f)


def sample_of(frame, num, den, rate):
    """round(frame * rate * den / num), halves up: the first sample of a frame."""
    n = frame * rate * den
    return (2 * n + num) // (2 * num)


# --- objects -------------------------------------------------------------------------------------------------------

class _Node:
    """One Resolve instance: its projects, render queue and settings (one per bridge process and ip)."""

    def __init__(self, host):
        self.host = host
        self.lock = threading.RLock()
        self.calls = []
        self.timelines = [dict(t) for t in CONFIG.get("timelines", [])]
        for t in self.timelines:
            t["markers"] = [dict(m) for m in t.get("markers", [])]
            t.setdefault("mark_in_out", {})
        self.current_timeline = CONFIG.get("current_timeline") or (self.timelines[0]["name"] if self.timelines else None)
        render = CONFIG.get("node_render", {}).get(host) or CONFIG.get("render", {"format": "mov", "codec": "ProRes422HQ"})
        self.format = render["format"]
        self.codec = render["codec"]
        self.settings = {}
        self.mode = 1
        self.presets = {k: dict(v) for k, v in CONFIG.get("presets", {}).items()}
        self.jobs = []
        self.status = {}
        self.empty_once = bool(CONFIG.get("add_render_job_empty_once"))
        self.fail_jobs = int(CONFIG.get("fail_jobs", 0))
        self.worker = None
        self.cancel = threading.Event()
        self.process = None
        self.current_project = CONFIG.get("project", "Feature")
        self.project_names = CONFIG.get("projects", [self.current_project])

    def log(self, method, args):
        with self.lock:
            self.calls.append({"method": method, "args": _plain(args)})
            self.save()

    def save(self):
        with self.lock:  # the render thread saves too
            self._save()

    def _save(self):
        directory = os.environ.get("FAKE_RESOLVE_STATE_DIR") or CONFIG.get("state_dir")
        if not directory:
            return
        state = {"host": self.host, "format": self.format, "codec": self.codec, "settings": self.settings, "mode": self.mode,
                 "presets": sorted(self.presets), "jobs": [j["JobId"] for j in self.jobs],
                 "mark_in_out": {t["name"]: t["mark_in_out"] for t in self.timelines}, "calls": self.calls,
                 "current_timeline": self.current_timeline, "project": self.current_project}
        path = os.path.join(directory, (self.host or "local") + ".json")
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(state, f, default=str)
        os.replace(tmp, path)

    def timeline(self, name=None):
        for t in self.timelines:
            if t["name"] == (name or self.current_timeline):
                return t
        return None


def _plain(v):
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (_Timeline, _Project)):
        return "<%s>" % type(v).__name__
    return v


def _hang(method):
    seconds = CONFIG.get("hang", {}).get(method)
    if seconds:
        time.sleep(float(seconds))


class _Resolve:
    def __init__(self, node):
        self._node = node

    def GetProjectManager(self):
        return _ProjectManager(self._node)

    def GetProductName(self):
        return CONFIG.get("product", "DaVinci Resolve Studio")

    def GetVersionString(self):
        return CONFIG.get("version", "19.1.3.7")

    def GetVersion(self):
        return [int(x) for x in self.GetVersionString().split(".")[:4]] + [""]

    def OpenPage(self, page):
        self._node.log("OpenPage", [page])
        return page in ("media", "cut", "edit", "fusion", "color", "fairlight", "deliver")


class _ProjectManager:
    def __init__(self, node):
        self._node = node

    def GetCurrentProject(self):
        return _Project(self._node) if self._node.current_project else None

    def LoadProject(self, name):
        self._node.log("LoadProject", [name])
        if name in self._node.project_names:
            self._node.current_project = name
            return _Project(self._node)
        return None


class _Project:
    def __init__(self, node):
        self._node = node

    def _log(self, method, *args):
        self._node.log(method, list(args))

    def GetName(self):
        return self._node.current_project

    def GetTimelineCount(self):
        return len(self._node.timelines)

    def GetTimelineByIndex(self, idx):
        if 1 <= idx <= len(self._node.timelines):
            return _Timeline(self._node, self._node.timelines[idx - 1]["name"])
        return None

    def GetCurrentTimeline(self):
        return _Timeline(self._node, self._node.current_timeline) if self._node.current_timeline else None

    def SetCurrentTimeline(self, timeline):
        self._log("SetCurrentTimeline", timeline._name)
        self._node.current_timeline = timeline._name
        return True

    def GetSetting(self, name=None):
        t = self._node.timeline()
        settings = {"timelineFrameRate": str(t["frame_rate"]) if t else "24",
                    "timelineResolutionWidth": str(t.get("width", 320)) if t else "1920",
                    "timelineResolutionHeight": str(t.get("height", 240)) if t else "1080"}
        if not name:
            return settings
        return settings.get(name, "")

    # render formats, codecs, presets ------------------------------------------------------------------------------

    def GetRenderFormats(self):
        return dict(FORMATS)

    def GetRenderCodecs(self, render_format):
        return dict(CODECS.get(render_format, {}))

    def GetCurrentRenderFormatAndCodec(self):
        return {"format": self._node.format, "codec": self._node.codec}

    def SetCurrentRenderFormatAndCodec(self, render_format, codec):
        self._log("SetCurrentRenderFormatAndCodec", render_format, codec)
        if codec not in CODECS.get(render_format, {}).values():
            return False
        self._node.format = render_format
        self._node.codec = codec
        return True

    def GetCurrentRenderMode(self):
        return self._node.mode

    def SetCurrentRenderMode(self, mode):
        self._log("SetCurrentRenderMode", mode)
        if mode not in (0, 1):
            return False
        self._node.mode = mode
        return True

    def GetRenderPresetList(self):
        return sorted(self._node.presets)

    def LoadRenderPreset(self, name):
        self._log("LoadRenderPreset", name)
        p = self._node.presets.get(name)
        if p is None:
            return False
        self._node.format = p.get("format", self._node.format)
        self._node.codec = p.get("codec", self._node.codec)
        self._node.settings = dict(p.get("settings", {}))
        self._apply_marks()
        return True

    def SaveAsNewRenderPreset(self, name):
        self._log("SaveAsNewRenderPreset", name)
        if name in self._node.presets:
            return False
        self._node.presets[name] = {"format": self._node.format, "codec": self._node.codec, "settings": dict(self._node.settings)}
        return True

    def DeleteRenderPreset(self, name):
        self._log("DeleteRenderPreset", name)
        return self._node.presets.pop(name, None) is not None

    def SetRenderSettings(self, settings):
        self._log("SetRenderSettings", settings)
        if not isinstance(settings, dict):
            return False
        for k, v in settings.items():
            if k not in SETTING_KEYS:
                return False
            if k in ("MarkIn", "MarkOut") and (isinstance(v, bool) or not isinstance(v, int)):
                return False
        t = self._node.timeline()
        start = _start_frame(t)
        end = start + int(t["frames"])
        for k in ("MarkIn", "MarkOut"):
            if k in settings and not (start <= settings[k] <= end):
                return False
        self._node.settings.update(settings)
        self._apply_marks()
        return True

    def _apply_marks(self):
        # the Deliver page's range is the timeline's In/Out
        s = self._node.settings
        t = self._node.timeline()
        if t is not None and "MarkIn" in s and "MarkOut" in s and not s.get("SelectAllFrames"):
            t["mark_in_out"] = {"video": {"in": s["MarkIn"], "out": s["MarkOut"]}, "audio": {"in": s["MarkIn"], "out": s["MarkOut"]}}

    # render jobs ------------------------------------------------------------------------------------------------------

    def AddRenderJob(self):
        self._log("AddRenderJob")
        node = self._node
        s = dict(node.settings)
        if not s.get("TargetDir"):
            return ""
        t = node.timeline()
        ext = FORMAT_IDS[node.format]
        name = s.get("CustomName") or t["name"]
        job = {"JobId": str(uuid.uuid4()), "RenderJobName": "Job %d" % (len(node.jobs) + 1), "TimelineName": t["name"],
               "TargetDir": s["TargetDir"], "OutputFilename": name + "." + ext, "RenderMode": "Single clip",
               "PresetName": "Custom", "IsExportVideo": s.get("ExportVideo", True), "IsExportAudio": s.get("ExportAudio", True),
               "FormatWidth": t.get("width", 320), "FormatHeight": t.get("height", 240), "FrameRate": str(t["frame_rate"]),
               "_format": node.format, "_codec": node.codec, "_settings": s}
        start = _start_frame(t)
        if s.get("SelectAllFrames") or "MarkIn" not in s or "MarkOut" not in s:
            job["MarkIn"], job["MarkOut"] = start, start + int(t["frames"]) - 1
        else:
            job["MarkIn"], job["MarkOut"] = s["MarkIn"], s["MarkOut"]
        with node.lock:
            node.jobs.append(job)
            node.status[job["JobId"]] = {"JobStatus": "Ready"}
            node.save()
        if node.empty_once:
            node.empty_once = False
            return ""
        return job["JobId"]

    def DeleteRenderJob(self, job_id):
        self._log("DeleteRenderJob", job_id)
        with self._node.lock:
            before = len(self._node.jobs)
            self._node.jobs = [j for j in self._node.jobs if j["JobId"] != job_id]
            self._node.save()
            return len(self._node.jobs) < before

    def DeleteAllRenderJobs(self):
        self._log("DeleteAllRenderJobs")
        with self._node.lock:
            self._node.jobs = []
            self._node.save()
        return True

    def GetRenderJobList(self):
        return [{k: v for k, v in j.items() if not k.startswith("_")} for j in self._node.jobs]

    def StartRendering(self, *args):
        self._log("StartRendering", *args)
        ids = []
        for a in args:
            if isinstance(a, (list, tuple)):
                ids.extend(a)
            elif isinstance(a, str):
                ids.append(a)
        node = self._node
        jobs = [j for j in node.jobs if not ids or j["JobId"] in ids]
        if not jobs or self.IsRenderingInProgress():
            return False
        node.cancel.clear()
        for j in jobs:
            node.status[j["JobId"]] = {"JobStatus": "Ready"}
        node.worker = threading.Thread(target=_render_all, args=(node, jobs), daemon=True)
        node.worker.start()
        return True

    def StopRendering(self):
        self._log("StopRendering")
        self._node.cancel.set()
        p = self._node.process
        if p is not None:
            p.kill()
        w = self._node.worker
        if w is not None:
            w.join(10)

    def IsRenderingInProgress(self):
        w = self._node.worker
        return w is not None and w.is_alive()

    def GetRenderJobStatus(self, job_id):
        with self._node.lock:
            st = dict(self._node.status.get(job_id, {}))
        if not st:
            return {}
        if CONFIG.get("status_sparse"):
            st.pop("JobStatus", None)
        return st


def _start_frame(t):
    num, den, _ = parse_rate(t["frame_rate"])
    return tc_to_frame(t["start_timecode"], num, den)


class _Timeline:
    def __init__(self, node, name):
        self._node = node
        self._name = name

    def _t(self):
        return self._node.timeline(self._name)

    def GetName(self):
        return self._name

    def GetStartFrame(self):
        return _start_frame(self._t())

    def GetEndFrame(self):
        return self.GetStartFrame() + int(self._t()["frames"])

    def GetStartTimecode(self):
        return self._t()["start_timecode"]

    def GetSetting(self, name=None):
        return _Project(self._node).GetSetting(name)

    def GetMarkers(self):
        return {float(m["frame"]): {"color": m.get("color", "Blue"), "duration": float(m.get("duration", 1)),
                                    "note": m.get("note", ""), "name": m.get("name", ""), "customData": m.get("customData", "")}
                for m in self._t()["markers"]}

    def AddMarker(self, frame_id, color, name, note, duration, custom_data=""):
        self._node.log("AddMarker", [frame_id, color, name, note, duration, custom_data])
        t = self._t()
        if any(m["frame"] == frame_id for m in t["markers"]):
            return False
        t["markers"].append({"frame": frame_id, "color": color, "name": name, "note": note, "duration": duration,
                             "customData": custom_data})
        return True

    def GetMarkerByCustomData(self, custom_data):
        for m in self._t()["markers"]:
            if m.get("customData") == custom_data:
                return {k: v for k, v in m.items() if k != "frame"}
        return {}

    def DeleteMarkerByCustomData(self, custom_data):
        t = self._t()
        for m in t["markers"]:
            if m.get("customData") == custom_data:
                t["markers"].remove(m)
                return True
        return False

    def GetMarkInOut(self):
        return dict(self._t()["mark_in_out"])

    def SetMarkInOut(self, mark_in, mark_out, mark_type="all"):
        self._node.log("SetMarkInOut", [mark_in, mark_out, mark_type])
        self._t()["mark_in_out"] = {"video": {"in": mark_in, "out": mark_out}, "audio": {"in": mark_in, "out": mark_out}}
        return True

    def ClearMarkInOut(self, mark_type="all"):
        self._node.log("ClearMarkInOut", [mark_type])
        self._t()["mark_in_out"] = {}
        return True


# --- rendering -----------------------------------------------------------------------------------------------------

def _render_all(node, jobs):
    for job in jobs:
        if node.cancel.is_set():
            node.status[job["JobId"]] = {"JobStatus": "Cancelled", "CompletionPercentage": 0}
            continue
        _render(node, job)
    node.save()


def _fail(node, job, error):
    with node.lock:
        node.status[job["JobId"]] = {"JobStatus": "Failed", "CompletionPercentage": 0, "Error": error}


def _render(node, job):
    jid = job["JobId"]
    node.status[jid] = {"JobStatus": "Rendering", "CompletionPercentage": 0}
    failing = CONFIG.get("failing_nodes", {})
    if node.host in failing:
        time.sleep(0.2)
        return _fail(node, job, failing[node.host])
    if node.fail_jobs > 0:
        node.fail_jobs -= 1
        time.sleep(0.2)
        return _fail(node, job, CONFIG.get("fail_error", "Render job failed"))
    t = node.timeline(job["TimelineName"])
    num, den, df = parse_rate(t["frame_rate"])
    start = _start_frame(t)
    first = job["MarkIn"] - start
    inclusive = CONFIG.get("mark_out_inclusive", True)
    end = job["MarkOut"] - start + (1 if inclusive else 0)
    end = min(end, int(t["frames"]))
    frames = end - first
    if first < 0 or frames <= 0:
        return _fail(node, job, "Invalid render range")
    s = job["_settings"]
    out = os.path.join(job["TargetDir"], job["OutputFilename"])
    ffmpeg = os.environ.get("FAKE_RESOLVE_FFMPEG") or CONFIG.get("ffmpeg", "ffmpeg")
    env = dict(os.environ)
    env.update(CONFIG.get("ffmpeg_env", {}))
    argv = [ffmpeg, "-hide_banner", "-nostdin", "-y", "-v", "error", "-nostats", "-progress", "pipe:1", "-i", t["media"]]
    # frame timing from the rate itself (and -r below): with a stand-in's millisecond timestamps, or no stream rate, the
    # MOV muxer's edit list dropped the last frame
    graph = "[0:v:0]trim=start_frame=%d:end_frame=%d,settb=%d/%d,setpts=N[v]" % (first, end, den, num)
    audio = bool(t.get("audio")) and s.get("ExportAudio", True)
    if audio:
        rate = int(t.get("sample_rate", 48000))
        # like Resolve, silence where the timeline has no sound
        graph += ";[0:a:0]apad,atrim=start_sample=%d:end_sample=%d,asetpts=PTS-STARTPTS[a]" % (
            sample_of(first, num, den, rate), sample_of(end, num, den, rate))
    argv += ["-filter_complex", graph, "-map", "[v]", "-r", "%d/%d" % (num, den)]
    if audio:
        argv += ["-map", "[a]", "-c:a", "pcm_s24le"]
    codec = job["_codec"]
    if codec in PRORES:
        profile, pix = PRORES[codec]
        argv += ["-c:v", "prores_ks", "-profile:v", profile, "-vendor", "apl0", "-pix_fmt", pix]
    elif codec.startswith("DNxHR"):
        profile = {"DNxHRHQX": ("dnxhr_hqx", "yuv422p10le"), "DNxHRSQ": ("dnxhr_sq", "yuv422p")}[codec]
        argv += ["-c:v", "dnxhd", "-profile:v", profile[0], "-pix_fmt", profile[1]]
    elif codec == "H264":
        keyint = int(CONFIG.get("h264_keyint", 24))
        argv += ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                 "-x264-params", "keyint=%d:min-keyint=%d:scenecut=0" % (keyint, keyint)]
    elif codec == "H265":
        argv += ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x265-params", "log-level=error"]
    elif codec == "Uncompressed10bitYUV422":
        argv += ["-c:v", "v210"]
    elif codec == "Uncompressed8bitYUV422":
        argv += ["-c:v", "rawvideo", "-pix_fmt", "uyvy422", "-tag:v", "2vuy"]
    else:
        return _fail(node, job, "Codec %s is not supported by the fake" % codec)
    if job["_format"] in ("mov", "mxf_op1a"):
        argv += ["-timecode", frame_to_tc(job["MarkIn"], num, den, df)]
    argv += ["-f", {"mov": "mov", "mp4": "mp4", "mxf_op1a": "mxf"}[job["_format"]], out]
    delay = float(CONFIG.get("render_delay_ms", 0)) / 1000.0
    started = time.time()
    try:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True, env=env)
    except OSError as e:
        return _fail(node, job, "cannot run ffmpeg: %s" % e)
    node.process = p
    err = []
    reader = threading.Thread(target=lambda: err.append(p.stderr.read()), daemon=True)
    reader.start()
    for line in p.stdout:
        if line.startswith("frame="):
            done = int(line.strip().split("=", 1)[1] or 0)
            node.status[jid] = {"JobStatus": "Rendering", "CompletionPercentage": min(99, done * 100 // max(1, frames))}
            if delay:
                time.sleep(delay)
    code = p.wait()
    reader.join()
    node.process = None
    if node.cancel.is_set():
        node.status[jid] = {"JobStatus": "Cancelled", "CompletionPercentage": 0}
        return
    if code != 0:
        return _fail(node, job, "ffmpeg failed: " + "".join(err).strip()[-300:])
    status = {"JobStatus": "Complete", "CompletionPercentage": 100}
    if CONFIG.get("status_time_taken"):
        status["TimeTakenToRenderInMs"] = int((time.time() - started) * 1000)
    node.status[jid] = status


# --- entry point ---------------------------------------------------------------------------------------------------

_NODES = {}


class _Logged:
    """Wraps an API object so every call is recorded in the node's state file."""

    def __init__(self, node, obj):
        self._node = node
        self._obj = obj

    def __getattr__(self, name):
        attr = getattr(self._obj, name)
        if not callable(attr):
            return attr

        def call(*args):
            _hang(name)
            result = attr(*args)
            if name.startswith("Get") or name.startswith("Is"):
                return _wrap(self._node, result)
            self._node.save()
            return _wrap(self._node, result)
        return call


def _wrap(node, value):
    if isinstance(value, (_Resolve, _ProjectManager, _Project, _Timeline)):
        return _Logged(node, value)
    return value


def scriptapp(app, host=None):
    if app != "Resolve":
        return None
    if CONFIG.get("scripting_disabled"):
        return None
    if host is not None and host in CONFIG.get("unreachable_nodes", []):
        return None
    key = host or "local"
    if key not in _NODES:
        _NODES[key] = _Node(host)
        _NODES[key].save()
    return _Logged(_NODES[key], _Resolve(_NODES[key]))
