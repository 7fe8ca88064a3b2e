"""The service keeps its hasher in the base class; the subclass logs users in."""
from .hashing import Hasher


class BaseAuth:
    def __init__(self, hasher: Hasher) -> None:
        self.hasher = hasher


class PasswordAuth(BaseAuth):
    def __init__(self, hasher: Hasher, users: dict[str, str]) -> None:
        super().__init__(hasher)
        self.users = users

    async def login(self, name: str, password: str) -> bool:
        return self.hasher.verify(password, self.users[name])  # expect: FAN506
