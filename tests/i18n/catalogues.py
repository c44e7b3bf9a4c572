"""Which strings a caller can see, found the way `makemessages` finds them, and the catalogues.

Victim-facing sources are every template under templates/victim/, whatever those include,
extend or draw through an inclusion tag, the scripts they load, and the Python modules
listed in VICTIM_MODULES. A new caller-facing Python module goes in that list.

Run `python -m tests.i18n.catalogues` to add new strings (untranslated) to every
catalogue and recompile: the completeness test then names what still needs words.
"""

import ast
import gettext
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
TRANSLATED = ["cy", "ar", "pl", "ur", "ro", "pa", "bn"]
VICTIM_MODULES = [
    "video/notices.py",  # the consent notice on the caller's phone
    "video/sms_wording.py",  # the join-link text in other languages
    "video/victim_views.py",
    "video/languages.py",
    "followups/consent.py",  # the follow-up notice read to the caller in their language
    "video/quick_questions.py",  # yes/no questions for a caller who cannot speak
    "evidence/notices.py",  # snapshot and photo consent
    "evidence/victim_views.py",
]
# The same keywords makemessages gives xgettext.
PYTHON_KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]
JS_KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
]
TEMPLATE_LINK = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")
INCLUSION_TAG = re.compile(r"""@register\.inclusion_tag\(\s*["']([^"']+)["'][^)]*\)\s*\ndef (\w+)""")
SCRIPT = re.compile(r"""{%\s*static\s+["'](js/[^"']+)["']""")


def _inclusion_tags() -> dict[str, str]:
    """Tag name -> the template it draws, for every inclusion tag in the project."""
    tags = {}
    for module in ROOT.glob("*/templatetags/*.py"):
        tags |= {name: template for template, name in INCLUSION_TAG.findall(module.read_text(encoding="utf-8"))}
    return tags


def _pulled_in(text: str, tags: dict[str, str]) -> list[str]:
    used = [template for name, template in tags.items() if re.search(r"{%\s*" + name + r"\b", text)]
    return TEMPLATE_LINK.findall(text) + used


def victim_templates() -> list[Path]:
    """Every template under templates/victim/, plus any template they pull in from elsewhere."""
    tags = _inclusion_tags()
    found: list[Path] = []
    queue = sorted((ROOT / "templates" / "victim").rglob("*.html"))
    while queue:
        path = queue.pop()
        if path in found or not path.exists():
            continue
        found.append(path)
        queue += [ROOT / "templates" / name for name in _pulled_in(path.read_text(encoding="utf-8"), tags)]
    return sorted(found)


def victim_scripts() -> list[Path]:
    """The scripts the caller's pages load."""
    names = {name for page in victim_templates() for name in SCRIPT.findall(page.read_text(encoding="utf-8"))}
    return sorted(p for p in (ROOT / "static" / n for n in names) if p.exists())


def _xgettext(language: str, keywords: list[str], files: list[Path]) -> str:
    if not files:
        return ""
    command = ["xgettext", f"--language={language}", "--from-code=UTF-8", "--output=-", *keywords]
    return subprocess.run([*command, *map(str, files)], check=True, capture_output=True, encoding="utf-8").stdout


def template_pot(paths: list[Path]) -> str:
    """What makemessages does to a template: turn it into Python-shaped text, then xgettext it."""
    with tempfile.TemporaryDirectory() as tmp:
        converted = []
        for number, path in enumerate(paths):
            out = Path(tmp) / f"{number}-{path.name}.py"
            out.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8")
            converted.append(out)
        return _xgettext("Python", PYTHON_KEYWORDS, converted)


def victim_pot() -> str:
    """Every caller-facing string, as one POT text (one header per part)."""
    return "\n".join(victim_pot_parts())


def victim_pot_parts() -> list[str]:
    python = [ROOT / m for m in VICTIM_MODULES if (ROOT / m).exists()]
    scripts = victim_scripts()
    parts = [
        template_pot(victim_templates()),
        _xgettext("Python", PYTHON_KEYWORDS, python),
        _xgettext("JavaScript", JS_KEYWORDS, scripts),
    ]
    return [p for p in parts if p]


def _unquote(line: str) -> str:
    return ast.literal_eval(line[line.index('"') :])  # PO's escapes (\n, \", \\) are Python's too


def msgids(pot: str) -> set[str | tuple[str, int]]:
    """The catalogue keys (as gettext.GNUTranslations stores them) a POT asks for."""
    keys: set[str | tuple[str, int]] = set()
    fields: dict[str, str] = {}
    current = None
    for line in [*pot.splitlines(), ""]:
        if line.startswith("msgstr") or not line.strip():
            if "msgid" in fields and fields["msgid"]:
                msgid = fields["msgid"]
                if "msgctxt" in fields:
                    msgid = fields["msgctxt"] + "\x04" + msgid
                keys.add((msgid, 0) if "msgid_plural" in fields else msgid)
            fields, current = {}, None
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid)\s", line)
        if match:
            current = match.group(1)
            fields[current] = _unquote(line)
        elif line.startswith('"') and current:
            fields[current] += _unquote(line)
    return keys


def compile_po(po: Path, mo: Path) -> None:
    """msgfmt leaves out fuzzy and empty entries, so a loaded catalogue holds only real translations."""
    subprocess.run(["msgfmt", "--check", "--output-file", str(mo), str(po)], check=True, capture_output=True)


def load_mo(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def po_path(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / "django.po"


def update() -> None:
    """Add new caller-facing strings to every catalogue (untranslated) and recompile."""
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        for number, text in enumerate(victim_pot_parts()):
            parts.append(Path(tmp) / f"{number}.pot")
            parts[-1].write_text(text, encoding="utf-8")
        pot = Path(tmp) / "victim.pot"
        subprocess.run(["msgcat", "--use-first", "--output-file", str(pot), *map(str, parts)], check=True)
        for code in TRANSLATED:
            po = po_path(code)
            merge = ["msgmerge", "--quiet", "--update", "--backup=none", "--no-fuzzy-matching", "--no-location"]
            subprocess.run([*merge, str(po), str(pot)], check=True)
            compile_po(po, po.with_suffix(".mo"))


if __name__ == "__main__":
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    update()
