"""som_voila.ReadyKernelManager: which pooled kernel a visitor gets (the reload case is in the browser tests)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from som_voila import ReadyKernelManager


class Pool(ReadyKernelManager):
    """Voilà's pool subclass in miniature: hands out the first entry, as Voilà's own method does."""

    async def get_rendered_notebook(self, notebook_name: str, *args, **kwargs):
        return await self._pools[notebook_name].pop(0)


def _entry(loop, kernel_id: str | None = None, error: Exception | None = None) -> asyncio.Future:
    f = loop.create_future()
    if error is not None:
        f.set_exception(error)
    elif kernel_id is not None:
        f.set_result({"kernel_id": kernel_id})
    return f  # neither: a refill still waiting out fill_delay


def _run(pool_of):
    async def go():
        loop = asyncio.get_running_loop()
        manager = Pool()
        manager._kernels = {"alive-1": object(), "alive-2": object()}  # the manager's live kernels
        pool = pool_of(loop)
        manager._pools = {"app.ipynb": pool}
        free = manager.get_pool_size("app.ipynb")
        given = await manager.get_rendered_notebook("app.ipynb")
        for entry in pool:  # no pending future left behind
            if not entry.done():
                entry.cancel()
            elif not entry.cancelled():
                entry.exception()
        return free, given["kernel_id"], len(pool)

    # a thread of its own: an earlier test in the same process may have left an event loop running here
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def test_a_waiting_refill_is_neither_free_nor_handed_out():
    # [waiting refill, alive-1]: 1 free; the visitor gets alive-1, the refill stays
    assert _run(lambda loop: [_entry(loop), _entry(loop, "alive-1")]) == (1, "alive-1", 1)


def test_a_dead_pooled_kernel_is_skipped():
    # [dead-0 (started, then gone from the manager), failed start, alive-2]: 1 free; the visitor gets alive-2
    pool = lambda loop: [_entry(loop, "dead-0"), _entry(loop, error=RuntimeError("start")), _entry(loop, "alive-2")]  # noqa: E731
    assert _run(pool) == (1, "alive-2", 2)
