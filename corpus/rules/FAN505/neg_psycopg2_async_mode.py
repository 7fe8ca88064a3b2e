"""psycopg2 in its asynchronous mode (what aiopg does): poll() and the
connection's local calls never block; the loop waits on the socket."""
import asyncio

import psycopg2
import psycopg2.extensions


class AsyncPg:
    def __init__(self, dsn: str, **kwargs) -> None:
        self._loop = asyncio.get_running_loop()
        self._conn = psycopg2.connect(dsn, async_=True)
        self._spare = psycopg2.connect(dsn, **kwargs)  # async_ may be in kwargs

    async def _wait(self) -> None:
        while True:
            state = self._conn.poll()
            if state == psycopg2.extensions.POLL_OK:
                return
            fut = self._loop.create_future()
            self._loop.add_reader(self._conn.fileno(), fut.set_result, None)
            try:
                await fut
            finally:
                self._loop.remove_reader(self._conn.fileno())

    async def query(self, sql: str) -> list:
        cur = self._conn.cursor()
        cur.execute(sql)
        await self._wait()
        return cur.fetchall()

    async def backend(self) -> int:
        return self._spare.get_backend_pid()
