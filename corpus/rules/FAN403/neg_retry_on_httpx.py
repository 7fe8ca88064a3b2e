"""Self-hosted model server reached over plain httpx: no SDK retries underneath."""
import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

VLLM_URL = "http://vllm.internal:8000/v1/chat/completions"

http = httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=5.0))


@retry(
    retry=retry_if_exception_type((httpx.TransportError, httpx.HTTPStatusError)),
    wait=wait_random_exponential(max=20),
    stop=stop_after_attempt(4),
)
async def chat(messages: list[dict], model: str = "llama-3.1-8b-instruct") -> str:
    resp = await http.post(VLLM_URL, json={"model": model, "messages": messages})
    resp.raise_for_status()
    return resp.json()["choices"][0]["message"]["content"]


async def ask(question: str) -> str:
    return await chat([{"role": "user", "content": question}])
