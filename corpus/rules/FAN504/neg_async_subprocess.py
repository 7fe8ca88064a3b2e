"""Git helper using asyncio's subprocess API."""
import asyncio
import shlex


async def git(repo_dir: str, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        "git", "-C", repo_dir, *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(err.decode())
    return out.decode()


async def disk_usage(path: str) -> str:
    proc = await asyncio.create_subprocess_shell(
        f"du -sh {shlex.quote(path)}", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    return out.decode().split()[0]


async def head_commit(repo_dir: str) -> str:
    return (await git(repo_dir, "rev-parse", "HEAD")).strip()
