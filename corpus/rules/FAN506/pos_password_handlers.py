"""Login/signup handlers hashing passwords on the event loop."""
import hashlib
import os

import bcrypt

PBKDF2_ROUNDS = 600_000


class UserStore:
    def __init__(self, db) -> None:
        self.db = db

    async def signup(self, email: str, password: str) -> int:
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12))  # expect: FAN506
        return await self.db.fetchval(
            "INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id", email, hashed
        )

    async def login(self, email: str, password: str) -> bool:
        row = await self.db.fetchrow("SELECT password_hash FROM users WHERE email = $1", email)
        if row is None:
            return False
        return bcrypt.checkpw(password.encode(), row["password_hash"])  # expect: FAN506


async def api_key_digest(api_key: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", api_key.encode(), salt, PBKDF2_ROUNDS)  # expect: FAN506
    return salt, digest


async def derive_vault_key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(passphrase.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=64 * 1024 * 1024)  # expect: FAN506
