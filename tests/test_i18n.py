"""The English translation is complete, compiled, and actually used.

Source strings (msgids) are Simplified Chinese; lnob/locale/en holds the English. These tests fail when
someone adds a string without translating it, leaves a fuzzy or empty entry, forgets to recompile
django.mo, or breaks a placeholder. No database is needed.

To fix a failure:
    lnob makemessages -l en --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*'
    (fill in the new msgstr entries in lnob/locale/en/LC_MESSAGES/django.po)
    lnob compilemessages -l en --ignore .venv
"""

from __future__ import annotations

import gettext as stdlib_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LC_MESSAGES = ROOT / "lnob" / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
TEMPLATES = sorted(p for p in (ROOT / "lnob").glob("**/templates/**/*.html") if p.is_file())


# --- A small .po parser -------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is not None:
            return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]
        return [self.msgstr]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
_CONTINUATION = re.compile(r'^"(.*)"\s*$')


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), s)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, the header (msgid "") included. Obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    cur: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None  # which field continuation lines extend

    def finish() -> None:
        nonlocal cur
        if cur is not None:
            entries.append(cur)
        cur = None

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            flags, target = set(), None
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if m := _KEYWORD.match(line):
            kw, index, value = m.group(1), m.group(2), _unquote(m.group(3))
            if (
                kw in ("msgctxt", "msgid")
                and cur is not None
                and (kw == "msgctxt" or cur.msgid or cur.msgstr)
            ):
                finish()  # entries not separated by a blank line
            if cur is None:
                cur = Entry(flags=flags, line=n)
                flags = set()
            if kw.startswith("msgstr["):
                cur.msgstr_plural[int(index)] = value
                target = ("msgstr_plural", int(index))
            else:
                setattr(cur, kw, value)
                target = (kw, None)
            continue
        if (m := _CONTINUATION.match(line)) and cur is not None and target is not None:
            name, index = target
            value = _unquote(m.group(1))
            if name == "msgstr_plural":
                cur.msgstr_plural[index] += value  # type: ignore[index]
            else:
                setattr(cur, name, (getattr(cur, name) or "") + value)
            continue
        raise AssertionError(f"{path}:{n}: cannot parse {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO.is_file(), f"{PO} is missing"
    return parse_po(PO)


@pytest.fixture(scope="module")
def messages(po_entries: list[Entry]) -> list[Entry]:
    """The translatable entries, header left out."""
    return [e for e in po_entries if e.msgid != ""]


@pytest.fixture(scope="module")
def msgids(messages: list[Entry]) -> set[tuple[str | None, str]]:
    return {e.key for e in messages}


def test_parser_handles_multiline_context_and_plurals(tmp_path: Path) -> None:
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "menu"\nmsgid ""\n"第一行\\n"\n"第二行 \\"%(x)s\\""\n'
        'msgstr "line one\\n"\n"line two \\"%(x)s\\""\n\n'
        'msgid "共 %(n)s 户"\nmsgid_plural "共 %(n)s 户"\nmsgstr[0] "%(n)s household"\n'
        'msgstr[1] ""\n"%(n)s households"\n\n#~ msgid "旧"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    header, ctx, plural = parse_po(sample)
    assert header.msgid == "" and header.msgstr == "Language: en\n"
    assert ctx.key == ("menu", '第一行\n第二行 "%(x)s"')
    assert ctx.msgstr == 'line one\nline two "%(x)s"'
    assert ctx.flags == {"fuzzy", "python-format"}
    assert plural.msgid_plural == "共 %(n)s 户"
    assert plural.translations == ["%(n)s household", "%(n)s households"]
    assert plural.flags == set()


# --- The .po is complete -------------------------------------------------------------------------


def test_po_has_entries(messages: list[Entry]) -> None:
    assert len(messages) > 100, "django.po looks truncated; re-run makemessages"


def test_no_entry_is_fuzzy(po_entries: list[Entry]) -> None:
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in po_entries if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries are not compiled; review them and drop the flag:\n" + "\n".join(fuzzy)


def test_no_entry_is_untranslated(messages: list[Entry]) -> None:
    empty = [
        f"line {e.line}: {e.msgid!r}"
        for e in messages
        if not e.translations or any(not s.strip() for s in e.translations)
    ]
    assert not empty, "untranslated entries in django.po:\n" + "\n".join(empty)


def test_plural_entries_have_both_forms(messages: list[Entry]) -> None:
    for e in messages:
        if e.msgid_plural is not None:
            assert sorted(e.msgstr_plural) == [0, 1], e.msgid


def test_header_declares_english_utf8_and_plural_rule(po_entries: list[Entry]) -> None:
    header = po_entries[0]
    assert header.msgid == ""
    assert "Language: en\n" in header.msgstr
    assert "charset=UTF-8" in header.msgstr
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr


_PERCENT = re.compile(r"%\((\w+)\)[sd]|%[sd]")
_BRACE = re.compile(r"\{(\w*)\}")


def test_placeholders_survive_translation(messages: list[Entry]) -> None:
    bad = []
    for e in messages:
        for pattern in (_PERCENT, _BRACE):
            wanted = sorted(pattern.findall(e.msgid))
            for s in e.translations:
                if sorted(pattern.findall(s)) != wanted:
                    bad.append(f"line {e.line}: {e.msgid!r} -> {s!r}")
    assert not bad, "placeholders differ between msgid and msgstr:\n" + "\n".join(bad)


def test_language_names_are_their_own_names(messages: list[Entry]) -> None:
    by_id = {e.msgid: e.msgstr for e in messages if e.msgctxt is None}
    assert by_id.get("简体中文") == "简体中文"
    assert by_id.get("English") == "English"


# --- Every template string is in the .po ---------------------------------------------------------

_Q = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
_TRANSLATE_TAG = re.compile(r"\{%\s*(?:translate|trans)\s+" + _Q + r"(.*?)%\}", re.S)
_CONTEXT = re.compile(r"\bcontext\s+" + _Q)
_UNDERSCORE = re.compile(r"\b_\(\s*" + _Q + r"\s*\)")
_BLOCK = re.compile(
    r"\{%\s*(?:blocktranslate|blocktrans)\b(?P<args>.*?)%\}(?P<body>.*?)"
    r"(?:\{%\s*plural\s*%\}(?P<plural>.*?))?\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}",
    re.S,
)
_VAR = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _block_msgid(text: str, trimmed: bool) -> str:
    if trimmed:
        text = " ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    return _VAR.sub(r"%(\1)s", text.replace("%", "%%"))


def template_strings() -> list[tuple[str, int, str | None, str]]:
    """(template, line, msgctxt, msgid) for every literal string marked for translation."""
    found = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(ROOT))

        def add(pos: int, ctx: str | None, msgid: str, rel: str = rel, text: str = text) -> None:
            found.append((rel, text.count("\n", 0, pos) + 1, ctx, msgid))

        for m in _TRANSLATE_TAG.finditer(text):
            c = _CONTEXT.search(m.group(3))
            ctx = (c.group(1) if c.group(1) is not None else c.group(2)) if c else None
            add(m.start(), ctx, m.group(1) if m.group(1) is not None else m.group(2))
        for m in _UNDERSCORE.finditer(text):
            add(m.start(), None, m.group(1) if m.group(1) is not None else m.group(2))
        for m in _BLOCK.finditer(text):
            args = m.group("args")
            c = _CONTEXT.search(args)
            ctx = (c.group(1) if c.group(1) is not None else c.group(2)) if c else None
            trimmed = re.search(r"\btrimmed\b", args) is not None
            add(m.start(), ctx, _block_msgid(m.group("body"), trimmed))
            if m.group("plural") is not None:
                add(m.start(), ctx, _block_msgid(m.group("plural"), trimmed))
    return found


