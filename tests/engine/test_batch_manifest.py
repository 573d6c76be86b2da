"""`mtrs batch` manifests → work items: the three formats agree, values are typed, relative paths follow the
manifest, command-line defaults fill the gaps, every bad row is named by file, line and column before any
work, and the resume key changes exactly when the result could."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from engine.batch.keys import BUNDLED_MODEL_DIR, resolve_model_identity, work_key
from engine.batch.manifest import read_manifest
from engine.errors import InputError, OutputError
from tests.conftest import write_geotiff


@pytest.fixture
def rasters(tmp_path):
    """Two small pairs in tmp/data (the manifests go in tmp, paths relative to it)."""
    data = tmp_path / "data"
    data.mkdir()
    e = np.full((3, 64, 64), 90, np.uint8)
    for name in ("e1", "l1", "e2", "l2"):
        write_geotiff(data / f"{name}.tif", e)
    return tmp_path


CSV = """id,earlier,later,prompts,tile,overlap,threshold,bands_earlier,all_changes
a,data/e1.tif,data/l1.tif,new roofs|new roads,64,16,0.4,"1,2,3",
,data/e2.tif,data/l2.tif,,,,,,yes
"""
JSONL = (
    '{"id": "a", "earlier": "data/e1.tif", "later": "data/l1.tif", "prompts": ["new roofs", "new roads"], '
    '"tile": 64, "overlap": 16, "threshold": 0.4, "bands_earlier": [1, 2, 3]}\n'
    "# a comment line\n"
    '{"earlier": "data/e2.tif", "later": "data/l2.tif", "all_changes": true}\n'
)
YAML = """pairs:
  - id: a
    earlier: data/e1.tif
    later: data/l1.tif
    prompts: [new roofs, new roads]
    tile: 64
    overlap: 16
    threshold: 0.4
    bands_earlier: [1, 2, 3]
  - earlier: data/e2.tif
    later: data/l2.tif
    all_changes: true
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _items(path, defaults=None, out=None, reserved=()):
    return read_manifest(path, defaults or {}, out or path.parent / "out", reserved)


def test_csv_jsonl_yaml_give_the_same_items(rasters, monkeypatch) -> None:
    monkeypatch.chdir("/")  # relative paths follow the manifest, not the working folder
    got = [_items(_write(rasters, n, t)) for n, t in (("m.csv", CSV), ("m.jsonl", JSONL), ("m.yaml", YAML))]
    for items in got:
        assert [(i.pair_id, i.request.to_json(), i.key) for i in items] == [
            (i.pair_id, i.request.to_json(), i.key) for i in got[0]
        ]
    a, b = got[0]
    assert a.pair_id == "a" and b.pair_id == "l2"  # derived from the later raster's stem
    assert a.request.prompts == ["new roofs", "new roads"] and b.request.all_changes is True
    assert a.request.tile == 64 and isinstance(a.request.tile, int)
    assert a.request.threshold == 0.4 and a.request.bands_earlier == [1, 2, 3]
    assert a.request.earlier == str(rasters / "data" / "e1.tif")
    assert a.request.output == str(rasters / "out" / "a.gpkg") and b.request.output.endswith("out/l2.gpkg")
    assert a.request.overwrite is True  # stale outputs are replaced; resume decides which are stale


def test_command_line_defaults_fill_only_what_a_row_leaves_open(rasters) -> None:
    manifest = _write(
        rasters,
        "m.csv",
        "earlier,later,prompt,tile,output,model\n"
        "data/e1.tif,data/l1.tif,,96,results/one.gpkg,\n"
        "data/e2.tif,data/l2.tif,bridges,,,null:constant\n",
    )
    (rasters / "results").mkdir()
    defaults = {"prompts": ["new roofs"], "tile": 64, "overlap": 16, "model": "null:brighter"}
    one, two = _items(manifest, defaults)
    assert one.request.prompts == ["new roofs"] and one.request.tile == 96
    assert one.request.output == str(rasters / "results" / "one.gpkg") and one.pair_id == "l1"
    assert one.request.model == "null:brighter" and two.request.model == "null:constant"
    assert two.request.prompts == ["bridges"] and two.request.tile == 64 and two.request.overlap == 16
    # a row with all_changes takes no prompt from the command line
    only = _write(
        rasters, "all.jsonl", '{"earlier": "data/e1.tif", "later": "data/l1.tif", "all_changes": true}\n'
    )
    (item,) = _items(only, defaults)
    assert item.request.all_changes and item.request.prompts == []


