"""Pages generated from the code at build time, so the site follows the package without edits.

- **API reference** (``builder-inited``): one page per public module of ``qmemristor`` (every
  subpackage or module that does not start with ``_``, except ``cli``) listing each name of its
  ``__all__`` in an autosummary table (one generated page per name), followed by the docstrings
  of its submodules; a module without ``__all__`` is documented with ``automodule :members:``.
  A new subpackage appears in the reference as soon as it exists.
- **CLI reference** (``{qm-cli}`` directive): walks the typer app (typer's own click: sphinx-click
  does not recognise its command classes) and prints each command's ``--help``.
- **Figures of a paper** (``{qm-figures} Paper M`` directive): every figure registered with
  ``qmemristor.figures.register`` whose ``paper`` starts with the argument — image from
  ``docs/gallery``, the paper's statement (the directive's content, ``NAME: text`` lines), what
  ours shows, whether it differs (a heading naming the figure in ``docs/paper-notes.md``) and
  the command that makes it.
- **Links**: "docs/theory.md §M1" in a docstring becomes a link to the theory page's section
  M1; references by a name's defining module (``qmemristor.analysis.spectra.span``, as type
  hints and some docstrings write them) resolve to the public name that is documented
  (``qmemristor.analysis.span``).
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

PACKAGE = "qmemristor"
API_DIR = Path("reference") / "api"  # generated (git-ignored), relative to the source folder
SKIP_MODULES = {"cli"}  # documented by the CLI reference


# --------------------------------------------------------------------------------------------
# API pages
# --------------------------------------------------------------------------------------------


def public_modules() -> list[str]:
    """``qmemristor`` and its public top-level modules and subpackages, in name order."""
    pkg = importlib.import_module(PACKAGE)
    names = [PACKAGE]
    for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if not mod.name.startswith("_") and mod.name not in SKIP_MODULES:
            names.append(f"{PACKAGE}.{mod.name}")
    return names


def submodules(modname: str) -> list[str]:
    """Public submodules of a package (none for a plain module)."""
    mod = importlib.import_module(modname)
    if not hasattr(mod, "__path__"):
        return []
    return [
        f"{modname}.{m.name}"
        for m in sorted(pkgutil.iter_modules(mod.__path__), key=lambda m: m.name)
        if not m.name.startswith("_")
    ]


def _kind(obj: Any) -> str:
    if isinstance(obj, type):
        return "Exceptions" if issubclass(obj, BaseException) else "Classes"
    if callable(obj):
        return "Functions"
    return "Constants"


def first_line(doc: str | None) -> str:
    """The first paragraph of a docstring, on one line."""
    doc = (doc or "").strip()
    return doc.split("\n\n")[0].replace("\n", " ") if doc else ""


def module_page(modname: str) -> str:
    """reStructuredText of the API page of one module."""
    mod = importlib.import_module(modname)
    title = f"``{modname}``"
    out = [f".. _api-{modname}:", "", title, "=" * len(title), ""]
    names = getattr(mod, "__all__", None)
    if names is None:
        out += [f".. automodule:: {modname}", "   :members:", ""]
    else:
        out += [
            f".. automodule:: {modname}",
            "   :no-members:",
            "",
            f".. currentmodule:: {modname}",
        ]
        groups: dict[str, list[str]] = {}
        for name in names:
            if not name.startswith("__"):
                groups.setdefault(_kind(getattr(mod, name)), []).append(name)
        for kind in ("Classes", "Functions", "Exceptions", "Constants"):
            if kind not in groups:
                continue
            out += ["", kind, "-" * len(kind), "", ".. autosummary::", "   :toctree: generated"]
            if kind != "Constants":
                out += ["   :nosignatures:"]
            out += [""] + [f"   {n}" for n in groups[kind]]
    subs = submodules(modname) if modname != PACKAGE else []  # subpackages have their own pages
    if subs:
        out += ["", "Modules", "-------", ""]
        out += [
            "The names above are defined in these modules; their docstrings say what each "
            "computes and which conventions it fixes.",
            "",
        ]
        public = set(names or [])
        for sub in subs:
            out += [f".. rubric:: ``{sub}``", "", f".. automodule:: {sub}", "   :no-members:"]
            if sub.rsplit(".", 1)[1] in public:  # e.g. function and module `simulate`
                out += ["   :no-index:"]
            out += [""]
    return "\n".join(out) + "\n"


def index_page(mods: list[str]) -> str:
    """reStructuredText of the API index: one row per module with its first line."""
    out = [
        ".. _api-reference:",
        "",
        "API reference",
        "=============",
        "",
        "Generated from the docstrings at build time: every name in each module's ``__all__``. "
        "The physics conventions (basis, signs, units, frames) are on :doc:`/theory`.",
        "",
        ".. list-table::",
        "   :widths: 30 70",
        "",
    ]
    for m in mods:
        doc = first_line(importlib.import_module(m).__doc__)
        out += [f"   * - :ref:`{m} <api-{m}>`", f"     - {doc}"]
    out += ["", ".. toctree::", "   :hidden:", ""] + [f"   {m}" for m in mods]
    return "\n".join(out) + "\n"


def write_if_changed(path: Path, text: str) -> None:
    """Write only when the text changes, so Sphinx does not re-read unchanged pages."""
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def generate_api(app: Sphinx, config: Any = None) -> None:
    """Write the API pages (before Sphinx looks for source files)."""
    root = Path(app.srcdir) / API_DIR
    mods = public_modules()
    wanted = {"index.rst"} | {f"{m}.rst" for m in mods}
    for old in root.glob("*.rst"):  # a module that was removed or renamed
        if old.name not in wanted:
            old.unlink()
    write_if_changed(root / "index.rst", index_page(mods))
    for m in mods:
        write_if_changed(root / f"{m}.rst", module_page(m))


# --------------------------------------------------------------------------------------------
# cross-references by defining module → the documented public name
# --------------------------------------------------------------------------------------------


def _aliases(app: Sphinx) -> dict[str, str]:
    """Every dotted path under which a public object can be reached → its documented name.

    ``qmemristor.analysis.spectra.span`` and ``qmemristor.neuron.model.PARAM_NAMES`` (where the
    code defines them, as type hints and docstrings write them) → ``qmemristor.analysis.span``,
    ``qmemristor.neuron.PARAM_NAMES`` (where the reference documents them).
    """
    cache = getattr(app, "_qm_aliases", None)
    if cache is not None:
        return cache
    cache = {}
    for m in public_modules():
        for sub in submodules(m):
            importlib.import_module(sub)
    ours = {n: mod for n, mod in sys.modules.items() if n == PACKAGE or n.startswith(PACKAGE + ".")}
    for m in public_modules():
        mod = importlib.import_module(m)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            public = f"{m}.{name}"
            cache[public] = public
            qual = getattr(obj, "__qualname__", None)
            where = getattr(obj, "__module__", None)
            if isinstance(qual, str) and isinstance(where, str):
                cache.setdefault(f"{where}.{qual}", public)
            for modname, other in ours.items():
                if getattr(other, name, None) is obj:
                    cache.setdefault(f"{modname}.{name}", public)
    app._qm_aliases = cache  # type: ignore[attr-defined]
    return cache


def _resolve_object(target: str) -> Any:
    """The object at a dotted path (module, then attributes), or None."""
    parts = target.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        except Exception:  # noqa: BLE001  (a module that fails to import is simply not it)
            return None
        try:
            for p in parts[i:]:
                obj = getattr(obj, p)
        except AttributeError:
            return None
        return obj
    return None


_MISSING = object()


def _context_modules(node: Any) -> list[str]:
    """Modules a relative reference may be written from, innermost first."""
    mods: list[str] = []
    # "docstring of qmemristor.sweeps.neuron.evaluate_neuron": the defining module
    src = str(node.source or "")
    m = re.search(r"docstring of ([\w.]+)", src)
    if m:
        path = m[1]
        obj = _resolve_object(path)
        where = getattr(obj, "__module__", None)
        if isinstance(obj, type(sys)):
            where = obj.__name__
        if isinstance(where, str):
            mods.append(where)
        mods.append(path.rsplit(".", 1)[0])
    if node.get("py:module"):
        mods.append(node["py:module"])
    out: list[str] = []
    for mod in mods:  # and their parent packages
        parts = mod.split(".")
        for i in range(len(parts), 0, -1):
            cand = ".".join(parts[:i])
            if cand not in out and (cand == PACKAGE or cand.startswith(PACKAGE + ".")):
                out.append(cand)
    return out


def resolve_by_definition(app: Sphinx, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a Python reference Sphinx could not: by defining module, or as plain code.

    1. A path where the object is defined (or imported) maps to its documented public name.
    2. A reference to an object that exists but is not documented (a private helper, a module
       constant outside ``__all__``) renders as code without a link.
    Anything else — a name that does not exist, a typo, a renamed function — stays a warning.
    """
    if node.get("refdomain") != "py":
        return None
    target = "".join(node.get("reftarget", "").split()).lstrip("~.")
    if not target:
        return None
    aliases = _aliases(app)
    cls = node.get("py:class")
    candidates = [target] if target.startswith(PACKAGE + ".") else []
    for mod in _context_modules(node):
        if cls:
            candidates.append(f"{mod}.{cls}.{target}")
        candidates.append(f"{mod}.{target}")
    domain = env.get_domain("py")
    found = None
    for cand in candidates:
        parts = cand.split(".")
        for i in range(len(parts), 1, -1):  # the longest prefix that is a public object
            head = ".".join(parts[:i])
            if head in aliases:
                public = ".".join([aliases[head], *parts[i:]])
                for reftype in (node["reftype"], "obj"):
                    ref = domain.resolve_xref(
                        env, node["refdoc"], app.builder, reftype, public, node, contnode
                    )
                    if ref is not None:
                        return ref
        if found is None and _resolve_object(cand) is not None:
            found = cand
    if found is None and "." not in target:  # a unique public name anywhere in the package
        publics = {v for k, v in aliases.items() if k.endswith("." + target)}
        if len(publics) == 1:
            ref = domain.resolve_xref(
                env, node["refdoc"], app.builder, "obj", publics.pop(), node, contnode
            )
            if ref is not None:
                return ref
    if found is not None:
        return contnode  # exists but undocumented: code, no link
    return None