def test_templates_are_found() -> None:
    assert TEMPLATES, "no templates found under lnob/**/templates"
    strings = template_strings()
    assert len(strings) > 50, "the template scan found suspiciously few strings"
    assert any(s[3] == "%(h)s 户 · %(p)s 人" for s in strings), "blocktranslate parsing is broken"


def test_every_template_string_is_translated(messages: list[Entry]) -> None:
    known = {e.key for e in messages} | {(e.msgctxt, e.msgid_plural) for e in messages if e.msgid_plural}
    missing = sorted(
        {
            f"{rel}:{line}: {msgid!r}"
            for rel, line, ctx, msgid in template_strings()
            if (ctx, msgid) not in known
        }
    )
    assert not missing, "template strings missing from django.po (run makemessages):\n" + "\n".join(missing)


# --- The compiled .mo matches the .po ------------------------------------------------------------


@pytest.fixture(scope="module")
def mo() -> stdlib_gettext.GNUTranslations:
    assert MO.is_file(), f"{MO} is missing; run compilemessages"
    with MO.open("rb") as f:
        return stdlib_gettext.GNUTranslations(f)


def test_mo_matches_po(mo: stdlib_gettext.GNUTranslations, messages: list[Entry]) -> None:
    stale = []
    for e in messages:
        if e.msgid_plural is not None:
            continue
        got = mo.gettext(e.msgid) if e.msgctxt is None else mo.pgettext(e.msgctxt, e.msgid)
        if got != e.msgstr:
            stale.append(f"{e.msgid!r}: .po {e.msgstr!r}, .mo {got!r}")
    assert not stale, "django.mo is stale; run compilemessages:\n" + "\n".join(stale)


