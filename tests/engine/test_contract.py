"""engine.contract is the single description of requests, results and the worker protocol: every engine side
(AnalysisRequest, `mtrs predict`, the worker, the aligner, the error classes) must match it, and it must stay
importable by QGIS's Python (standard library only)."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from engine import contract
from engine.commands import predict
from engine.contract import REQUEST, REQUEST_FIELDS, REQUEST_NAMES, REQUIRED

CONTRACT_FILE = Path(contract.__file__)


def test_contract_imports_only_the_standard_library() -> None:
    tree = ast.parse(CONTRACT_FILE.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative imports would tie the contract to one package layout"
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
    # and for real: importing it (through the engine package) loads neither torch, numpy nor qgis
    code = (
        "import sys; import engine.contract; "
        "print(sorted(m for m in ('torch', 'numpy', 'qgis', 'rasterio') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_analysis_request_fields_and_defaults_are_the_contracts() -> None:
    from engine.pipeline.request import AnalysisRequest

    fields = dataclasses.fields(AnalysisRequest)
    assert tuple(f.name for f in fields) == REQUEST_NAMES
    for f in fields:
        spec = REQUEST[f.name]
        if spec.default is REQUIRED:
            assert f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING, f.name
        elif f.default_factory is not dataclasses.MISSING:
            assert f.default_factory() == list(spec.default), f.name
        else:
            assert f.default == spec.default, f.name


def test_result_fields_are_the_contracts() -> None:
    from engine.pipeline.request import AnalysisResult

    assert tuple(f.name for f in dataclasses.fields(AnalysisResult)) == tuple(contract.RESULT_FIELDS)


def _predict_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mtrs predict")
    predict.configure(parser)
    return parser


def test_every_request_field_is_one_predict_argument_built_from_the_contract() -> None:
    actions = {a.dest: a for a in _predict_parser()._actions}
    for spec in REQUEST_FIELDS:
        action = actions[spec.name]  # one argument per field, its dest the field name
        assert tuple(action.option_strings) == (spec.cli if spec.cli[0].startswith("-") else ()), spec.name
        if not action.option_strings:
            continue
        if spec.kind == "bool":
            assert action.default is False and action.nargs == 0, spec.name
        elif spec.cli_required:
            assert action.required, spec.name
        elif spec.kind in ("int", "number", "str") and not spec.cli_text:
            assert action.default == spec.default, spec.name
            assert action.type is {"int": int, "number": float, "str": str}[spec.kind], spec.name
        for choice in spec.choices if spec.cli_help is None else ():
            assert choice in action.help, (spec.name, choice)
    # nothing else but the two CLI-only options
    extra = {a.dest for a in _predict_parser()._actions} - set(REQUEST_NAMES) - {"help"}
    assert extra == {"prompts_file", "quiet"}


def test_predict_builds_the_request_the_contract_describes(tmp_path) -> None:
    from engine.pipeline.request import AnalysisRequest

    prompts_file = tmp_path / "prompts.txt"
    prompts_file.write_text("# comment\nnew roads\n", encoding="utf-8")
    args = _predict_parser().parse_args(
        [
            *("a.tif", "b.tif", "-o", "out.gpkg", "--prompt", "new buildings"),
            *("--prompts", str(prompts_file)),
            *("--bands-later", "3,2,1", "--extent", "1,2,3,4,EPSG:32615", "--device", "mps", "--tile", "512"),
            *("--presence-threshold", "0", "--resampling", "cubic", "--overwrite"),
        ]
    )
    request = predict.build_request(args)
    assert request.prompts == ["new buildings", "new roads"]
    assert request.bands_later == [3, 2, 1] and request.bands_earlier is None
    assert request.extent == [1.0, 2.0, 3.0, 4.0] and request.extent_crs == "EPSG:32615"
    assert (request.device, request.tile, request.resampling) == ("mps", 512, "cubic")
    assert request.presence_threshold == 0.0 and request.overwrite is True
    request.validate()
    defaults = predict.build_request(_predict_parser().parse_args(["a.tif", "b.tif", "-o", "o.gpkg"]))
    plain = AnalysisRequest(earlier="a.tif", later="b.tif", output="o.gpkg")
    assert defaults == plain


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("threshold", 0.0, "threshold must be in (0, 1]"),
        ("threshold", 1.5, "threshold must be in (0, 1]"),
        ("presence_threshold", 1.0, "presence threshold must be in [0, 1)"),
        ("presence_threshold", -0.1, "presence threshold must be in [0, 1)"),
        ("tile", 100, "tile must be a multiple of 32 between 32 and 8192"),
        ("tile", 8224, "tile must be a multiple of 32 between 32 and 8192"),
        ("overlap", -1, "overlap must not be negative"),
        ("min_area", -5.0, "must not be negative"),
        ("batch_size", 0, "batch size must be at least 1"),
        ("device", "tpu", "unknown device"),
        ("device", "cuda:x", "unknown device"),
        ("resampling", "fancy", "unknown resampling"),
    ],
)
def test_validation_ranges_come_from_the_contract(field, value, message) -> None:
    from engine.errors import InputError
    from engine.pipeline.request import AnalysisRequest

    request = AnalysisRequest(earlier="a.tif", later="b.tif", prompts=["x"], **{field: value})
    with pytest.raises(InputError) as err:
        request.validate()
    assert message in err.value.message
    assert contract.problem(field, value) is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("threshold", 1.0),
        ("presence_threshold", 0.0),
        ("tile", 8192),
        ("device", "mps"),
        ("device", "cuda:1"),
        *(("resampling", m) for m in contract.RESAMPLING_METHODS),
    ],
)
def test_allowed_edge_values_pass(field, value) -> None:
    from engine.pipeline.request import AnalysisRequest

    AnalysisRequest(earlier="a.tif", later="b.tif", prompts=["x"], **{field: value}).validate()
    assert contract.problem(field, value) is None


def test_resampling_methods_are_rasterio_names() -> None:
    from rasterio.enums import Resampling

    for name in contract.RESAMPLING_METHODS:
        assert Resampling[name].name == name


def test_worker_and_aligner_use_the_contract() -> None:
    from engine import worker
    from engine.errors import MtrsError
    from engine.geo import align

    assert worker.PROTOCOL == contract.PROTOCOL_VERSION
    assert set(worker._ALIGN_TYPES) <= set(contract.ALIGNMENT_PARAMS)
    handled = {name[4:] for name in dir(worker.Worker) if name.startswith("cmd_")}
    assert handled | {contract.Command.CANCEL, contract.Command.SHUTDOWN} == set(contract.COMMANDS)
    assert align.RESOLUTION_NOTE_RATIO == contract.RESOLUTION_NOTE_RATIO
    assert align.GRID_TOLERANCE_PX == contract.GRID_TOLERANCE_PX

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    codes = {MtrsError.code} | {c.code for c in subclasses(MtrsError)}
    assert codes <= set(contract.ENGINE_ERROR_CODES), codes - set(contract.ENGINE_ERROR_CODES)


def test_worker_check_alignment_answers_the_contract_fields(tmp_path) -> None:
    import numpy as np
    from affine import Affine

    from engine import worker
    from tests.conftest import write_geotiff

    data = np.random.default_rng(0).integers(0, 255, (3, 64, 64)).astype(np.uint8)
    a = write_geotiff(tmp_path / "a.tif", data, transform=Affine(0.5, 0, 500000, 0, -0.5, 4100000))
    b = write_geotiff(tmp_path / "b.tif", data, transform=Affine(1.0, 0, 500000, 0, -1.0, 4100000))
    result = worker.check_alignment({"earlier": str(a), "later": str(b), "tile": None, "resampling": None})
    assert tuple(result) == contract.ALIGNMENT_RESULT_FIELDS
    assert result["resolution_ratio"] == pytest.approx(2.0)
    assert result["overlap_area_m2"] == pytest.approx(32 * 32) and result["tiles_estimate"] == 1
    assert any("resolutions differ" in w for w in result["warnings"])  # 2 > RESOLUTION_NOTE_RATIO


def test_request_params_refuses_a_misspelt_key() -> None:
    assert contract.request_params(earlier="a", threshold=0.3) == {"earlier": "a", "threshold": 0.3}
    with pytest.raises(KeyError, match="treshold"):
        contract.request_params(earlier="a", treshold=0.3)


def test_widget_ranges() -> None:
    assert contract.ui_range("threshold") == (0.01, 1.0)
    assert contract.ui_range("presence_threshold") == (0.0, 0.99)
    assert contract.ui_range("tile") == (0, contract.MAX_TILE)  # 0 stands for "the model's size"
    assert "mps" in contract.DEVICES and contract.is_device("cuda:0") and not contract.is_device("gpu")