def qualify_relative_refs(app: Sphinx, doctree: Any) -> None:
    """``:mod:`.model``` from ``qmemristor.neuron.dynamics`` means ``qmemristor.neuron.model``.

    Sphinx searches such a reference by suffix over the whole project and warns when two
    objects match (``qmemristor.memristor.model`` and ``qmemristor.neuron.model``); the
    module the docstring belongs to decides instead.
    """
    from sphinx.addnodes import pending_xref

    for node in doctree.findall(pending_xref):
        target = node.get("reftarget", "")
        if node.get("refdomain") != "py" or not node.get("refspecific"):
            continue  # only ``.name`` references (Sphinx strips the dot, sets refspecific)
        for mod in _context_modules(node):
            if _resolve_object(f"{mod}.{target}") is not None:
                node["reftarget"] = f"{mod}.{target}"
                node["refspecific"] = False
                break


# --------------------------------------------------------------------------------------------
# "docs/theory.md §M1" in docstrings → link
# --------------------------------------------------------------------------------------------

THEORY_REF = re.compile(r"docs/theory\.md §([MN])(\d)((?:[–-][MN]?\d)?)")


_LITERAL = re.compile(r"(``.*?``|`[^`]*`)")


def _escape_bars(line: str) -> str:
    """``|r|`` in prose is an absolute value, not a reStructuredText substitution."""
    if "|" not in line or line.lstrip().startswith(("+-", "+=")):  # grid tables
        return line
    parts = _LITERAL.split(line)
    return "".join(p if i % 2 else p.replace("|", r"\|") for i, p in enumerate(parts))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def process_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Docstrings are plain text with NumPy sections: escape ``|``, link the theory page.

    Literal blocks (after a line ending in ``::``, or ``>>>`` examples) are left as written.
    """
    literal_base: int | None = None  # indentation of the paragraph that opened a literal block
    previous = ""
    for i, line in enumerate(lines):
        if literal_base is not None and line.strip() and _indent(line) <= literal_base:
            literal_base = None
        if literal_base is None and previous.rstrip().endswith("::") and not line.strip():
            literal_base = _indent(previous)
        if line.strip():
            previous = line
        if literal_base is not None or line.lstrip().startswith((">>>", "...")):
            continue
        line = lines[i] = _escape_bars(line)
        if "docs/theory.md §" in line:
            lines[i] = THEORY_REF.sub(
                lambda m: (
                    f":ref:`docs/theory.md §{m[1]}{m[2]}{m[3]} <theory-{m[1].lower()}{m[2]}>`"
                ),
                line,
            )


# --------------------------------------------------------------------------------------------
# CLI reference
# --------------------------------------------------------------------------------------------

_HELP_SCRIPT = r"""
import json, sys, typer
from qmemristor.cli import app

