"""Enrich leads with company data."""
import asyncio
import logging

from .api import get_json

log = logging.getLogger(__name__)


async def enrich_lead(lead: dict) -> dict:
    company = await get_json("/companies", {"domain": lead["email"].split("@")[1]})
    return {**lead, "company": company.get("name"), "employees": company.get("size")}


async def enrich_leads(leads: list[dict]) -> list[dict]:
    enriched = await asyncio.gather(*[enrich_lead(lead) for lead in leads])
    log.info("enriched %d leads", len(enriched))
    return enriched
