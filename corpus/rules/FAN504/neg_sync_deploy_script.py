"""Deploy script: synchronous from top to bottom, no coroutine calls into it."""
import os
import subprocess
import sys


def current_branch() -> str:
    return subprocess.check_output(["git", "rev-parse", "--abbrev-ref", "HEAD"], text=True).strip()


def push_image(tag: str) -> None:
    subprocess.run(["docker", "build", "-t", tag, "."], check=True)
    subprocess.run(["docker", "push", tag], check=True)


def restart_service(name: str) -> int:
    return os.system(f"systemctl restart {name}")


def main() -> int:
    branch = current_branch()
    if branch != "main":
        print(f"refusing to deploy from {branch}", file=sys.stderr)
        return 1
    push_image(f"registry.example.com/app:{branch}")
    return restart_service("app")


if __name__ == "__main__":
    sys.exit(main())
