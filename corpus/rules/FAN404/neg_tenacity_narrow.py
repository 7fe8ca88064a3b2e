"""Billing client: tenacity retries limited to transient transport errors."""
import httpx
from tenacity import (
    retry,
    retry_if_exception,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

client = httpx.AsyncClient(base_url="https://billing.example.com/v1", timeout=10.0)


def _is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in (429, 502, 503, 504)
    return isinstance(exc, httpx.TransportError)


@retry(
    retry=retry_if_exception_type((httpx.TimeoutException, httpx.ConnectError)),
    stop=stop_after_attempt(4),
    wait=wait_random_exponential(max=15),
)
async def invoice(invoice_id: str) -> dict:
    resp = await client.get(f"/invoices/{invoice_id}")
    resp.raise_for_status()
    return resp.json()


@retry(retry=retry_if_exception(_is_retryable), stop=stop_after_attempt(5), wait=wait_random_exponential(max=30))
async def charge(customer_id: str, amount_cents: int, idempotency_key: str) -> dict:
    resp = await client.post(
        "/charges",
        json={"customer": customer_id, "amount": amount_cents},
        headers={"Idempotency-Key": idempotency_key},
    )
    resp.raise_for_status()
    return resp.json()
