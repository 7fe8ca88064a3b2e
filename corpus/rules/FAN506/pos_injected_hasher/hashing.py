"""Password hashers behind one interface; the default one is bcrypt."""
import abc

import bcrypt


class Hasher(abc.ABC):
    @abc.abstractmethod
    def verify(self, password: str, hashed: str) -> bool:
        ...


class BcryptHasher(Hasher):
    def verify(self, password: str, hashed: str) -> bool:
        return bcrypt.checkpw(password.encode(), hashed.encode())
