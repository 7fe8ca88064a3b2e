"""A chat-bot handler importing across the namespace package."""
from nsbot.llm.chat_api import get_reply


async def handle_text(update, context) -> None:
    reply = get_reply(update.message.text)  # expect: FAN505
    await update.message.reply_text(reply)