def walk(cmd, path):
    yield path, cmd
    for name in getattr(cmd, "commands", {}):
        yield from walk(cmd.commands[name], path + [name])

root = typer.main.get_command(app)
out = []
for path, cmd in walk(root, []):
    is_group = hasattr(cmd, "commands")
    out.append({
        "path": path,
        "group": is_group,
        "short": cmd.get_short_help_str(limit=200),
        "children": list(cmd.commands) if is_group else [],
    })
print(json.dumps(out))
"""


def cli_commands() -> list[dict[str, Any]]:
    """Every command of the typer app with its ``--help`` text (plain, 96 columns)."""
    env = {**os.environ, "TYPER_USE_RICH": "0", "COLUMNS": "96", "NO_COLOR": "1"}
    listing = subprocess.run(
        [sys.executable, "-c", _HELP_SCRIPT], capture_output=True, text=True, check=True, env=env
    )
    cmds = json.loads(listing.stdout)
    for c in cmds:
        run = subprocess.run(
            [sys.executable, "-m", PACKAGE, *c["path"], "--help"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if run.returncode != 0:
            raise RuntimeError(f"qmemristor {' '.join(c['path'])} --help failed: {run.stderr}")
        c["help"] = run.stdout.rstrip()
    return cmds


class CliDirective(SphinxDirective):
    """``{qm-cli}``: one section per command of ``qmemristor``, with its ``--help``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        _mark_dynamic(self.env)
        lines: list[str] = []
        for c in cli_commands():
            words = ["qmemristor", *c["path"]]
            label = "cli-" + "-".join(c["path"] or ["qmemristor"])
            depth = "#" * (2 + max(len(c["path"]) - 1, 0)) if c["path"] else "##"
            lines += [f"({label})=", f"{depth} `{' '.join(words)}`", ""]
            if c["short"]:
                lines += [c["short"], ""]
            if c["children"]:
                subs = ", ".join(
                    f"[`{k}`](#cli-{'-'.join([*c['path'], k])})" for k in c["children"]
                )
                lines += [f"Commands: {subs}.", ""]
            lines += ["```text", c["help"], "```", ""]
        node = nodes.container(classes=["qm-cli"])
        self.state.nested_parse(StringList(lines), 0, node, match_titles=True)
        return node.children


