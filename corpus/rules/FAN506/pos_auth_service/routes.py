"""Async route handlers calling the CPU-heavy helpers directly."""
import logging

from .crypto import derive_reset_token_key, hash_password, verify_password

log = logging.getLogger(__name__)


class AuthRoutes:
    def __init__(self, users) -> None:
        self.users = users

    async def register(self, email: str, password: str) -> None:
        await self.users.insert(email=email, password_hash=hash_password(password))  # expect: FAN506
        log.info("registered %s", email)

    async def authenticate(self, email: str, password: str) -> bool:
        user = await self.users.get(email)
        return user is not None and verify_password(password, user.password_hash)  # expect: FAN506

    async def start_reset(self, email: str) -> bytes:
        user = await self.users.get(email)
        return derive_reset_token_key(user.secret)  # expect: FAN506
