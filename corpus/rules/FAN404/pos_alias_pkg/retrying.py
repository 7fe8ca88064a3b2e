"""One retry policy for the whole app, bound to a name."""
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

llm_retry = retry(
    stop=stop_after_attempt(3),
    wait=wait_random_exponential(max=30),
    retry=retry_if_exception_type((Exception,)),
)