# --------------------------------------------------------------------------------------------
# figures of a paper
# --------------------------------------------------------------------------------------------


def notes_verdicts(srcdir: Path) -> dict[str, tuple[str, str, str]]:
    """Figure name → (verdict, section heading, anchor) from the figure-by-figure tables.

    ``docs/paper-notes.md`` has, per paper, a table whose rows start
    ``| **Fig. N** (`NAME`) | verdict | …``; the verdict ("faithful", "faithful, extended",
    "differs on purpose", …) is shown as the figure's status, linked to the paper's section.
    """
    path = srcdir / "paper-notes.md"
    found: dict[str, tuple[str, str, str]] = {}
    if not path.exists():
        return found
    section = ("", "")
    for line in path.read_text().splitlines():
        m = re.match(r"^##\s+(.*\S)\s*$", line)
        if m:
            section = (m[1], _myst_slug(m[1]))
            continue
        m = re.match(r"^\|\s*\*\*Fig\. [^|]*\(`([a-z]+-fig\d+[a-z]?)`\)\s*\|\s*([^|]*?)\s*\|", line)
        if m:
            found.setdefault(m[1], (m[2], *section))
    return found


def _myst_slug(text: str) -> str:
    """The anchor MyST gives a heading (myst_heading_anchors): GitHub's slug rules."""
    slug = text.strip().lower()
    slug = re.sub(r"[^\w\- ]", "", slug)
    return slug.replace(" ", "-")


def _statements(content: list[str]) -> dict[str, str]:
    """``NAME: text`` lines (continuation lines indented) → {NAME: text}."""
    out: dict[str, str] = {}
    key = None
    for line in content:
        m = re.match(r"^([a-z]+-fig\d+[a-z]?):\s*(.*)$", line)
        if m:
            key = m[1]
            out[key] = m[2].strip()
        elif key and line.strip():
            out[key] += " " + line.strip()
    return out