def test_yaml_and_json_defaults_sit_between_the_command_line_and_the_rows(rasters) -> None:
    text = {
        "defaults": {"prompt": "new roofs", "tile": 96, "model": "null:brighter"},
        "pairs": [
            {"earlier": "data/e1.tif", "later": "data/l1.tif", "tile": 128},
            {"earlier": "data/e2.tif", "later": "data/l2.tif"},
        ],
    }
    manifest = _write(rasters, "m.json", json.dumps(text))
    one, two = _items(manifest, {"tile": 64, "overlap": 8})
    assert (one.request.tile, two.request.tile) == (128, 96)
    assert one.request.prompts == ["new roofs"] and two.request.overlap == 8


def test_ids_are_derived_unique_and_avoid_the_batch_files(rasters) -> None:
    (rasters / "b").mkdir()
    write_geotiff(rasters / "b" / "merged.tif", np.zeros((3, 8, 8), np.uint8))
    write_geotiff(rasters / "b" / "l1.tif", np.zeros((3, 8, 8), np.uint8))
    manifest = _write(
        rasters,
        "m.csv",
        "earlier,later,prompts\ndata/e1.tif,data/l1.tif,x\ndata/e2.tif,b/l1.tif,x\ndata/e2.tif,b/merged.tif,x\n",
    )
    out = rasters / "out"
    items = _items(manifest, out=out, reserved=[out / "merged.gpkg", out / "summary.csv"])
    assert [i.pair_id for i in items] == ["l1", "l1-2", "merged-2"]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "m.csv",
            "earlier,later,prompts,treshold\ndata/e1.tif,data/l1.tif,x,0.3\n",
            "m.csv, line 2, column 'treshold': unknown column",
        ),
        (
            "m.csv",
            "earlier,later,prompts,tile\n\ndata/e1.tif,data/l1.tif,x,64\ndata/e2.tif,data/l2.tif,x,big\n",
            "m.csv, line 4, column 'tile': expected a whole number, got 'big'",
        ),
        (
            "m.csv",
            "earlier,later,prompts,tile\ndata/e1.tif,data/l1.tif,x,100\n",
            "m.csv, line 2: tile must be a multiple of 32",
        ),
        ("m.csv", "earlier,later,prompts\ndata/e1.tif,,x\n", "m.csv, line 2, column 'later': missing"),
        (
            "m.csv",
            "earlier,later,prompts\ndata/e1.tif,data/l1.tif,x,1,2,3\n",
            "m.csv, line 2: 6 cells, but the header has 3 columns",
        ),
        ("m.csv", "earlier,later,prompts\ndata/e1.tif,data/l1.tif,\n", "m.csv, line 2: no prompt given"),
        (
            "m.csv",
            "earlier,later,prompts,all_changes\ndata/e1.tif,data/l1.tif,x,maybe\n",
            "column 'all_changes': expected true or false",
        ),
        (
            "m.csv",
            "id,earlier,later,prompts\na,data/e1.tif,data/l1.tif,x\nA,data/e2.tif,data/l2.tif,x\n",
            "m.csv, line 3, column 'id': 'A' is also the id of m.csv, line 2",
        ),
        (
            "m.csv",
            "id,earlier,later,prompts\n../up,data/e1.tif,data/l1.tif,x\n",
            "m.csv, line 2, column 'id': '../up' cannot name a file",
        ),
        (
            "m.csv",
            "earlier,later,prompts,output\ndata/e1.tif,data/l1.tif,x,o.gpkg\ndata/e2.tif,data/l2.tif,x,o.gpkg\n",
            "m.csv, line 3, column 'output': ",
        ),
        (
            "m.csv",
            "earlier,later,prompts,output\ndata/e1.tif,data/l1.tif,x,o.gpkg\ndata/e2.tif,data/l2.tif,x,data/e1.tif\n",
            "m.csv, line 3: ",
        ),
        (
            "m.csv",
            "earlier,later,prompts,overwrite\ndata/e1.tif,data/l1.tif,x,true\n",
            "column 'overwrite': unknown column",
        ),
        (
            "m.jsonl",
            '{"earlier": "data/e1.tif", "later": "data/l1.tif", "prompt": "x"}\n\n'
            '{"earlier": "data/e2.tif",\n',
            "m.jsonl, line 3: not valid JSON",
        ),
        (
            "m.jsonl",
            '{"earlier": "data/e1.tif", "later": "data/l1.tif", "prompt": "x", "tile": "64px"}\n',
            "m.jsonl, line 1, column 'tile'",
        ),
        (
            "m.jsonl",
            '{"earlier": "data/e1.tif", "later": "data/l1.tif", "prompt": "x", "prompts": ["y"]}\n',
            "column 'prompt': give 'prompt' or 'prompts', not both",
        ),
        (
            "m.yaml",
            "- earlier: data/e1.tif\n  later: data/l1.tif\n  prompts: [x]\n"
            "- earlier: data/e2.tif\n  later: data/l2.tif\n  prompts: [x\n",
            "m.yaml, line ",
        ),
        (
            "m.yaml",
            "- earlier: data/e1.tif\n  later: data/l1.tif\n  prompts: [x]\n"
            "- earlier: data/e2.tif\n  later: data/l2.tif\n  threshold: high\n  prompts: [x]\n",
            "m.yaml, line 4, column 'threshold': expected a number",
        ),
        ("m.yaml", "earlier: data/e1.tif\n", "expected a list of pairs"),
        ("m.txt", "x", "unknown manifest format"),
        ("m.csv", "earlier,later,prompts\n", "has no rows"),
    ],
)
def test_bad_rows_are_named_by_file_line_and_column(rasters, name, text, expected) -> None:
    manifest = _write(rasters, name, text)
    with pytest.raises((InputError, OutputError)) as info:
        _items(manifest)
    assert expected in info.value.message, info.value.message


