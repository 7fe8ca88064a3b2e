# From VPetukhov/litellm-batch litellm_batch/batch.py:33/35.
# FAN301 must stay silent: **kwargs may carry timeout= (contract change).
import asyncio

from litellm import acompletion


async def complete_all(message_batch, model, **kwargs):
    tasks = [acompletion(model=model, messages=m, **kwargs) for m in message_batch]
    return await asyncio.gather(*tasks)
