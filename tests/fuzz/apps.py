"""What the manifest says about each app the fuzz runs. No chapter is named here: every chapter
chapters.toml marks ready is fuzzed, built by the `chapter_app` fixture (tests/conftest.py) with
its data in a fresh tmp dir and its servers' URLs.

A chapter whose app needs more than that says so in its manifest entry, in one optional field
(documented in chapters.toml's header and CONTRIBUTING.md), for example chapter 09's:

    fuzz = { settings = { wait_timeout = 0.05 }, slow_args = { seconds = ["0", "0.001"] },
             long_poll = "/future/(notes|now)" }

  settings      more make_app() keyword arguments, for the fuzz only (a shorter long-poll wait)
  slow_args     arguments whose honest values cost wall time (?seconds=3 sleeps three seconds,
                and so does a missing ?seconds= whose default is 1), each with cheap values:
                every request carries them, half the time cheap, half the time bad
                (generators.BAD_VALUES), and links that carry them are not followed
  long_poll     a regex of the paths whose requests wait by design until something else
                happens: a request there may go unanswered, the fuzz closes it after SHORT_WAIT
  designed_5xx  a regex of the paths where a 502, 503 or 504 is the lesson (a gateway whose
                upstream fails on purpose); a 500 is a bug everywhere
  signed        {cookie: [values]}: values the app signs into a cookie after a step the fuzz
                does not take (the demo user, after a real login); the fuzz signs them with
                the app's key, replays them and tampers with them
"""
from __future__ import annotations

import dataclasses
import re

from workbook import manifest

@dataclasses.dataclass(frozen=True)
class Plan:
    settings: dict = dataclasses.field(default_factory=dict)
    slow_args: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    long_poll: str = ""
    designed_5xx: str = ""
    signed: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)


def plan(chapter: manifest.Chapter) -> Plan:
    """The chapter's `fuzz` field, checked: a mistake in it says what is wrong and where."""
    where = f"chapters.toml, the entry of {chapter.slug}: fuzz"
    fields = dict(chapter.fuzz)
    known = {f.name for f in dataclasses.fields(Plan)}
    if set(fields) - known:
        raise ValueError(f"{where} has {sorted(set(fields) - known)}; it may have {sorted(known)}")
    for key in ("long_poll", "designed_5xx"):
        try:
            re.compile(fields.get(key, ""))
        except (re.error, TypeError) as e:
            raise ValueError(f"{where}.{key} is not a regular expression: {e}") from None
    for key in ("slow_args", "signed"):
        value = fields.get(key, {})
        if not (isinstance(value, dict) and all(
                isinstance(v, list) and v and all(isinstance(x, str) for x in v)
                for v in value.values())):
            raise ValueError(f"{where}.{key} must map names to lists of strings, not {value!r}")
        fields[key] = {name: tuple(v) for name, v in value.items()}
    if not isinstance(fields.get("settings", {}), dict):
        raise ValueError(f"{where}.settings must be a table of make_app() keyword arguments")
    return Plan(**fields)
