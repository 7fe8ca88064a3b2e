"""Media ingestion: ffmpeg/ffprobe driven from async code through Popen and sync helpers."""
import json
import os
import subprocess


def probe_duration(path: str) -> float:
    out = subprocess.check_output(
        ["ffprobe", "-v", "quiet", "-print_format", "json", "-show_format", path], text=True
    )
    return float(json.loads(out)["format"]["duration"])


def tool_version(tool: str) -> str:
    with os.popen(f"{tool} -version") as pipe:
        return pipe.readline().strip()


class Transcoder:
    def __init__(self, preset: str = "veryfast") -> None:
        self.preset = preset

    async def transcode(self, src: str, dst: str) -> int:
        proc = subprocess.Popen(["ffmpeg", "-y", "-i", src, "-preset", self.preset, dst])  # expect: FAN504
        return proc.wait()

    async def describe(self, src: str) -> dict:
        duration = probe_duration(src)  # expect: FAN504
        return {"src": src, "duration": duration, "ffmpeg": tool_version("ffmpeg")}  # expect: FAN504

    async def free_space(self, mount: str) -> str:
        return os.popen(f"df -h {mount}").read()  # expect: FAN504
