"""The documentation: the site builds with ``mkdocs build --strict``, every ```` ```python ````
example in README.md and docs/ runs, every page is in the nav, and the README stays short.

The examples run as they are written, one page per fresh interpreter (its blocks in order, so a
page's later blocks may use its earlier ones), in an empty folder, with warnings as errors: an
example that warns (a junction past breakdown, say) is a bad example.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
MKDOCS = ROOT / "mkdocs.yml"
#: The README's length limit (issue #25: a short README, the rest on the docs site).
README_MAX_LINES = 200

_PYTHON_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_NAV_PAGE = re.compile(r"(?:^|[\s:])([\w./-]+\.md)\s*$", re.MULTILINE)
_MD_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)\s]*)?\)")


def _pages() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def _examples(page: Path) -> list[str]:
    return [m.group(1) for m in _PYTHON_BLOCK.finditer(page.read_text(encoding="utf-8"))]


def _nav() -> list[str]:
    text = MKDOCS.read_text(encoding="utf-8")
    nav = text[text.index("\nnav:"):]
    return _NAV_PAGE.findall("\n".join(line for line in nav.splitlines() if not line.lstrip().startswith("#")))


PAGES_WITH_EXAMPLES = [p for p in _pages() if _examples(p)]


def _first_of_each(pages: list[Path]) -> list[Path]:
    """``pages`` without those whose examples repeat an earlier page's (docs/index.md repeats the
    README's tour): each set of examples runs once."""
    seen: set[tuple[str, ...]] = set()
    kept = []
    for page in pages:
        key = tuple(_examples(page))
        if key not in seen:
            seen.add(key)
            kept.append(page)
    return kept


PAGES_TO_RUN = _first_of_each(PAGES_WITH_EXAMPLES)


def _id(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def test_the_examples_are_found_and_compile() -> None:
    # the extraction itself: README's tour and the task pages' examples are seen, and each is Python
    assert README in PAGES_WITH_EXAMPLES
    assert len(PAGES_WITH_EXAMPLES) >= 6, [_id(p) for p in PAGES_WITH_EXAMPLES]
    for page in PAGES_WITH_EXAMPLES:
        for k, code in enumerate(_examples(page)):
            compile(code, f"{_id(page)}, python block {k + 1}", "exec")


def test_the_readme_is_short() -> None:
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n < README_MAX_LINES, f"README.md has {n} lines; move the detail to a docs page"


def test_every_readme_link_to_a_file_exists() -> None:
    targets = [t for t in _MD_LINK.findall(README.read_text(encoding="utf-8")) if "://" not in t]
    assert any(t.startswith("docs/") for t in targets)
    missing = [t for t in targets if not (ROOT / t).is_file()]
    assert not missing, f"README.md links to missing files: {missing}"


def test_every_docs_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    nav = _nav()
    assert "index.md" in nav
    on_disk = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert sorted(set(nav) - on_disk) == [], "nav entries without a page"
    assert sorted(on_disk - set(nav)) == [], "pages left out of the nav"


@pytest.mark.slow
def test_the_site_builds_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(MKDOCS),
                           "--site-dir", str(site)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-4000:]
    assert (site / "index.html").is_file()
    # the API reference is generated from the docstrings, not written by hand
    api = (site / "reference" / "api" / "physics" / "index.html").read_text(encoding="utf-8")
    assert 'id="mtjspice.physics.solver.simulate"' in api
    assert "Landau" in api or "LLGS" in api


@pytest.mark.slow
@pytest.mark.ngspice
@pytest.mark.parametrize("page", PAGES_TO_RUN, ids=_id)
def test_the_examples_run(page: Path, tmp_path: Path) -> None:
    script = tmp_path / "docs_example.py"  # a name no module it imports can be shadowed by
    script.write_text("\n\n".join(_examples(page)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
           "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-W", "error", str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, f"{_id(page)}:\n{done.stderr[-4000:]}"
    assert done.stdout.strip(), f"{_id(page)}: the examples printed nothing"
