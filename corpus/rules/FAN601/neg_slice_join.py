"""Log triage: each task joins only its own window of log lines."""
import asyncio
import logging

import anthropic

log = logging.getLogger(__name__)

WINDOW = 200


class LogTriage:
    def __init__(self):
        self.client = anthropic.AsyncAnthropic()

    async def triage_window(self, window: list[str], service: str) -> str:
        text = "\n".join(window)
        msg = await self.client.messages.create(
            model="claude-3-5-haiku-latest",
            max_tokens=300,
            messages=[{"role": "user", "content": f"Service {service}. List anomalies:\n{text}"}],
        )
        return msg.content[0].text

    async def triage(self, log_lines: list[str], service: str) -> list[str]:
        windows = [log_lines[i:i + WINDOW] for i in range(0, len(log_lines), WINDOW)]
        findings = await asyncio.gather(*[self.triage_window(w, service) for w in windows])
        log.info("triaged %d windows for %s", len(findings), service)
        return findings
