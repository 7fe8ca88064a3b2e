"""Repo analysis agent tool: shells out with subprocess inside coroutines."""
import os
import subprocess

from openai import AsyncOpenAI

client = AsyncOpenAI(timeout=60.0)


async def clone(repo_url: str, dest: str) -> None:
    subprocess.run(["git", "clone", "--depth", "1", repo_url, dest], check=True)  # expect: FAN504


async def changed_files(repo_dir: str, base: str = "origin/main") -> list[str]:
    out = subprocess.check_output(["git", "-C", repo_dir, "diff", "--name-only", base], text=True)  # expect: FAN504
    return [line for line in out.splitlines() if line]


async def run_tests(repo_dir: str) -> bool:
    return os.system(f"cd {repo_dir} && python -m pytest -q") == 0  # expect: FAN504


async def explain_diff(repo_dir: str) -> str:
    diff = subprocess.getoutput(f"git -C {repo_dir} diff --stat")  # expect: FAN504
    completion = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Explain this change:\n{diff}"}],
    )
    return completion.choices[0].message.content or ""
