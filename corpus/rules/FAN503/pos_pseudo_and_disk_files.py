"""/proc and /sys are served by the kernel from memory: reading them waits on no disk."""
from pathlib import Path


async def memory_used() -> int:
    usage_path = Path("/sys/fs/cgroup/memory.current")
    with open("/proc/self/status") as fh:
        fh.read()
    return int(usage_path.read_text())


async def disk_read() -> str:
    data = Path("/var/data/input.txt")
    return data.read_text()  # expect: FAN503