def test_mo_plurals_match_po(mo: stdlib_gettext.GNUTranslations, messages: list[Entry]) -> None:
    for e in messages:
        if e.msgid_plural is None:
            continue
        assert e.msgid_plural is not None
        for n, form in ((1, 0), (2, 1)):
            if e.msgctxt is None:
                got = mo.ngettext(e.msgid, e.msgid_plural, n)
            else:
                got = mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
            assert got == e.msgstr_plural[form], f"django.mo is stale for {e.msgid!r} (n={n})"


def test_mo_has_no_leftover_entries(mo: stdlib_gettext.GNUTranslations, messages: list[Entry]) -> None:
    """An entry deleted from the .po but still in the .mo also means the .mo is stale."""
    catalog = mo._catalog  # type: ignore[attr-defined]
    in_mo = {k if isinstance(k, str) else k[0] for k in catalog} - {""}
    in_po = {e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}" for e in messages}
    assert in_mo <= in_po, f"django.mo has entries not in django.po: {sorted(in_mo - in_po)[:10]}"


# --- Django uses it -------------------------------------------------------------------------------


def test_english_is_rendered_in_english() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext("农户") == "Household"
        assert translation.gettext("审计日志") == "Audit log"
        assert translation.gettext("脱贫户") == "Out-of-poverty household"
        assert translation.ngettext("共 %(n)s 户", "共 %(n)s 户", 1) % {"n": 1} == "1 household"
        assert translation.ngettext("共 %(n)s 户", "共 %(n)s 户", 3) % {"n": 3} == "3 households"


def test_chinese_stays_chinese() -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("农户") == "农户"
        assert translation.gettext("审计日志") == "审计日志"
        assert translation.ngettext("共 %(n)s 户", "共 %(n)s 户", 3) % {"n": 3} == "共 3 户"


def test_lazy_labels_and_templates_follow_the_active_language() -> None:
    from django.template import Context, Template
    from django.utils import translation

    from lnob.core.errors import Msg
    from lnob.registry.choices import HouseholdStatus

    template = Template(
        "{% load i18n %}{% translate '身份证号' %}|"
        "{% blocktranslate with h=2 p=5 %}{{ h }} 户 · {{ p }} 人{% endblocktranslate %}"
    )
    with translation.override("en"):
        assert str(HouseholdStatus.ORDINARY.label) == "Ordinary rural household"
        assert Msg.NO_HEAD.format(date="2024-01-01") == (
            "This household would have no head of household on 2024-01-01: assign a new head first"
        )
        assert template.render(Context()) == "Resident ID number|2 households · 5 people"
    with translation.override("zh-hans"):
        assert str(HouseholdStatus.ORDINARY.label) == "一般农户"
        assert template.render(Context()) == "身份证号|2 户 · 5 人"
