"""Shapes met in real code (CPython's asyncio and tests, aiohttp, anyio)."""
import asyncio
import socket

from anyio import create_task_group


async def sendfile_fallback(loop, file, sock):
    # one read at a time: each executor call is awaited before the next
    while True:
        n = await loop.run_in_executor(None, file.readinto, bytearray(65536))
        if not n:
            return
        await loop.sock_sendall(sock, n)


async def handle_requests(loop, reader, handle):
    # a task per request, but awaited before the next one starts
    while True:
        request = await reader.read()
        task = loop.create_task(handle(request))
        await task


async def wait_one(fut):
    done, pending = await asyncio.wait([fut], timeout=1)
    return done


async def nothing_to_wait():
    return await asyncio.wait([])


async def connect(addr_obj, resolved):
    async def try_connect(addr):
        return addr

    if resolved:
        target_addrs = []
        for af, addr in resolved:
            target_addrs.append((af, addr))
    else:
        target_addrs = [(socket.AF_INET, addr_obj)]
    async with create_task_group() as tg:
        for af, addr in target_addrs:
            tg.start_soon(try_connect, addr)  # site: start_soon data -> from_real_code.py:connect.try_connect


async def spawn_then_gather(loop, sub):
    tasks = []
    for i in range(100):
        task = loop.create_task(sub(i))  # site: create_task fixed
        tasks.append(task)
    await asyncio.gather(*tasks)


async def shutdown(connections, timeout):
    await asyncio.gather(*[conn.shutdown(timeout) for conn in connections])  # site: gather data


async def race(ensure_future, respond, time_out):
    # two tasks raced until the first completes: a race, not a fan-out of work
    done, pending = await asyncio.wait(
        [asyncio.ensure_future(responses(respond)), asyncio.ensure_future(time_out())],
        return_when=asyncio.FIRST_COMPLETED,
    )
    return done


async def responses(respond):
    return await respond()


async def emit(subscribers, value):
    for subscriber in subscribers:
        result = subscriber(value)
        asyncio.ensure_future(result)  # site: ensure_future data
