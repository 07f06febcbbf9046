"""The live language model: loading, first-start training, per-home re-training, parsing.

Inference runs on one dedicated worker thread (torch on one intra-op thread: two threads spin
under contention). Training runs as a child process (`hub train`) so the hub's event loop and
its GIL stay free; the hub keeps serving and says "still training" until the model is ready.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import enum
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.config import Settings
from hub.domain import Entity, Parse
from hub.errors import ModelNotReadyError

if TYPE_CHECKING:
    from hub.nlu.infer import Parser

_LOGGER = logging.getLogger(__name__)


class ModelState(enum.Enum):
    MISSING = "missing"
    LOADING = "loading"
    TRAINING = "training"
    READY = "ready"
    FAILED = "failed"



class Assistant:
    """Owns the NLU model of a running hub."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.state = ModelState.MISSING
        self.detail = ""
        """Last progress line of a training run, or the load/training error."""
        self.parser: Parser | None = None
        self.trained_names: frozenset[str] = frozenset()
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")
        self._task: asyncio.Task[None] | None = None
        self._retrain: asyncio.Task[None] | None = None
        self._process: asyncio.subprocess.Process | None = None
        self.parse_seconds: list[float] = []
        self._last_change = 0.0
        self._last_retrain: float | None = None
        """When the last per-home re-training started: they are at least `retrain_interval` apart."""
        self._entities: Callable[[], list[Entity]] | None = None

    @property
    def model_dir(self) -> Path:
        return self.settings.model_dir

    async def start(self) -> None:
        """Load the model if one exists; otherwise start training it in the background."""
        if (self.model_dir / "model.safetensors").exists():
            await self._load()
        elif self.settings.train_on_start:
            self._task = asyncio.create_task(self._train_then_load(None), name="nlu-train")
        else:
            self.detail = "no trained model; run `hub train`"

    async def stop(self) -> None:
        for task in (self._task, self._retrain):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
            await self._process.wait()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def status(self) -> dict[str, Any]:
        return {"state": self.state.value, "detail": self.detail, "model": str(self.model_dir)}

    async def _load(self) -> None:
        from hub.nlu.infer import Parser

        self.state = ModelState.LOADING if self.parser is None else self.state
        loop = asyncio.get_running_loop()
        try:
            parser = await loop.run_in_executor(self._executor, _load_parser, self.model_dir)
        except Exception as err:
            self.state, self.detail = ModelState.FAILED, f"cannot load the model: {err}"
            _LOGGER.error("%s", self.detail)
            return
        assert isinstance(parser, Parser)
        self.parser = parser
        self.state, self.detail = ModelState.READY, ""
        meta = self.model_dir / "home_names.json"
        if meta.exists():
            self.trained_names = frozenset(json.loads(meta.read_text(encoding="utf-8")))
        _LOGGER.info("language model ready (%s, int8=%s)", self.model_dir, parser.quantized)

    async def _train_then_load(self, home_file: Path | None) -> None:
        if self.parser is None:
            self.state = ModelState.TRAINING
        started = time.monotonic()
        args = [sys.executable, "-m", "hub.cli", "train", "--no-progress",
                "--data-dir", str(self.settings.data_dir), "--model", self.settings.model]
        if home_file is not None:
            args += ["--home", str(home_file)]
        _LOGGER.info("training the language model in the background (about 5 minutes)%s",
                     " with this home's names" if home_file else "")
        self._process = await asyncio.create_subprocess_exec(
            *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        assert self._process.stdout is not None
        async for raw in self._process.stdout:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                self.detail = line[-200:]
                _LOGGER.info("train: %s", self.detail)
        code = await self._process.wait()
        self._process = None
        if code != 0:
            if self.parser is None:
                self.state = ModelState.FAILED
            self.detail = f"training failed (exit {code}): {self.detail}"
            _LOGGER.error("%s", self.detail)
            return
        _LOGGER.info("training finished in %.0f s", time.monotonic() - started)
        await self._load()

    def registry_changed(self, entities: Callable[[], list[Entity]], delay: float = 300.0) -> None:
        """Note a registry change; re-train with the home's names once it has been quiet `delay` s.

        Cheap to call on every discovery message: the names are read only when the timer fires.
        Never blocks: the current model keeps answering until the new one is loaded.
        """
        self._last_change = time.monotonic()
        self._entities = entities
        if self._retrain is None or self._retrain.done():
            self._retrain = asyncio.create_task(self._retrain_when_quiet(delay), name="nlu-retrain")

    def _next_retrain(self, delay: float) -> float:
        """The earliest re-training: `delay` s of quiet, and `retrain_interval` s after the last one
        (a client announcing new names over and over cannot keep the CPU training)."""
        quiet = self._last_change + delay
        if self._last_retrain is None:
            return quiet
        return max(quiet, self._last_retrain + self.settings.retrain_interval)

    async def _retrain_when_quiet(self, delay: float) -> None:
        while (wait := self._next_retrain(delay) - time.monotonic()) > 0:  # noqa: ASYNC110 (debounce)
            await asyncio.sleep(wait)
        if self.state is not ModelState.READY or self._entities is None:
            return
        entities = self._entities()
        names = frozenset(e.name for e in entities) | frozenset(e.area for e in entities if e.area)
        if names and not names <= self.trained_names:
            await self._retrain_later(entities, names, 0.0)

    async def _retrain_later(self, entities: list[Entity], names: frozenset[str], delay: float) -> None:
        await asyncio.sleep(delay)
        # Valid discovery topics (a device-discovery key "…/config#cmp" is not one) whose friendly
        # name comes out as the entity's: a null name takes the device's.
        home = {f"homeassistant/{e.component}/hub_{i}/config": dict(e.config) | {"name": None, "device": {
                "identifiers": [e.entity_id], "name": e.name, "suggested_area": e.area}}
                for i, e in enumerate(entities)}
        path = self.settings.data_dir / "home.json"
        await asyncio.to_thread(path.write_text, json.dumps(home, ensure_ascii=False), encoding="utf-8")
        self._last_retrain = time.monotonic()
        await self._train_then_load(path)
        if self.state is ModelState.READY:
            (self.model_dir / "home_names.json").write_text(json.dumps(sorted(names), ensure_ascii=False))
            self.trained_names = names

    async def parse(self, text: str, lang: str = "auto") -> Parse:
        """Parse one sentence on the inference thread.

        Raises:
            ModelNotReadyError: No model yet; the message says why and what to do.
        """
        parser = self.parser
        if parser is None:
            if self.state is ModelState.TRAINING:
                raise ModelNotReadyError(
                    f"The language model is still training ({self.detail or 'starting'}); "
                    "text commands work once it is ready (about 5 minutes on first start)."
                )
            raise ModelNotReadyError(f"No language model: {self.detail or 'run `hub train`'}.")
        loop = asyncio.get_running_loop()
        t0 = time.perf_counter()
        result = await loop.run_in_executor(self._executor, parser.parse, text, lang)
        self.parse_seconds.append(time.perf_counter() - t0)
        del self.parse_seconds[:-1000]
        return result


def _load_parser(path: Path) -> Parser:
    import torch

    from hub.nlu.infer import Parser

    torch.set_num_threads(1)
    return Parser.load(path)
