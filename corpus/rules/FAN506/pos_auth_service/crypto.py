"""Sync password and token helpers (CPU-heavy by design)."""
import hashlib
import os

import bcrypt


def hash_password(password: str) -> bytes:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=13))


def verify_password(password: str, stored: bytes) -> bool:
    return bcrypt.checkpw(password.encode(), stored)


def _stretch(secret: bytes, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha512", secret, salt, 210_000)


def derive_reset_token_key(user_secret: str) -> bytes:
    salt = os.urandom(16)
    return salt + _stretch(user_secret.encode(), salt)
