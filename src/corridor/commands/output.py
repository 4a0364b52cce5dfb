"""Results to stdout as a Rich table or JSON; messages to stderr so pipes stay clean."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

__all__ = ["JsonOption", "err", "escape", "fail", "note", "out", "print_json", "print_table"]

# A pipe or a file gets wide lines rather than Rich's 80 columns of folded cells.
out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)  # one problem, one line, whatever the width

# The --json flag every listing command takes.
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def print_json(data: Any) -> None:
    """Pretty JSON on stdout, never wrapped or coloured, so ``| jq`` always parses."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    as_json: bool = False,
) -> None:
    """Rows as a table for people, or as a JSON list for scripts."""
    if as_json:
        print_json(list(rows))
        return
    table = Table(
        title=title,
        header_style="bold",
        title_justify="left",
        min_width=len(title) + 4 if title else None,  # a title never wraps
    )
    for index, column in enumerate(columns):
        table.add_column(column.replace("_", " "), overflow="fold", no_wrap=index == 0)
    for row in rows:
        table.add_row(*(Text(_text(row.get(column))) for column in columns))  # data, not markup
    out.print(table)
    err.print(f"[dim]{len(rows)} rows[/dim]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    return str(value)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line to stderr (``message`` is text, never markup); return the Exit."""
    err.print(f"[bold red]error:[/bold red] {escape(message)}", highlight=False)
    return typer.Exit(code)


def note(message: str, *, style: str = "dim") -> None:
    """A line of plain text for people on stderr (data in it is never read as markup)."""
    err.print(Text(message, style=style), highlight=False)
