"""SQLite reads done in a worker thread; the async code only awaits them."""
import asyncio
import sqlite3

DB_PATH = "jobs.db"


def pending_jobs(limit: int) -> list[tuple]:
    with sqlite3.connect(DB_PATH) as conn:
        return conn.execute("SELECT id, url FROM jobs LIMIT ?", (limit,)).fetchall()


async def next_batch(limit: int = 50) -> list[tuple]:
    return await asyncio.to_thread(pending_jobs, limit)


async def mark_done(job_id: int) -> None:
    def _update() -> None:
        with sqlite3.connect(DB_PATH) as conn:
            conn.execute("UPDATE jobs SET done = 1 WHERE id = ?", (job_id,))

    await asyncio.to_thread(_update)


def report() -> int:
    conn = sqlite3.connect(DB_PATH)
    return conn.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
