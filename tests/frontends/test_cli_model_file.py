"""The CLI with --model-file net.py and --point weights.pt: classify, find, landscape, eigs."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from spurious.cli import main  # noqa: E402

NET = '''
import torch

def problem():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    g = torch.Generator().manual_seed(1)
    X = torch.randn(30, 2, generator=g)
    return net, torch.nn.MSELoss(), (X, torch.sin(2 * X[:, :1]))

def last_layer():
    module, loss_fn, data = problem()
    return {"module": module, "loss_fn": loss_fn, "data": data, "params": ["2.weight", "2.bias"]}
'''


@pytest.fixture()
def net_file(tmp_path):
    path = tmp_path / "net.py"
    path.write_text(NET)
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_classify_and_eigs_on_the_model_weights(net_file, tmp_path, capsys):
    code, out, _ = run(capsys, "classify", "--model-file", str(net_file), "--json")
    assert code == 0 and json.loads(out)["label"] == "not critical"
    code, out, _ = run(capsys, "eigs", "--model-file", str(net_file), "--trace", "--density", "--out",
                       str(tmp_path / "eigs"), "--json")
    payload = json.loads(out)
    assert code == 0 and payload["lambda_min"] <= payload["lambda_max"]
    assert (tmp_path / "eigs" / "density.png").exists()


def test_find_from_saved_weights_and_slice(net_file, tmp_path, capsys):
    module = {}
    exec(NET, module)  # noqa: S102 - the test's own model file
    net, _, _ = module["problem"]()
    torch.save(net.state_dict(), tmp_path / "weights.pt")
    weights = str(tmp_path / "weights.pt")
    code, out, _ = run(capsys, "find", "--model-file", f"{net_file}:last_layer", "--point", weights,
                       "--starts", "2", "--iterations", "30", "--out", str(tmp_path / "found"), "--json")
    runs = json.loads(out)["runs"]
    assert code == 0 and runs[0]["status"] == "converged" and runs[0]["label"] == "local minimum"
    code, out, _ = run(capsys, "landscape", "--model-file", str(net_file), "--point", weights,
                       "--dims", "1", "--n", "5", "--out", str(tmp_path / "slice"))
    assert code == 0 and (tmp_path / "slice" / "slice.png").exists()


def test_bad_model_files_are_one_line_errors(tmp_path, capsys):
    code, _, err = run(capsys, "classify", "--model-file", str(tmp_path / "missing.py"))
    assert code == 2 and err.startswith("error: --model-file")
    bad = tmp_path / "bad.py"
    bad.write_text("def problem():\n    return 3\n")
    code, _, err = run(capsys, "eigs", "--model-file", str(bad))
    assert code == 2 and "expected (module, loss_fn, data)" in err and len(err.strip().splitlines()) == 1
