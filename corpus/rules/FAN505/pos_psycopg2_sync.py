"""A plain psycopg2 connection used from async code: every query blocks the loop."""
import psycopg2


class Store:
    def __init__(self, dsn: str) -> None:
        self._conn = psycopg2.connect(dsn)
        self._off = psycopg2.connect(dsn, async_=False)

    async def count(self, table: str) -> int:
        cur = self._conn.cursor()  # expect: FAN505
        cur.execute(f"SELECT count(*) FROM {table}")
        return cur.fetchone()[0]

    async def save(self) -> None:
        self._off.commit()  # expect: FAN505
