"""A retry runner whose sleep function is injected (tests pass a fake one)."""
from asyncio import sleep


class Runner:
    def __init__(self, policy, sleep=sleep) -> None:
        self.policy = policy
        self.sleep = sleep

    async def run(self, fn, *args):
        while True:
            action = self.policy.next(fn)
            if action.kind == "attempt":
                try:
                    return await fn(*args)
                except BaseException as exc:
                    self.policy.record(exc)
            elif action.kind == "wait":
                await self.sleep(action.delay)
            else:
                raise RuntimeError("gave up")
