"""One batch of documents through the per-document pass, with the per-document cache."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from analysis.document import markers as mk
from analysis.document.lexicon import Lexicon
from analysis.document.nlp import Parsed, TermMode, case_moves, move_terms, parse, parse_many
from analysis.document.process import (
    DocResult,
    compiled_lexicon,
    lexicon_part,
    process,
    sentences,
    terms,
    voice_part,
)
from analysis.runner.doc_cache import DocCache, text_key

__all__ = ["process_batch", "run_batch"]


def _from_cache(nlp: dict, lex: dict) -> DocResult:
    return DocResult(
        n_tokens=nlp["n_tokens"],
        terms=move_terms(nlp["terms"], [tuple(m) for m in lex["moves"]]),
        sentences=[tuple(x) for x in nlp["sentences"]],
        matches=[tuple(x) for x in lex["matches"]],
        masked=list(lex["masked"]),
        actors=[tuple(x) for x in lex["actors"]],
        voices=[tuple(x) for x in lex["voices"]],
        match_voices=[tuple(x) for x in lex["match_voices"]],
        quotes=[tuple(x) for x in lex["quotes"]],
        voice_tokens=tuple(lex["voice_tokens"]),
    )


def run_batch(
    texts: Sequence[str],
    lexicon: Lexicon | mk.CompiledLexicon,
    cache: DocCache | None,
    *,
    terms_mode: TermMode = "lemma",
) -> list[DocResult]:
    """The per-document results of ``texts``, through ``cache`` when given (whose
    ``terms_mode`` must be this one: it is part of its keys).

    Raises:
        RuntimeError: the pass failed on one document (a bug); the message quotes the start
            of its text, so that it can be found in a corpus of a million rows.
    """
    if cache is not None and cache.terms_mode != terms_mode:
        raise ValueError(f"cache {cache!r} holds {cache.terms_mode} terms, not {terms_mode}")
    try:
        return _run_batch(texts, lexicon, cache, terms_mode=terms_mode)
    except MemoryError:
        raise
    except Exception as e:
        culprit = _failing_text(texts, lexicon, terms_mode)
        if culprit is None:
            raise
        text, error = culprit
        raise RuntimeError(
            f"the per-document pass failed on the document whose text begins {text[:80]!r}: "
            f"{type(error).__name__}: {error} (a bug in framing: please report it with that "
            "text)"
        ) from e


def _failing_text(texts, lexicon, terms_mode) -> tuple[str, Exception] | None:
    """The first text on which the pass fails alone (no cache), with its exception."""
    compiled = compiled_lexicon(lexicon)
    for text in texts:
        try:
            list(process([text], compiled, terms_mode=terms_mode))
        except Exception as e:
            return text, e
    return None


def _run_batch(texts, lexicon, cache, *, terms_mode) -> list[DocResult]:
    compiled = compiled_lexicon(lexicon)
    if cache is None:
        return list(process(texts, compiled, terms_mode=terms_mode))
    keys = [text_key(t) for t in texts]
    nlp_parts: list[dict | None] = [cache.get_nlp(k) for k in keys]
    lex_parts: list[dict | None] = [cache.get_lex(k) for k in keys]
    todo = [i for i, part in enumerate(nlp_parts) if part is None]
    parsed_of: dict[int, Parsed] = {}
    for i, parsed in zip(todo, parse_many(texts[i] for i in todo), strict=True):
        part = {
            "n_tokens": parsed.n_tokens,
            "terms": terms(parsed, terms=terms_mode),
            "sentences": sentences(parsed),
        }
        cache.put_nlp(keys[i], part, parsed)
        nlp_parts[i] = part
        parsed_of[i] = parsed
    for i, lex in enumerate(lex_parts):
        if lex is not None:
            continue
        parsed = parsed_of.get(i) or cache.get_parsed(keys[i])
        if parsed is None:  # the token record is unusable: rebuild the whole entry
            parsed = parse(texts[i])
            cache.put_nlp(keys[i], nlp_parts[i], parsed)
        matches, masked, actors = lexicon_part(parsed, compiled)
        moves = case_moves(parsed, compiled.case_sensitive_terms, terms=terms_mode)
        lex_parts[i] = {"matches": matches, "masked": masked, "actors": actors, "moves": moves}
        lex_parts[i].update(voice_part(parsed, compiled, matches))
        cache.put_lex(keys[i], lex_parts[i])
    return [_from_cache(n, x) for n, x in zip(nlp_parts, lex_parts, strict=True)]


def process_batch(
    items: Sequence[tuple[str, str]],
    lexicon: Lexicon | mk.CompiledLexicon,
    *,
    cache_dir: str | Path | None = None,
    terms_mode: TermMode = "lemma",
) -> list[DocResult]:
    """Run the per-document pass on one batch of documents (picklable, for any engine).

    The unit of work of :func:`analyze` and of other engines: a top-level function of plain
    data, so it can be shipped to a worker process or a cluster. The lexicon is compiled once
    per process (by fingerprint) and spaCy/VADER are loaded once per process.

    Args:
        items: ``(doc_id, cleaned text)`` pairs (``doc_id`` is only carried for the caller).
        lexicon: The lexicon (or an already compiled one).
        cache_dir: Per-document cache directory (:mod:`analysis.runner.doc_cache`);
            ``None``: no cache.
        terms_mode: ``"lemma"`` or ``"form"`` (see :func:`analysis.document.nlp.term_counts`).

    Returns:
        One :class:`DocResult` per item, in order; identical with or without the cache.
    """
    texts = [t for _, t in items]
    cache = None
    if cache_dir is not None:
        lex = lexicon.lexicon if isinstance(lexicon, mk.CompiledLexicon) else lexicon
        cache = DocCache(cache_dir, lexicon_fingerprint=lex.fingerprint, terms_mode=terms_mode)
    return run_batch(texts, lexicon, cache, terms_mode=terms_mode)
