"""Shard a population into fixed-size blocks, run them on J worker processes, merge in block order.

Each block has its own RNG derived from (seed, block index) and its own clock, so
the numbers do not depend on ``jobs``; only the speed figures do.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from twofa_fsm_tools.population.block import BLOCK_SIZE, BlockJob, cached_spec, run_block
from twofa_fsm_tools.population.profile import Profile
from twofa_fsm_tools.population.stats import BlockResult, results, speed

Progress = Callable[[int], None]  # called with the number of blocks just finished


def plan(spec_path: str, profile: Profile, users: int, days: int, seed: int) -> list[BlockJob]:
    """The blocks: ``BLOCK_SIZE`` users each, the last one smaller."""
    jobs: list[BlockJob] = []
    for block, first in enumerate(range(0, users, BLOCK_SIZE)):
        jobs.append(BlockJob(spec_path, profile, seed, block, min(BLOCK_SIZE, users - first), days))
    return jobs


def _serial(jobs: list[BlockJob]) -> Iterator[tuple[BlockResult, float]]:
    for job in jobs:
        yield run_block(job)


def _parallel(jobs: list[BlockJob], workers: int) -> Iterator[tuple[BlockResult, float]]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures: list[Future[tuple[BlockResult, float]]] = [pool.submit(run_block, job) for job in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def simulate(
    spec_path: str | Path,
    profile: Profile,
    *,
    users: int,
    days: int,
    seed: int,
    jobs: int = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run the population and return the summary: ``results`` (deterministic) and ``speed``."""
    spec = cached_spec(str(spec_path))  # a bad spec fails here, once, before any worker starts
    blocks = plan(str(spec_path), profile, users, days, seed)
    started = time.perf_counter()
    done: list[BlockResult] = []
    busy = 0.0
    stream = _serial(blocks) if jobs <= 1 or len(blocks) <= 1 else _parallel(blocks, min(jobs, len(blocks)))
    for result, seconds in stream:
        done.append(result)
        busy += seconds
        if progress is not None:
            progress(1)
    wall = time.perf_counter() - started
    summary = results(done)
    return {
        "run": {
            "spec": spec.name,
            "spec_path": str(spec_path),
            "profile": profile.name,
            "users": users,
            "days": days,
            "seed": seed,
            "blocks": len(blocks),
            "block_size": BLOCK_SIZE,
        },
        "results": summary,
        "speed": {"jobs": jobs, **speed(summary["engine_events"], wall), "cpu_seconds_in_blocks": round(busy, 3)},
    }
