"""Password and compression work offloaded to threads and processes."""
import asyncio
import functools
import gzip
import hashlib
from concurrent.futures import ProcessPoolExecutor

import bcrypt

_procs = ProcessPoolExecutor(max_workers=2)


def _hash(password: str) -> bytes:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())


async def hash_password(password: str) -> bytes:
    return await asyncio.to_thread(_hash, password)


async def check_password(password: str, stored: bytes) -> bool:
    return await asyncio.to_thread(bcrypt.checkpw, password.encode(), stored)


async def derive_key(secret: str, salt: bytes) -> bytes:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, lambda: hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, 600_000))


async def pack(payload: bytes) -> bytes:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_procs, functools.partial(gzip.compress, payload, 9))
