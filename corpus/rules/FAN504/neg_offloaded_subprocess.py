"""Build orchestrator: blocking subprocess calls run in worker threads."""
import asyncio
import functools
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="build")


def build_wheel(project_dir: str) -> str:
    subprocess.run(["python", "-m", "build", "--wheel", project_dir], check=True)
    return os.path.join(project_dir, "dist")


async def build(project_dir: str) -> str:
    return await asyncio.to_thread(build_wheel, project_dir)


async def lint(project_dir: str) -> int:
    proc = await asyncio.to_thread(subprocess.run, ["ruff", "check", project_dir])
    return proc.returncode


async def typecheck(project_dir: str) -> int:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, lambda: os.system(f"mypy {project_dir}"))


async def sbom(project_dir: str) -> str:
    loop = asyncio.get_running_loop()
    run = functools.partial(subprocess.check_output, ["cyclonedx-py", "environment"], cwd=project_dir, text=True)
    return await loop.run_in_executor(_pool, run)
