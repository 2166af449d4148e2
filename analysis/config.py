"""One place for paths, defaults and environment variables."""

from __future__ import annotations

import functools
import os
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

#: The origins a document may have unless the user configures others (``--origins``).
DEFAULT_ORIGINS: tuple[str, ...] = ("russian", "chinese", "third-party")

#: Default thresholds of the text reuse pass (``--reuse-jaccard``, ``--reuse-containment``):
#: near-duplicates from this Jaccard index of the 5-word shingle sets, a text inside another
#: from this containment; why these values: :func:`analysis.stats.reuse.find_reuse`.
REUSE_JACCARD = 0.35
REUSE_CONTAINMENT = 0.9

#: Environment variable that points the notebooks at another corpus.
CORPUS_ENV = "FRAMING_CORPUS"
#: Environment variable that points the notebooks at another analysis output directory.
OUT_ENV = "FRAMING_OUT"
#: Environment variable naming the project file the notebooks open.
CONFIG_ENV = "FRAMING_CONFIG"

#: Repository root when running from a checkout (notebooks, ``make``).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
FIGURES_DIR = PROJECT_ROOT / "figures"
DEFAULT_OUT = PROJECT_ROOT / "out" / "seeds"
#: The UN General Debate example project (notebook 05 always opens it).
UNGD_CONFIG = PROJECT_ROOT / "examples" / "ungd" / "framing.toml"

#: Name of the optional manifest inside a corpus directory.
MANIFEST_NAME = "sources.csv"

#: Version of the tokenization, lemmatization, number and sentence rules of
#: :mod:`analysis.document.nlp` and of the lemma overrides ``analysis/data/lemmas.toml``: bump
#: it when they change (it invalidates cached results; ``tests/test_nlp.py`` pins the file's
#: hash to this version).
RULES_VERSION = "3"
#: The NLP pipeline's versions (read from package metadata, without importing spaCy).
PIPELINE_VERSION = (
    f"spacy={version('spacy')};lookups={version('spacy-lookups-data')};rules={RULES_VERSION}"
)
#: Environment variable naming an installed spaCy pipeline package (or its directory) that
#: :func:`analysis.document.nlp.get_nlp` loads instead of the blank English pipeline.
SPACY_MODEL_ENV = "FRAMING_SPACY_MODEL"


def pipeline_version() -> str:
    """What the NLP pass depends on: :data:`PIPELINE_VERSION`, plus the spaCy pipeline named
    by ``$FRAMING_SPACY_MODEL`` when it is set (``;model=NAME@VERSION``).

    ``NAME@VERSION`` is the package's name and installed version, or for a pipeline
    directory ``LANG_NAME@VERSION`` from its ``meta.json`` (never the path);
    ``@unknown`` when neither can be read. Part of every cache key and of
    ``provenance.json``; without the variable it is :data:`PIPELINE_VERSION` itself.
    """
    model = os.environ.get(SPACY_MODEL_ENV)
    if not model:
        return PIPELINE_VERSION
    return f"{PIPELINE_VERSION};model={_model_tag(model)}"


def _model_tag(model: str) -> str:
    """``NAME@VERSION`` of a spaCy pipeline package or directory (see :func:`pipeline_version`)."""
    import json
    from importlib.metadata import PackageNotFoundError

    meta = Path(model) / "meta.json"
    if meta.is_file():
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            return f"{data['lang']}_{data['name']}@{data['version']}"
        except (OSError, ValueError, KeyError, TypeError):
            return f"{Path(model).name}@unknown"
    try:
        return f"{model}@{version(model)}"
    except (PackageNotFoundError, ValueError):
        return f"{model}@unknown"


def data_file(name: str) -> Path:
    """Path of a data file shipped inside the package (``analysis/data/NAME``)."""
    return Path(str(files("analysis") / "data" / name))


def corpus_path() -> Path:
    """The corpus the notebooks read: ``$FRAMING_CORPUS`` or the shipped ``seeds/``."""
    return Path(os.environ.get(CORPUS_ENV) or SEEDS_DIR)


def config_path() -> Path:
    """The project file the notebooks open: ``$FRAMING_CONFIG`` or ``seeds/framing.toml``."""
    return Path(os.environ.get(CONFIG_ENV) or SEEDS_DIR / "framing.toml")


def out_path() -> Path:
    """Where the notebooks' analysis tables go: ``$FRAMING_OUT`` or ``out/seeds``."""
    return Path(os.environ.get(OUT_ENV) or DEFAULT_OUT)


