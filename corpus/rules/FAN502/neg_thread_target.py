"""Metrics flusher: the blocking sleep loop runs in its own thread."""
import asyncio
import threading
import time


class MetricsFlusher:
    def __init__(self, sink, interval: float = 10.0) -> None:
        self.sink = sink
        self.interval = interval
        self.buffer: list[dict] = []
        self.stopped = threading.Event()

    async def start(self) -> threading.Thread:
        def flush_loop() -> None:
            while not self.stopped.is_set():
                time.sleep(self.interval)
                batch, self.buffer = self.buffer, []
                if batch:
                    self.sink.write(batch)

        thread = threading.Thread(target=flush_loop, name="metrics-flush", daemon=True)
        thread.start()
        return thread

    async def drain(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, lambda: time.sleep(self.interval))
        await asyncio.to_thread(time.sleep, 0.1)