class FiguresDirective(SphinxDirective):
    """``{qm-figures} Paper M``: each registered figure of that paper beside its statement."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        from qmemristor.figures import available

        _mark_dynamic(self.env)
        paper = self.arguments[0].strip()
        statements = _statements(list(self.content))
        srcdir = Path(self.env.srcdir)
        notes = notes_verdicts(srcdir)
        figs = [f for f in available().values() if f.paper.startswith(paper)]
        for name in statements:
            if name not in {f.name for f in figs}:
                logger.warning(
                    f"qm-figures: {name} is not a registered figure of {paper}",
                    location=self.get_location(),
                )
        # MyST attaches the headings of a nested parse to the document as it meets them and
        # returns the rest, so everything here sits under a heading (or it would end the page).
        lines = ["## Overview", "", "| figure | paper | status | ours |", "|---|---|---|---|"]
        for f in figs:
            status = notes[f.name][0] if f.name in notes else "new" if paper == "new" else "—"
            where = f.paper.removeprefix(paper).strip(", ")
            lines.append(f"| [`{f.name}`](#fig-{f.name}) | {where} | {status} | {f.summary} |")
        lines.append("")
        for f in figs:
            lines += [
                f"(fig-{f.name})=",
                f"## {f.paper.removeprefix(paper).strip(', ')}: `{f.name}`",
                "",
            ]
            lines += [":::{container} qm-figure", ""]
            png = srcdir / "gallery" / f"{f.name}.png"
            if png.exists():
                lines += [
                    f"```{{image}} /gallery/{f.name}.png",
                    f":alt: {f.name}: {f.summary}",
                    f":target: ../_images/{f.name}.png",
                    ":class: qm-figure-image",
                    "```",
                    "",
                ]
            else:
                lines += [
                    f"*No image in `docs/gallery` yet: `qmemristor reproduce {f.name} "
                    "--out figures` makes it.*",
                    "",
                ]
            lines += ["::::{container} qm-figure-text", ""]
            statement = statements.get(f.name)
            lines += [
                f"**{'What it shows' if paper == 'new' else 'The paper'}.** {statement}"
                if statement
                else "**The paper.** (statement not summarised yet)",
                "",
                f"**Ours.** {f.summary}.",
                "",
            ]
            if f.name in notes:
                verdict, heading, anchor = notes[f.name]
                lines += [
                    f"**Status: {verdict}.** The evidence: "
                    f"[{heading}](../paper-notes.md#{anchor}).",
                    "",
                ]
            elif paper == "new":
                lines += ["**Status: new.** Not a figure of either paper.", ""]
            else:
                lines += ["**Status:** not assessed in the paper notes yet.", ""]
            lines += [
                "::::",
                ":::",
                "",
                "```bash",
                f"qmemristor reproduce {f.name} --out figures   # PNG + netCDF; --quick: faster",
                "```",
                "",
            ]
        node = nodes.container()
        self.state.nested_parse(StringList(lines), 0, node, match_titles=True)
        return node.children


def _mark_dynamic(env: Any) -> None:
    if not hasattr(env, "qm_dynamic"):
        env.qm_dynamic = set()
    env.qm_dynamic.add(env.docname)


def always_reread(
    app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages built from the code (CLI, figure tables) are read again at every build."""
    return sorted(d for d in getattr(env, "qm_dynamic", set()) if d not in removed)


def purge_dynamic(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "qm_dynamic", set()).discard(docname)


def merge_dynamic(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    if not hasattr(env, "qm_dynamic"):
        env.qm_dynamic = set()
    env.qm_dynamic |= getattr(other, "qm_dynamic", set())


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", generate_api)  # before the source files are discovered
    app.connect("missing-reference", resolve_by_definition)
    app.connect("doctree-read", qualify_relative_refs)
    app.connect("autodoc-process-docstring", process_docstring)
    app.connect("env-get-outdated", always_reread)
    app.connect("env-purge-doc", purge_dynamic)
    app.connect("env-merge-info", merge_dynamic)
    app.add_directive("qm-cli", CliDirective)
    app.add_directive("qm-figures", FiguresDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