def process_context():
    """The multiprocessing context of the toolkit's worker pools.

    ``fork`` where available: workers start in milliseconds and share the pages already
    loaded in the parent (spaCy, VADER, the lexicon); else the platform's default.
    """
    import multiprocessing as mp

    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else methods[0])


#: Longest share of the time spent giving memory back (see :func:`release_free_memory`).
TRIM_SHARE = 0.1


class _Trims:
    """When the last ``malloc_trim`` ended and how long it took (this process's)."""

    ended = -float("inf")
    took = 0.0


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere a
    no-op), and those of Arrow's memory pool, at most :data:`TRIM_SHARE` of the time.

    Hundreds of model fits over a large corpus allocate and free design-sized arrays, and
    glibc keeps the freed pages: called before each fit, the model tables of 20,000 headlines
    end at 513 MB of resident memory instead of 845 MB. A trim walks the whole heap, though:
    0.18 s with 2 GB of live, fragmented allocations (a million-row run's main process),
    which before each of 5,000 fits was most of the models' time. So after a trim that took
    ``d`` seconds, calls within ``d / TRIM_SHARE - d`` seconds return at once (a small heap:
    every call trims). First the young cycles are collected (``gc.collect(1)``, cheap: each
    statsmodels fit leaves a cycle holding its arrays, which a large heap's rare full
    collections would let pile up by hundreds of megabytes). The results do not depend on it.
    """
    import gc
    import time

    gc.collect(1)
    trim = _malloc_trim()
    now = time.perf_counter()
    if now - _Trims.ended < _Trims.took * (1 / TRIM_SHARE - 1):
        return
    _release_arrow_pool()
    if trim is not None:
        trim(0)
    _Trims.ended = time.perf_counter()
    _Trims.took = _Trims.ended - now


def _release_arrow_pool() -> None:
    """Give back the pages Arrow's memory pool keeps after its arrays are freed (pandas'
    string columns live there; mimalloc keeps them otherwise: 0.5 GB of freed string
    batches measured). Nothing when pyarrow was not imported."""
    import sys

    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (not Linux, or not glibc)."""
    import sys

    if not sys.platform.startswith("linux"):  # pragma: no cover - not Linux
        return None
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - not glibc (musl)
        return None


def one_blas_thread():
    """A context in which BLAS and LAPACK (OpenBLAS, MKL, …) use one thread.

    The toolkit parallelises with processes (``--jobs``). Inside them, OpenBLAS's own threads
    only add contention on the small matrices of the count models: on the 2-core development
    machine under load, the trend models of 20,000 headlines took 22–34 s with two BLAS
    threads and 2.9–5.7 s with one. Its results also depend on the thread count in the last
    bits (a multi-threaded LAPACK splits its work differently), so one thread keeps the tables
    byte-identical across machines. Entering costs about 10 µs (``threadpoolctl``).
    """
    return _blas_controller().limit(limits=1, user_api="blas")


@functools.cache
def _blas_controller():
    """threadpoolctl's controller of the BLAS libraries numpy and SciPy load (found once)."""
    import numpy  # noqa: F401 (both BLAS builds must be loaded before they are looked for)
    import scipy.linalg  # noqa: F401
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def die_with_parent(parent: int) -> None:
    """Make this worker process end when its parent ``parent`` (a pid) ends, however it ends
    (``kill -9`` too); for the ``initializer`` of the toolkit's process pools, with
    ``initargs=(os.getpid(),)``.

    Linux: the kernel sends SIGTERM on the parent's death (``prctl(PR_SET_PDEATHSIG)``; it
    fires when the thread that started the worker ends, so start and use a pool in one call);
    elsewhere a daemon thread polls the parent's pid. SIGTERM gets its default action (not a
    handler inherited through fork) and Ctrl-C is ignored: the terminal signals the whole
    process group, and the parent stops the pool.
    """
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1  # linux/prctl.h
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    else:  # pragma: no cover - not Linux
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def resolve_jobs(jobs: int | None) -> int:
    """Worker processes to use: ``None`` or ``0`` means one per available CPU core.

    Raises:
        ValueError: ``jobs`` is negative or not an integer.
    """
    if jobs is None or jobs == 0:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not Linux
            return max(1, os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
        raise ValueError(f"jobs must be a positive integer (or 0 for all cores), got {jobs!r}")
    return jobs
