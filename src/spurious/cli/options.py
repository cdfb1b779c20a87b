"""The flags every command shares, defined once, and how they become a :class:`~spurious.spec.ProblemSpec`.

``@problem_options`` adds ``--model --widths --activation --loss --reduction --huber-delta --data
--target --layout --generator --samples --data-seed --seed --problem``; ``@json_option`` adds
``--json``. Defaults live in the spec (``spurious.spec``), never here: a flag left out leaves the
spec's default (or, with ``--problem FILE``, the file's value). ``spec_from_flags`` overlays the
flags given on the command line onto the problem file and validates once; a bad value is named
by its flag.

Output helpers: :func:`print_table` (rich box drawing on a terminal; plain, narrow, stable
columns otherwise), :func:`emit_json`, :func:`progress` (a rich progress bar on a terminal,
silent otherwise), and :func:`pin_blas`, the one BLAS-threads policy of every entry point.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from threadpoolctl import threadpool_limits

from ..errors import InputError
from ..spec import (
    ACTIVATION_NAMES,
    DEFAULT_SAMPLES,
    GENERATORS,
    LOSS_NAMES,
    MODEL_KINDS,
    REDUCTIONS,
    ProblemSpec,
    make_spec,
    read_problem,
)

__all__ = ["problem_options", "json_option", "out_option", "spec_from_flags", "FLAG_OF_FIELD", "parse_widths",
           "print_table", "emit_json", "progress", "pin_blas", "PROBLEM_FLAGS", "CountingObjective", "status"]

# flag name → (path in the spec, help)
_FLAGS: dict[str, tuple[tuple[str, ...], str]] = {
    "model": (("model", "kind"), f"Model kind: {' | '.join(MODEL_KINDS)} [default: deep-linear]."),
    "widths": (("model", "widths"), "Widths d0,d1,...,dN, e.g. 3,4,2 (multi-tower: towers split by '/', "
                                    "e.g. 3,2,2/3,1,2)."),
    "activation": (("model", "activation"), f"Hidden activation of mlp / exp-neuron: {' | '.join(ACTIVATION_NAMES)} "
                                            "[default: tanh]."),
    "loss": (("loss", "name"), f"Loss: {' | '.join(LOSS_NAMES)} [default: squared]."),
    "reduction": (("loss", "reduction"), "sum | mean (over samples) | mean-all (over every output entry, "
                                         "PyTorch's MSELoss default) [default: sum]."),
    "huber_delta": (("loss", "delta"), "δ of the huber loss [default: 1]."),
    "data": (("data", "file"), "Data file: .npz (X, Y), X.npy,Y.npy, .csv or .parquet (samples as rows)."),
    "target": (("data", "target"), "Target column(s) of a .csv/.parquet, comma-separated [default: the last]."),
    "layout": (("data", "layout"), "rows (one sample per row, the default) | columns (one sample per column)."),
    "generator": (("data", "generator"), f"Synthetic data: {' | '.join(GENERATORS)} [default: gaussian; logistic "
                                         "for the logistic loss; softmax for cross-entropy]."),
    "samples": (("data", "samples"), f"Samples m of generated data [default: {DEFAULT_SAMPLES}]."),
    "data_seed": (("data", "seed"), "Seed of generated data [default: 0]."),
    "seed": (("seed",), "Seed of random starts and points [default: 0]."),
}
PROBLEM_FLAGS: tuple[str, ...] = tuple(f"--{name.replace('_', '-')}" for name in _FLAGS) + ("--problem",)

FLAG_OF_FIELD: dict[str, str] = {".".join(path): f"--{name.replace('_', '-')}" for name, (path, _) in _FLAGS.items()}
FLAG_OF_FIELD["model.towers"] = "--widths"
FLAG_OF_FIELD["data.noise"] = "--generator"
FLAG_OF_FIELD["data.rank"] = "--generator"


def _int_flag(flag: str, minimum: int) -> Callable[[Any, Any, Any], int | None]:
    def parse(ctx, param, value: str | None) -> int | None:
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            raise InputError(flag, f"expected an integer >= {minimum}, got {value!r}") from None
        if number < minimum:
            raise InputError(flag, f"expected an integer >= {minimum}, got {number}")
        return number
    return parse


def parse_widths(text: str, argument: str = "--widths") -> list[int] | list[list[int]]:
    """"3,4,2" → [3, 4, 2]; "3,2,2/3,1,2" → [[3, 2, 2], [3, 1, 2]] (towers)."""
    towers = []
    for part in str(text).split("/"):
        items = [p.strip() for p in part.split(",")]
        if not part.strip() or any(not p for p in items):
            raise InputError(argument, f"expected comma-separated integers like 3,4,2, got {text!r}")
        try:
            widths = [int(p) for p in items]
        except ValueError:
            raise InputError(argument, f"expected comma-separated integers like 3,4,2, got {text!r}") from None
        if len(widths) < 2:
            raise InputError(argument, f"expected at least 2 widths (d0,...,dN), got {text!r}")
        if min(widths) < 1:
            raise InputError(argument, f"every width must be an integer >= 1, got {text!r}")
        towers.append(widths)
    return towers[0] if len(towers) == 1 else towers


def problem_options(func: Callable) -> Callable:
    """Add the shared problem flags (see the module docstring) to a click command."""
    choice = {"model": MODEL_KINDS, "activation": ACTIVATION_NAMES, "loss": LOSS_NAMES, "reduction": REDUCTIONS,
              "generator": GENERATORS, "layout": ("rows", "columns")}
    options = []
    for name, (_, help_text) in _FLAGS.items():
        flag = f"--{name.replace('_', '-')}"
        kwargs: dict[str, Any] = {"default": None, "help": help_text}
        if name in choice:
            kwargs["type"] = click.Choice(choice[name])
        elif name in ("samples",):
            kwargs["callback"] = _int_flag(flag, 1)
        elif name in ("data_seed", "seed"):
            kwargs["callback"] = _int_flag(flag, 0)
        elif name == "huber_delta":
            kwargs["type"] = float
        options.append(click.option(flag, name, **kwargs))
    options.append(click.option("--problem", "problem", default=None, metavar="FILE",
                                help="A problem.toml (as written beside every output); flags given too override it."))
    for option in reversed(options):
        func = option(func)
    return func


def json_option(func: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (for scripts).")(func)


def out_option(default: str) -> Callable[[Callable], Callable]:
    def add(func: Callable) -> Callable:
        return click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path(default),
                            show_default=True, help="Output folder (problem.toml is written there too).")(func)
    return add


def spec_from_flags(flags: dict[str, Any]) -> ProblemSpec:
    """The problem named by the flags: ``--problem`` file (if any) with the given flags on top; validated once.

    Pops the problem flags out of ``flags`` (the command's other options stay).
    """
    values = {name: flags.pop(name, None) for name in _FLAGS}
    problem = flags.pop("problem", None)
    raw: dict[str, Any] = {}
    if problem is not None:
        raw = read_problem(problem).to_dict()
    given = {name for name, value in values.items() if value is not None}
    if {"data", "generator"} <= given:
        raise InputError("--data", "give either --data FILE or --generator NAME, not both")
    if "widths" in given:
        widths = parse_widths(values["widths"])
        is_towers = bool(widths) and isinstance(widths[0], list)
        kind = values["model"] or raw.get("model", {}).get("kind", "deep-linear")
        if kind == "multi-tower":
            values["widths"], values["towers"] = None, widths if is_towers else [widths]
            given.discard("widths")
            raw.setdefault("model", {}).pop("widths", None)
            raw["model"]["towers"] = values["towers"]
        elif is_towers:
            raise InputError("--widths", "towers (split by '/') need --model multi-tower")
        else:
            values["widths"] = widths
            raw.setdefault("model", {}).pop("towers", None)
    if "target" in given:
        values["target"] = [t.strip() for t in values["target"].split(",")]
    _drop_conflicts(raw, given)
    for name in given:
        path, _ = _FLAGS[name]
        node = raw
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = values[name]
    if "model" not in raw or not ({"widths", "towers"} & set(raw["model"])):
        raise InputError("--widths", "expected --widths d0,...,dN (or --problem FILE)")
    try:
        return make_spec(raw)
    except InputError as exc:
        field = exc.argument
        flag = FLAG_OF_FIELD.get(field) or FLAG_OF_FIELD.get(field.rsplit(".", 1)[0]) or "--" + field
        name = flag[2:].replace("-", "_")
        if problem is not None and name not in given:
            raise InputError(f"--problem {problem}", f"{field}: {str(exc).split(': ', 1)[1]}") from None
        raise InputError(flag, str(exc).split(": ", 1)[1]) from None


def _drop_conflicts(raw: dict[str, Any], given: set[str]) -> None:
    """A flag given over a problem file replaces what it contradicts (a file by a generator, ...)."""
    data = raw.get("data", {})
    if "data" in given:
        for key in ("generator", "samples", "seed", "noise", "rank"):
            data.pop(key, None)
    if given & {"generator", "samples", "data_seed"}:
        for key in ("file", "layout", "target"):
            data.pop(key, None)
    if "generator" in given:
        for key in ("noise", "rank"):
            data.pop(key, None)
    model = raw.get("model", {})
    if "model" in given:
        for key in ("activation", "bias", "lam"):
            model.pop(key, None)
    if "loss" in given:
        raw.get("loss", {}).pop("delta", None)
        if "data" not in given and not data.get("file"):
            data.pop("generator", None)


# ---------------------------------------------------------------- output

def is_terminal() -> bool:
    return sys.stdout.isatty()


def emit_json(payload: Any) -> None:
    """Print ``payload`` as JSON (non-finite floats as null)."""
    click.echo(json.dumps(_clean(payload), indent=2, ensure_ascii=False, default=_default))


def _default(value: Any) -> Any:
    try:
        if isinstance(value, np.ndarray):
            return value.tolist()
        if isinstance(value, np.generic):
            return value.item()
    except ImportError:  # pragma: no cover
        pass
    return str(value)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """A table: rich box drawing on a terminal; plain left-aligned columns (two spaces apart) otherwise."""
    cells = [[_cell(v) for v in row] for row in rows]
    if is_terminal():
        table = Table(title=title)
        for c in columns:
            table.add_column(c)
        for row in cells:
            table.add_row(*row)
        Console().print(table)
        return
    if title:
        click.echo(title)
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.10g}"
    return "-" if value is None else str(value)


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """``with progress("find", 10) as advance: advance(1)`` — a rich bar on a terminal (stderr), else silent."""
    if not sys.stderr.isatty():
        yield lambda n=1: None
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


class CountingObjective:
    """A landscape's objective that reports its work (all else delegated), for progress displays.

    ``report(n)`` is called with the number of Hessian-vector products so far; ``on_value()``
    after each evaluation of Φ.
    """

    def __init__(self, inner: Any, report: Callable[[int], None] | None = None,
                 on_value: Callable[[], None] | None = None) -> None:
        self._inner = inner
        self.report = report
        self.on_value = on_value
        self.hvps = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def value(self, theta: Any) -> Any:
        out = self._inner.value(theta)
        if self.on_value is not None:
            self.on_value()
        return out

    def hvp(self, theta: Any, V: Any) -> Any:
        out = self._inner.hvp(theta, V)
        self.hvps += 1 if np.ndim(V) == 1 else int(np.shape(V)[0])
        if self.report is not None:
            self.report(self.hvps)
        return out


def status(message: str) -> None:
    """One progress line on stderr (kept short; for steps that cannot show a bar)."""
    click.echo(message, err=True)


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells, else os.cpu_count())."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def pin_blas() -> int:
    """The one BLAS-threads policy: ``SPURIOUS_BLAS_THREADS`` if set, else one thread per 2 usable cores, at most 4.

    Small dense problems on a loaded machine lose far more to oversubscription than they gain from
    threads (`DESIGN.md`, Numerics); returns the number of threads chosen.
    """
    text = os.environ.get("SPURIOUS_BLAS_THREADS")
    try:
        threads = int(text) if text else max(1, min(4, usable_cores() // 2))
    except ValueError:
        raise InputError("SPURIOUS_BLAS_THREADS", f"expected a positive integer, got {text!r}") from None
    if threads < 1:
        raise InputError("SPURIOUS_BLAS_THREADS", f"expected a positive integer, got {threads}")
    threadpool_limits(limits=threads)
    return threads
