"""User dashboard: three backend calls issued together."""
import asyncio

import httpx

BACKEND = "https://internal.example.com"


class DashboardService:
    def __init__(self):
        self.client = httpx.AsyncClient(base_url=BACKEND, timeout=3.0)

    async def profile(self, user_id: int) -> dict:
        return (await self.client.get(f"/users/{user_id}")).json()

    async def orders(self, user_id: int) -> list:
        return (await self.client.get(f"/users/{user_id}/orders", params={"limit": 5})).json()

    async def notifications(self, user_id: int) -> list:
        return (await self.client.get(f"/users/{user_id}/notifications")).json()

    async def dashboard(self, user_id: int) -> dict:
        profile, orders, notes = await asyncio.gather(
            self.profile(user_id),
            self.orders(user_id),
            self.notifications(user_id),
        )
        return {"profile": profile, "orders": orders, "notifications": notes}
