"""The one-line note a figure carries where it deliberately differs from its paper."""

from __future__ import annotations

from matplotlib.figure import Figure

#: Prefix of every note, so that a reader (and a test) can find it on the figure.
PREFIX = "Differs from the paper: "


def deviation_note(fig: Figure, text: str) -> None:
    """Write ``PREFIX + text`` in one line under the figure (space reserved by the layout).

    The evidence for the difference is in ``docs/paper-notes.md``.
    """
    fig.supxlabel(PREFIX + text, fontsize="small", style="italic", color="0.3")


def notes_of(fig: Figure) -> list[str]:
    """The deviation notes on ``fig`` (empty if it has none)."""
    from matplotlib.text import Text

    texts = (t.get_text() for t in fig.findobj(Text))
    return [t for t in texts if t.startswith(PREFIX)]
