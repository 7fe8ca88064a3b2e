"""Answer cache kept in SQLite, read and written from async request handlers."""
import hashlib
import sqlite3

from openai import AsyncOpenAI

llm = AsyncOpenAI()
DB_PATH = "answers.db"


class AnswerCache:
    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False)

    def lookup(self, key: str) -> str | None:
        cur = self.conn.cursor()
        cur.execute("SELECT answer FROM cache WHERE key = ?", (key,))
        row = cur.fetchone()
        return row[0] if row else None

    def store(self, key: str, answer: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO cache VALUES (?, ?)", (key, answer))
        self.conn.commit()


class Assistant:
    def __init__(self) -> None:
        self.cache = AnswerCache(DB_PATH)

    async def answer(self, question: str) -> str:
        key = hashlib.sha256(question.encode()).hexdigest()
        hit = self.cache.lookup(key)  # expect: FAN505
        if hit is not None:
            return hit
        resp = await llm.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
        )
        text = resp.choices[0].message.content or ""
        self.cache.store(key, text)  # expect: FAN505
        return text


async def count_answers() -> int:
    with sqlite3.connect(DB_PATH) as conn:
        cur = conn.cursor()
        cur.execute("SELECT COUNT(*) FROM cache")  # expect: FAN505
        return cur.fetchone()[0]  # expect: FAN505