def test_an_output_that_is_an_input_is_refused(rasters) -> None:
    manifest = _write(
        rasters,
        "m.csv",
        "earlier,later,prompts,output\ndata/e1.tif,data/l1.tif,x,data/o.gpkg\ndata/e2.tif,data/o.gpkg,x,\n",
    )
    with pytest.raises(
        InputError, match=r"line 2, column 'output': .*o.gpkg is the later raster of m.csv, line 3"
    ):
        _items(manifest)
    # the batch's own files are not a pair's output
    clash = _write(rasters, "c.csv", "id,earlier,later,prompts\nsummary,data/e1.tif,data/l1.tif,x\n")
    out = rasters / "out"
    with pytest.raises(InputError, match="written by the batch's own outputs"):
        read_manifest(clash, {}, out, [out / "merged.gpkg", out / "summary.gpkg"])


def test_a_missing_raster_is_not_a_manifest_error(rasters) -> None:
    """It fails alone when it runs (the other pairs still run)."""
    manifest = _write(
        rasters, "m.csv", "earlier,later,prompts\ndata/e1.tif,data/gone.tif,x\ndata/e2.tif,data/l2.tif,x\n"
    )
    assert [i.pair_id for i in _items(manifest)] == ["gone", "l2"]


def test_the_key_changes_exactly_when_the_result_could(rasters, tmp_path) -> None:
    manifest = _write(
        rasters, "m.csv", "id,earlier,later,prompts,model\na,data/e1.tif,data/l1.tif,x,null:brighter\n"
    )
    (base,) = _items(manifest)
    (same,) = _items(manifest)
    assert same.key == base.key and len(base.key) == 64
    _write(rasters, "m.csv", "id,earlier,later,prompts,model\na,data/e1.tif,data/l1.tif,y,null:brighter\n")
    assert _items(manifest)[0].key != base.key  # another prompt
    _write(
        rasters,
        "m.csv",
        "id,earlier,later,prompts,model,threshold\na,data/e1.tif,data/l1.tif,x,null:brighter,0.6\n",
    )
    assert _items(manifest)[0].key != base.key  # another option
    _write(rasters, "m.csv", "id,earlier,later,prompts,model\na,data/e1.tif,data/l1.tif,x,null:constant\n")
    assert _items(manifest)[0].key != base.key  # another model
    _write(rasters, "m.csv", "id,earlier,later,prompts,model\na,data/e1.tif,data/l1.tif,x,null:brighter\n")
    st = os.stat(rasters / "data" / "l1.tif")
    os.utime(rasters / "data" / "l1.tif", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert _items(manifest)[0].key != base.key  # a touched input
    # a local model folder: its weights' size and time are part of the identity
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "model.safetensors").write_bytes(b"0" * 10)
    before = resolve_model_identity(str(folder), None)
    (folder / "model.safetensors").write_bytes(b"0" * 11)
    assert resolve_model_identity(str(folder), None) != before
    assert work_key(base.request) == work_key(base.request, resolve_model_identity("null:brighter", None))


def test_bundled_model_folder_is_the_loaders() -> None:
    from engine.model.loading import BUNDLED_MODEL_DIR as LOADER_DIR

    assert BUNDLED_MODEL_DIR == LOADER_DIR
    assert resolve_model_identity(None, None)["files"]["model.safetensors"] is not None
