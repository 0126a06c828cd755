"""Voilà's pool of preheated kernels, handing out only kernels that are ready.

Voilà keeps a list of pool entries per notebook: kernels already started, and refills that wait
`VoilaKernelManager.fill_delay` seconds (voila.json: 180, so a room's refills do not take the CPU while its
pages load) before they start one. Voilà counts both kinds as free and hands a visitor the oldest entry, so a
visitor who came after the started kernels were taken waited for a pending refill: the rest of the 180 s plus
a kernel start, on a blank tab, because the server sends nothing until it has the kernel (a person who
reloaded the app three times waited 52–173 s). Here a pool entry counts as free only once its kernel has
started, and the visitor gets the first such entry whose kernel is still alive; when there is none, Voilà's ordinary path starts a kernel
for that visitor at once and streams the page (with its Danish waiting texts) while it runs.

This is its own small package, not part of som_kernel, because the Voilà server imports it: importing
som_kernel would load pandas and pydantic into the server process (about 125 MB and seconds).

Used through voila.json: `VoilaConfiguration.multi_kernel_manager_class`. Voilà builds its pool class as a
subclass of the configured class, overriding its methods; `__init_subclass__` therefore puts the two changes
on that subclass.
"""

from __future__ import annotations

import asyncio

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager


def started(entry: asyncio.Future) -> bool:
    """A pool entry whose kernel has started (not a refill still waiting, not a failed start)."""
    return entry.done() and not entry.cancelled() and entry.exception() is None


def ready(manager: AsyncMappingKernelManager, entry: asyncio.Future) -> bool:
    """A pool entry whose kernel has started and is still the manager's: a pooled kernel that died afterwards
    (Jupyter removes it once its restarts fail) would give its visitor a page that never gets its widgets."""
    if not started(entry):
        return False
    result = entry.result()
    kernel_id = result.get("kernel_id") if isinstance(result, dict) else None
    return kernel_id is None or kernel_id in manager


class ReadyKernelManager(AsyncMappingKernelManager):
    """Jupyter's kernel manager; Voilà's pool subclass of it counts and hands out only started kernels."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "get_rendered_notebook" not in cls.__dict__:
            return  # Voilà without preheated kernels: no pool to change
        take = cls.get_rendered_notebook

        def get_pool_size(self, notebook_name: str) -> int:
            return sum(ready(self, entry) for entry in self._pools.get(notebook_name, ()))

        async def get_rendered_notebook(self, notebook_name: str, *args, **kwargs):
            pool = self._pools.get(notebook_name, [])
            first = next((entry for entry in pool if ready(self, entry)), None)
            if first is not None and pool[0] is not first:
                pool.remove(first)
                pool.insert(0, first)  # Voilà takes the first entry
            return await take(self, notebook_name, *args, **kwargs)

        cls.get_pool_size = get_pool_size
        cls.get_rendered_notebook = get_rendered_notebook
