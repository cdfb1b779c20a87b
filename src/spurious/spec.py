"""The problem spec: one typed description of a landscape, its validator, its builder, its TOML form.

A :class:`ProblemSpec` names everything that fixes the function Φ(θ) a command studies:

- ``model``: kind (deep-linear, linear-resnet, multi-tower, mlp, exp-neuron), widths (d₀, …, d_N)
  or towers, and the options of the kind (activation, bias, λ);
- ``loss``: name (squared, logistic, cross-entropy, huber, tilted-double-well), reduction
  (sum | mean | mean-all), Huber's δ, the double well's tilt;
- ``data``: a generator (gaussian teacher, …) with samples, seed and noise, *or* a file
  (see :func:`spurious.load_data`) with its layout and target columns, *or* the arrays X, Y
  themselves, *or* a population y = Rx + ε given by R, Σ and the noise variance (project report);
- ``seed``: the seed of random starts and of the mixing of analytic points (it does not change Φ).

Validation is pydantic's (v2): every bad field gives one :class:`~spurious.errors.InputError`
naming the field (``model.widths``), the value and what is expected. :func:`build_landscape`
is the one builder (spec → :class:`~spurious.landscape.Landscape`) used by every command and
the sweep grid; :func:`write_problem` / :func:`read_problem` are the TOML form
(``problem.toml`` beside every output), so any output can be reopened.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .data import (
    Dataset,
    Population,
    gaussian_teacher,
    logistic_teacher,
    network_teacher,
    population,
    rank_deficient_teacher,
    repeated_eigenvalue_teacher,
    softmax_teacher,
    whitened_teacher,
)
from .errors import InputError
from .io import load_data
from .landscape import Landscape
from .losses import LOSSES, Loss
from .models import MLP, DeepLinear, ExpNeuron, LinearResNet, MultiTower, ReluPopulation

__all__ = ["ProblemSpec", "ModelSpec", "LossSpec", "DataSpec", "MODEL_KINDS", "GENERATORS", "LOSS_NAMES",
           "REDUCTIONS", "ACTIVATION_NAMES", "make_spec", "as_spec", "build_landscape", "build_model",
           "build_loss", "build_data", "start_point", "write_problem", "read_problem", "to_toml",
           "PROBLEM_FILE", "check_data_fits", "PopulationSpec", "data_section",
           "loss_section"]

PROBLEM_FILE = "problem.toml"

ModelKind = Literal["deep-linear", "linear-resnet", "multi-tower", "mlp", "exp-neuron", "relu-population"]
GeneratorName = Literal["gaussian", "whitened", "rank-deficient", "repeated-eigenvalue", "logistic", "softmax",
                        "network-teacher"]
LossName = Literal["squared", "logistic", "cross-entropy", "huber", "tilted-double-well"]
Reduction = Literal["sum", "mean", "mean-all"]
ActivationName = Literal["identity", "sigmoid", "tanh", "relu", "softplus"]

MODEL_KINDS: tuple[str, ...] = ModelKind.__args__  # type: ignore[attr-defined]
GENERATORS: tuple[str, ...] = GeneratorName.__args__  # type: ignore[attr-defined]
LOSS_NAMES: tuple[str, ...] = LossName.__args__  # type: ignore[attr-defined]
REDUCTIONS: tuple[str, ...] = Reduction.__args__  # type: ignore[attr-defined]
ACTIVATION_NAMES: tuple[str, ...] = ActivationName.__args__  # type: ignore[attr-defined]

Width = Annotated[int, Field(strict=True, ge=1)]
Count = Annotated[int, Field(strict=True, ge=1)]
Seed = Annotated[int, Field(strict=True, ge=0)]
Positive = Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Matrix = tuple[tuple[Finite, ...], ...]

LINEAR_KINDS = ("deep-linear", "linear-resnet", "multi-tower")
DEFAULT_SAMPLES = 100
DEFAULT_NOISE = 0.1
NOISY_GENERATORS = ("gaussian", "whitened", "rank-deficient", "network-teacher")
TEACHER_KINDS = ("mlp", "exp-neuron")  # models whose network can produce the targets of network-teacher
#: The teacher network sits at start_point(seed + TEACHER_SEED_OFFSET): a different draw from the random starts.
TEACHER_SEED_OFFSET = 7919
DEFAULT_ACTIVATION = "tanh"
GENERATOR_FOR_LOSS = {"squared": "gaussian", "huber": "gaussian", "tilted-double-well": "gaussian",
                      "logistic": "logistic", "cross-entropy": "softmax"}

_STRICT = ConfigDict(extra="forbid", validate_default=True)


class ModelSpec(BaseModel):
    """The network: ``kind`` with ``widths`` (d₀, …, d_N), or ``towers`` (multi-tower).

    linear-resnet: all widths equal (d, …, d), depth = len(widths) − 1. exp-neuron: an MLP with
    scalar output (d_N = 1) plus the exponential neuron with penalty ``lam``·a² (MIPT homework Problem 4).
    ``activation`` and ``bias`` apply to mlp and exp-neuron only. relu-population: widths (k, n, 1),
    n ReLU neurons fitting the orthonormal teacher I_k on x ~ N(0, I_k) in closed form (SS18; squared
    loss only; the data section is not used).
    """

    model_config = _STRICT
    kind: ModelKind = "deep-linear"
    widths: tuple[Width, ...] | None = None
    towers: tuple[tuple[Width, ...], ...] | None = None
    activation: ActivationName | None = None
    bias: Annotated[bool, Field(strict=True)] | None = None
    lam: Positive | None = None

    @model_validator(mode="after")
    def _fits_kind(self) -> ModelSpec:
        if self.kind == "multi-tower":
            _require(self.towers is not None and len(self.towers) >= 1, "towers",
                     "a multi-tower model needs towers = [[d0, ..., dN], ...]", self.towers)
            _require(self.widths is None, "widths", "a multi-tower model takes towers, not widths", self.widths)
            for i, tower in enumerate(self.towers or ()):
                _require(len(tower) >= 2, f"towers.{i}", "expected at least 2 widths (d0, ..., dN)", tower)
            ends = {(t[0], t[-1]) for t in self.towers or ()}
            _require(len(ends) == 1, "towers", "every tower needs the same d0 and dN", self.towers)
        else:
            _require(self.towers is None, "towers", f"towers apply to multi-tower only, not {self.kind}",
                     self.towers)
            _require(self.widths is not None, "widths", "expected widths d0,...,dN", None)
            _require(len(self.widths or ()) >= 2, "widths", "expected at least 2 widths (d0, ..., dN)", self.widths)
        if self.kind == "linear-resnet":
            _require(len(set(self.widths or ())) == 1, "widths",
                     "a linear ResNet maps R^d to R^d: every width must be the same d", self.widths)
        if self.kind == "exp-neuron":
            _require((self.widths or (0,))[-1] == 1, "widths",
                     "the exponential neuron needs a scalar output (last width 1)", self.widths)
        else:
            _require(self.lam is None, "lam", f"lam applies to exp-neuron only, not {self.kind}", self.lam)
        if self.kind == "relu-population":
            _require(len(self.widths or ()) == 3 and (self.widths or (0,))[-1] == 1, "widths",
                     "relu-population takes widths (k, n, 1): k teacher neurons in R^k, n student neurons",
                     self.widths)
        if self.kind in (*LINEAR_KINDS, "relu-population"):
            _require(self.activation is None, "activation",
                     f"activation applies to mlp and exp-neuron only, not {self.kind}", self.activation)
            _require(self.bias is None, "bias", f"bias applies to mlp and exp-neuron only, not {self.kind}",
                     self.bias)
        return self

    @property
    def d_in(self) -> int:
        return (self.towers[0] if self.towers else self.widths or (0,))[0]

    @property
    def d_out(self) -> int:
        return (self.towers[0] if self.towers else self.widths or (0,))[-1]


class LossSpec(BaseModel):
    """The loss: ``name``, ``reduction`` (sum; mean over samples; mean-all over every output entry,
    PyTorch's ``MSELoss`` default), Huber's ``delta`` and the tilted double well's ``tilt``."""

    model_config = _STRICT
    name: LossName = "squared"
    reduction: Reduction = "sum"
    delta: Positive | None = None
    tilt: Annotated[float, Field(strict=True, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _options_of_the_loss(self) -> LossSpec:
        _require(self.delta is None or self.name == "huber", "delta", "delta applies to the huber loss only",
                 self.delta)
        _require(self.tilt is None or self.name == "tilted-double-well", "tilt",
                 "tilt applies to the tilted-double-well loss only", self.tilt)
        return self


class PopulationSpec(BaseModel):
    """A population y = R x + ε, E[x xᵀ] = Σ (identity when not given), ε ~ N(0, noise_var·I),
    given by its second moments (project report); only the squared loss is defined on it."""

    model_config = _STRICT
    R: Matrix
    Sigma: Matrix | None = None
    noise_var: NonNegative = 1.0

    @model_validator(mode="after")
    def _shapes(self) -> PopulationSpec:
        rows, cols = _matrix_shape(self.R, "R")
        if self.Sigma is not None:
            _require(_matrix_shape(self.Sigma, "Sigma") == (cols, cols), "Sigma",
                     f"expected a {cols}×{cols} matrix (R has {cols} columns)", _shape_text(self.Sigma))
        return self


GENERATED_FIELDS = ("generator", "samples", "seed", "noise", "rank")


class DataSpec(BaseModel):
    """Data, one of: a ``file`` (with ``layout`` and ``target``); the arrays ``X`` and ``Y``
    themselves (samples as rows unless ``layout = "columns"``); a ``population`` (R, Σ, noise
    variance); or a ``generator`` (with ``samples``, ``seed``, ``noise``, and ``rank`` for
    rank-deficient). When none is given, the generator fitting the loss (gaussian; logistic for
    the logistic loss; softmax for cross-entropy)."""

    model_config = _STRICT
    file: str | None = None
    X: Matrix | None = None
    Y: Matrix | None = None
    population: PopulationSpec | None = None
    layout: Literal["rows", "columns"] | None = None
    target: tuple[str, ...] | None = None
    generator: GeneratorName | None = None
    samples: Count | None = None
    seed: Seed | None = None
    noise: NonNegative | None = None
    rank: Count | None = None

    @property
    def source(self) -> str:
        """Where the data comes from: "file", "arrays", "population" or "generator"."""
        if self.file is not None:
            return "file"
        if self.X is not None or self.Y is not None:
            return "arrays"
        return "population" if self.population is not None else "generator"

    @model_validator(mode="after")
    def _one_source(self) -> DataSpec:
        given = [name for name, ok in (("file", self.file is not None), ("X", self.X is not None or
                 self.Y is not None), ("population", self.population is not None)) if ok]
        _require(len(given) <= 1, given[-1] if given else "data", "give one data source (file, X and Y, "
                 "population or generator)", " and ".join(given))
        if self.source != "generator":
            for name in GENERATED_FIELDS:
                _require(getattr(self, name) is None, name, f"applies to generated data, not to {self.source} data",
                         getattr(self, name))
        if self.source == "file":
            _require(bool((self.file or "").strip()), "file", "expected a path", self.file)
        else:
            _require(self.target is None, "target", "applies to a data file (give file too)", self.target)
        if self.source == "arrays":
            self._check_arrays()
        elif self.source != "file":
            _require(self.layout is None, "layout", "applies to a data file or to arrays X, Y", self.layout)
        if self.source in ("file", "arrays") and self.layout is None:
            self.layout = "rows"
        _require(self.rank is None or self.generator == "rank-deficient", "rank",
                 "rank applies to the rank-deficient generator only", self.rank)
        return self

    @property
    def samples_given(self) -> int | None:
        """The number of samples in the arrays X, Y (None for other sources)."""
        if self.source != "arrays" or not self.X:
            return None
        return len(self.X[0]) if self.layout == "columns" else len(self.X)

    def _check_arrays(self) -> None:
        _require(self.X is not None, "X", "the arrays need X as well as Y", None)
        _require(self.Y is not None, "Y", "the arrays need Y as well as X", None)
        x_shape, y_shape = _matrix_shape(self.X or (), "X"), _matrix_shape(self.Y or (), "Y")
        axis = 1 if self.layout == "columns" else 0
        _require(x_shape[axis] == y_shape[axis], "Y",
                 f"expected {x_shape[axis]} samples (as X; layout {self.layout or 'rows'}), got shape {y_shape}",
                 _shape_text(self.Y))


class ProblemSpec(BaseModel):
    """model + loss + data (+ the seed of random starts): everything that fixes the landscape."""

    model_config = _STRICT
    model: ModelSpec
    loss: LossSpec = Field(default_factory=LossSpec)
    data: DataSpec = Field(default_factory=DataSpec)
    seed: Seed = 0

    @model_validator(mode="after")
    def _consistent(self) -> ProblemSpec:
        d_out = self.model.d_out
        if self.loss.name == "logistic":
            _require(d_out == 1, "loss.name", f"the logistic loss needs one output (last width 1), got {d_out}",
                     self.loss.name)
        if self.loss.name == "cross-entropy":
            _require(d_out >= 2, "loss.name", f"cross-entropy needs at least 2 outputs (classes), got {d_out}",
                     self.loss.name)
        data = self.data
        if data.source == "population":
            _require(self.loss.name == "squared", "loss.name",
                     "a population defines the squared loss only (through its second moments)", self.loss.name)
        if data.source == "generator":
            if data.generator is None:
                data.generator = GENERATOR_FOR_LOSS[self.loss.name]  # type: ignore[assignment]
            data.samples = DEFAULT_SAMPLES if data.samples is None else data.samples
            data.seed = 0 if data.seed is None else data.seed
            if data.generator in NOISY_GENERATORS:
                data.noise = DEFAULT_NOISE if data.noise is None else data.noise
            else:
                _require(data.noise is None, "data.noise", f"the {data.generator} generator takes no noise",
                         data.noise)
            _check_generator(self.model, data)
        if self.model.kind == "relu-population":
            _require(self.loss.name == "squared", "loss.name",
                     "relu-population is the squared population loss (SS18)", self.loss.name)
        if self.model.kind in ("mlp", "exp-neuron"):
            self.model.activation = self.model.activation or DEFAULT_ACTIVATION  # type: ignore[assignment]
            self.model.bias = True if self.model.bias is None else self.model.bias
        if self.model.kind == "exp-neuron" and self.model.lam is None:
            self.model.lam = 1.0
        return self

    # ---------------------------------------------------------------- forms

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain data (None fields left out): the TOML form's structure."""
        return self.model_dump(mode="json", exclude_none=True)

    def digest(self) -> str:
        """A short hash of the spec (16 hex digits of SHA-256 of its canonical JSON)."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def describe(self) -> str:
        """One line: kind, widths, loss/reduction, data."""
        m = self.model
        arch = "+".join(",".join(map(str, t)) for t in m.towers) if m.towers else ",".join(map(str, m.widths or ()))
        extra = f" {m.activation}" if m.activation else ""
        d = self.data
        data = {"file": f"file {d.file}", "arrays": f"arrays X, Y (m={d.samples_given})",
                "population": "population(R, Σ)"}.get(d.source, f"{d.generator}(m={d.samples}, seed={d.seed})")
        return f"{m.kind}({arch}){extra}; {self.loss.name}/{self.loss.reduction}; {data}"


def _require(ok: bool, field: str, message: str, value: object) -> None:
    """Inside validators: raise the ValueError pydantic turns into a field error."""
    if not ok:
        raise ValueError(f"[{field}] {message}, got {value!r}")


def _matrix_shape(rows: Matrix, field: str) -> tuple[int, int]:
    """(rows, columns) of a nested-sequence matrix; ValueError naming ``field`` when it is empty or ragged."""
    _require(len(rows) >= 1 and len(rows[0]) >= 1, field, "expected a non-empty matrix (a list of rows)",
             _shape_text(rows))
    _require(all(len(r) == len(rows[0]) for r in rows), field, "expected rows of equal length", _shape_text(rows))
    return len(rows), len(rows[0])


def _shape_text(rows: Matrix | None) -> str:
    """The row lengths of a matrix, for messages (the matrix itself may be large)."""
    return "None" if rows is None else f"{len(rows)} row(s) of length(s) {sorted({len(r) for r in rows})}"


def _check_generator(model: ModelSpec, data: DataSpec) -> None:
    d_in, d_out = model.d_in, model.d_out
    gen = data.generator
    if gen == "logistic":
        _require(d_out == 1, "data.generator", f"logistic data has one output, the last width is {d_out}", gen)
    if gen == "softmax":
        _require(d_out >= 2, "data.generator", f"softmax data needs at least 2 classes (last width), got {d_out}",
                 gen)
    if gen in ("whitened", "repeated-eigenvalue"):
        _require((data.samples or 0) >= d_in, "data.samples",
                 f"whitened inputs need samples >= d0 = {d_in}", data.samples)
    if gen == "network-teacher":
        _require(model.kind in TEACHER_KINDS, "data.generator",
                 f"network-teacher needs a model with a nonlinear network ({' or '.join(TEACHER_KINDS)}; for a "
                 f"linear model the gaussian generator is already a realisable teacher), not {model.kind}", gen)
    if gen == "rank-deficient" and data.rank is not None:
        _require(data.rank <= d_in, "data.rank", f"expected rank <= d0 = {d_in}", data.rank)


# ---------------------------------------------------------------- validation entry points

def make_spec(raw: Mapping[str, Any] | None = None, /, **fields: Any) -> ProblemSpec:
    """Validate plain data (the TOML structure, or keyword sections) into a :class:`ProblemSpec`.

    Raises :class:`InputError` naming the first bad field (``model.widths``, ``data.samples``, …),
    its value and what is expected.
    """
    data = dict(raw or {}) | fields
    if not isinstance(raw, Mapping | None):
        raise InputError("spec", f"expected a mapping (model, loss, data, seed), got {type(raw).__name__}")
    try:
        return ProblemSpec.model_validate(data)
    except ValidationError as exc:
        raise spec_error(exc) from None


def spec_error(exc: ValidationError) -> InputError:
    """The first error of a pydantic ValidationError as one InputError(field, message)."""
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in err["loc"])
    message = str(err["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if message.startswith("["):
        inner, _, message = message[1:].partition("] ")
        loc = _join(loc, inner)
        return InputError(loc, message)
    if err["type"] == "missing":
        return InputError(loc, "missing (required)")
    if err["type"] == "extra_forbidden":
        return InputError(loc, "unknown field")
    return InputError(loc, f"{message[:1].lower()}{message[1:]}, got {err.get('input')!r}")


def _join(loc: str, inner: str) -> str:
    """Join the validator's location and the field it names (``data`` + ``data.noise`` → ``data.noise``)."""
    if not loc or inner.startswith(loc.split(".")[0] + ".") or inner == loc:
        return inner
    return f"{loc}.{inner}"


def as_spec(spec: object, argument: str = "spec") -> ProblemSpec:
    """A ProblemSpec from a spec, a mapping, or a path to a problem.toml."""
    if isinstance(spec, ProblemSpec):
        return spec
    if isinstance(spec, Mapping):
        return make_spec(spec)
    if isinstance(spec, str | Path):
        return read_problem(spec)
    raise InputError(argument, f"expected a ProblemSpec, a mapping or a problem.toml path, got {type(spec).__name__}")


# ---------------------------------------------------------------- the builder

def build_model(model: ModelSpec):
    """The model object named by ``model`` (DeepLinear, LinearResNet, MultiTower, MLP, ExpNeuron)."""
    widths = tuple(model.widths or ())
    if model.kind == "relu-population":
        return ReluPopulation(widths[0], widths[1], widths[0])
    if model.kind == "deep-linear":
        return DeepLinear(widths)
    if model.kind == "linear-resnet":
        return LinearResNet(widths[0], len(widths) - 1)
    if model.kind == "multi-tower":
        return MultiTower([tuple(t) for t in model.towers or ()])
    mlp = MLP(widths, model.activation or DEFAULT_ACTIVATION, bias=True if model.bias is None else model.bias)
    if model.kind == "mlp":
        return mlp
    return ExpNeuron(mlp, 1.0 if model.lam is None else model.lam)


def build_loss(loss: LossSpec) -> Loss:
    """The loss object: name, reduction (sum | mean | mean-all) and Huber's δ."""
    options: dict[str, Any] = {"reduction": loss.reduction}
    if loss.delta is not None:
        options["delta"] = loss.delta
    if loss.tilt is not None:
        options["tilt"] = loss.tilt
    return LOSSES[loss.name](**options)


def build_data(spec: ProblemSpec, base: Path | None = None) -> Dataset | Population:
    """The data of the spec: read from the file (relative to ``base``), the arrays given, the
    population given, or drawn by the generator."""
    d = spec.data
    if d.source == "file":
        path = Path(str(d.file))
        if base is not None and not path.is_absolute():
            path = base / path
        return load_data(str(path), target=d.target, layout=d.layout or "rows", argument="data.file")
    if d.source == "arrays":
        X, Y = np.array(d.X, dtype=np.float64), np.array(d.Y, dtype=np.float64)
        return Dataset(X, Y) if d.layout == "columns" else Dataset(X.T, Y.T)
    if d.source == "population":
        return _population(d.population)
    d_in, d_out = spec.model.d_in, spec.model.d_out
    m, seed = int(d.samples or DEFAULT_SAMPLES), int(d.seed or 0)
    noise = DEFAULT_NOISE if d.noise is None else float(d.noise)
    if d.generator == "gaussian":
        return gaussian_teacher(d_in, d_out, m, noise=noise, seed=seed)
    if d.generator == "whitened":
        return whitened_teacher(d_in, d_out, m, noise=noise, seed=seed)
    if d.generator == "rank-deficient":
        return rank_deficient_teacher(d_in, d_out, m, d.rank or max(1, d_in // 2), noise, seed)
    if d.generator == "repeated-eigenvalue":
        return repeated_eigenvalue_teacher(d_in, d_out, m, seed=seed)
    if d.generator == "logistic":
        return logistic_teacher(d_in, m, seed=seed)
    if d.generator == "network-teacher":
        return _network_teacher_data(spec.model, m, noise, seed)
    return softmax_teacher(d_in, d_out, m, seed=seed)


def _network_teacher_data(model: ModelSpec, m: int, noise: float, seed: int) -> Dataset:
    """Targets of a teacher network of the model's own architecture (for exp-neuron: its MLP) at its
    seeded random point ``random_point(seed + TEACHER_SEED_OFFSET)`` (entries' std 1/√fan-in)."""
    net = build_model(model)
    if isinstance(net, ExpNeuron):
        net = net.model
    theta = net.random_point(seed + TEACHER_SEED_OFFSET)
    return network_teacher(lambda X: net.outputs(theta, X), model.d_in, model.d_out, m, noise, seed)


def _population(p: PopulationSpec | None) -> Population:
    """The Population of the spec (Σ symmetric PSD is checked here: InputError naming data.population.Σ)."""
    assert p is not None
    Sigma = None if p.Sigma is None else np.array(p.Sigma, dtype=np.float64)
    try:
        return population(np.array(p.R, dtype=np.float64), Sigma, p.noise_var)
    except InputError as exc:
        raise InputError(f"data.population.{exc.argument}", str(exc).removeprefix(f"{exc.argument}: ")) from None


def data_section(data: Dataset | Population) -> dict[str, Any]:
    """The spec's data section holding these data exactly (arrays in the library's layout, d × m).

    ``make_spec(model=…, data=data_section(D))`` describes a landscape on in-memory data, so it can
    be written out as problem.toml (floats round-trip exactly through TOML).
    """
    if isinstance(data, Population):
        return {"population": {"R": data.R.tolist(), "Sigma": data.Sigma.tolist(), "noise_var": float(data.noise_var)}}
    if isinstance(data, Dataset):
        return {"X": data.X.tolist(), "Y": data.Y.tolist(), "layout": "columns"}
    raise InputError("data", f"expected a Dataset or Population, got {type(data).__name__}")


def loss_section(loss: Loss) -> dict[str, Any]:
    """The spec's loss section of a loss object (name, reduction, and δ or tilt where the loss has them)."""
    if not isinstance(loss, Loss) or loss.name not in LOSSES:
        raise InputError("loss", f"expected one of the losses {sorted(LOSSES)}, got {loss!r}")
    options = {k: float(v) for k, v in vars(loss).items() if k in ("delta", "tilt")}
    return {"name": loss.name, "reduction": loss.reduction} | options


def check_data_fits(spec: ProblemSpec, data: Dataset | Population) -> None:
    """InputError when the data's shapes do not fit the model's input/output widths."""
    m = spec.model
    if data.d_in != m.d_in:
        raise InputError("data", f"X has {data.d_in} feature(s) per sample but the first width d0 is {m.d_in} "
                         f"(set --widths {data.d_in},...,{data.d_out})")
    if data.d_out != m.d_out:
        raise InputError("data", f"Y has {data.d_out} target(s) per sample but the last width dN is {m.d_out} "
                         f"(set --widths {data.d_in},...,{data.d_out})")


def build_landscape(spec: ProblemSpec | Mapping[str, Any] | str | Path, *, base: Path | None = None,
                    data: Dataset | None = None) -> Landscape:
    """spec → Landscape: the one builder. ``data`` overrides the spec's data (already loaded)."""
    spec = as_spec(spec)
    dataset = build_data(spec, base) if data is None else data
    if not isinstance(dataset, Dataset | Population):
        raise InputError("data", f"expected a Dataset or Population, got {type(dataset).__name__}")
    check_data_fits(spec, dataset)
    return Landscape(build_model(spec.model), build_loss(spec.loss), dataset)


def start_point(landscape: Landscape, seed: int, scale: float | None = None) -> np.ndarray:
    """A seeded random start of the landscape's model (scale: entries' std; ResNet: the radius τ)."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError("seed", f"expected a non-negative integer, got {seed!r}")
    if scale is not None and (isinstance(scale, bool) or not np.isfinite(scale) or scale <= 0):
        raise InputError("scale", f"expected a finite number > 0, got {scale!r}")
    model = landscape.model
    if isinstance(model, LinearResNet):
        return model.random_point(seed, 0.5 if scale is None else scale)
    return model.random_point(seed, scale)


# ---------------------------------------------------------------- TOML

def to_toml(spec: ProblemSpec) -> str:
    """The TOML text of a spec (data file paths as given)."""
    return tomli_w.dumps(spec.to_dict())


def write_problem(spec: ProblemSpec, folder: str | Path) -> Path:
    """Write ``folder/problem.toml`` (data file made absolute, so the output can be reopened anywhere)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if spec.data.file is not None:
        spec = spec.model_copy(deep=True)
        spec.data.file = str(Path(spec.data.file).resolve())
    header = ("# The problem these results belong to (spurious problem spec).\n"
              f"# Reopen with: spurious classify --problem {folder / PROBLEM_FILE} --point FILE.npy\n")
    path = folder / PROBLEM_FILE
    path.write_text(header + to_toml(spec), encoding="utf-8")
    return path


def read_problem(path: str | Path, argument: str = "--problem") -> ProblemSpec:
    """Read a problem.toml (a data file path is taken relative to the TOML's folder)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(argument, f"no such file {str(path)!r}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(argument, f"cannot read {str(path)!r} ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(argument, f"{path.name} is not valid TOML ({exc})") from None
    file = raw.get("data", {}).get("file") if isinstance(raw.get("data"), dict) else None
    if isinstance(file, str) and file and not Path(file).is_absolute():
        raw["data"]["file"] = str(path.parent / file)
    try:
        return make_spec(raw)
    except InputError as exc:
        raise InputError(argument, f"{path.name}: {exc}") from None
