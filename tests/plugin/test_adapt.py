"""Adapting the model from QGIS: export training data, fine-tune, assess (Processing through qgis_process),
the engine-command runner (progress, errors, cancel) and the dock's list of the user's own models.

The scene is generated here: an earlier and a later GeoTIFF (EPSG:32615, 0.5 m) where bright "debris" replaces
some rectangles, and a GeoPackage of those rectangles with a damage class and a description, so every expected
figure follows from the geometry written by the test.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from qgis.core import QgsProcessingFeedback, QgsVectorLayer

from tests.conftest import write_geotiff

pytestmark = [pytest.mark.qgis]

REPO = Path(__file__).resolve().parents[2]
ENGINE_PYTHON = REPO / ".venv" / "bin" / "python"
BUNDLED = REPO / "engine" / "bundled" / "mtrefseg-r1-tiny-demo"
X0, Y0, PIXEL = 360000.0, 4105000.0, 0.5
STEP = 64  # pixels between the cells of the scene's rectangles


def write_scene(folder: Path, size: int) -> list[tuple[int, int, int, int, str]]:
    """earlier.tif, later.tif and labels.gpkg (layer `changes`: damage, note) in `folder`; returns the
    rectangles (row, col, height, width, class) in pixels. Rectangles sit on the even cells of a 64 px
    grid, so the odd cells are free of change."""
    import numpy as np
    from affine import Affine

    rng = np.random.default_rng(0)
    earlier = rng.integers(60, 120, (3, size, size)).astype(np.uint8)
    later = earlier.copy()
    boxes = []
    for i, row in enumerate(range(16, size - 48, STEP)):
        for j, col in enumerate(range(16, size - 48, STEP)):
            if (i + j) % 2:
                continue
            h, w = 24 + 8 * (i % 2), 24 + 8 * (j % 3)
            later[:, row : row + h, col : col + w] = rng.integers(200, 255, (3, h, w))
            boxes.append((row, col, h, w, "destroyed" if (i + 2 * j) % 3 else "damaged"))
    for name, array in (("earlier.tif", earlier), ("later.tif", later)):
        write_geotiff(folder / name, array, transform=Affine(PIXEL, 0.0, X0, 0.0, -PIXEL, Y0))
    write_boxes(folder / "labels.gpkg", "changes", boxes)
    return boxes


def write_boxes(path: Path, layer_name: str, boxes) -> None:
    """Rectangles given in pixels of the scene as a polygon GeoPackage layer with `damage` and `note`."""
    from osgeo import ogr, osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32615)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    layer = ds.CreateLayer(layer_name, srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("damage", ogr.OFTString))
    layer.CreateField(ogr.FieldDefn("note", ogr.OFTString))
    for row, col, h, w, cls in boxes:
        feature = ogr.Feature(layer.GetLayerDefn())
        xa, ya = X0 + col * PIXEL, Y0 - row * PIXEL
        xb, yb = xa + w * PIXEL, ya - h * PIXEL
        ring = f"POLYGON(({xa} {ya},{xb} {ya},{xb} {yb},{xa} {yb},{xa} {ya}))"
        feature.SetGeometry(ogr.CreateGeometryFromWkt(ring))
        feature.SetField("damage", cls)
        feature.SetField("note", f"{cls} house")
        layer.CreateFeature(feature)
    ds = None


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> tuple[Path, list]:
    """A 384 px scene: 3 × 3 chips of 128 px (the bundled model's input size), 13 labelled rectangles."""
    folder = tmp_path_factory.mktemp("scene")
    return folder, write_scene(folder, 384)


def process_json(proc) -> dict:
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(proc.stdout[proc.stdout.index("{") :])


@pytest.fixture(scope="module")
def exported(qgis_process, scene, tmp_path_factory):
    """`mtrs:exporttraining` through qgis_process: (qgis_process payload, output folder)."""
    folder, _boxes = scene
    out = tmp_path_factory.mktemp("export") / "training"
    proc = qgis_process(
        "run",
        "mtrs:exporttraining",
        "--json",
        "--",
        f"EARLIER={folder / 'earlier.tif'}",
        f"LATER={folder / 'later.tif'}",
        f"LABELS={folder / 'labels.gpkg'}|layername=changes",
        "CLASS_FIELD=damage",
        "DESCRIPTION_FIELD=note",
        "CHIP=128",
        "VAL_FRACTION=0.3",
        "BLOCK_CHIPS=1",
        f"OUTPUT={out}",
        timeout=300,
    )
    return process_json(proc), out


@pytest.mark.slow
def test_export_training_through_qgis_process(exported, scene):
    payload, out = exported
    results = payload["results"]
    assert results["OUTPUT"] == str(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert results["MANIFEST"] == str(out / "manifest.json")
    chips = {split: sorted(p.name for p in (out / split / "A").glob("*.png")) for split in ("train", "val")}
    assert results["TRAIN_CHIPS"] == len(chips["train"]) > 0
    assert results["VAL_CHIPS"] == len(chips["val"]) > 0
    assert len(chips["train"]) + len(chips["val"]) == 9  # 384 px / 128 px chips, no overlap
    assert not set(chips["train"]) & set(chips["val"])
    phrases = set()
    for split, names in chips.items():
        for name in names:
            for sub in ("B", "label"):
                assert (out / split / sub / name).is_file()
            sample = json.loads(
                (out / split / "referring_expression" / name.replace(".png", ".json")).read_text()
            )
            assert len(sample["referring_expressions"]) == len(sample["mask"]) > 0
            assert all((out / split / "masks" / mask).is_file() for mask in sample["mask"])
            phrases.update(sample["referring_expressions"])
    assert phrases & {"destroyed house", "damaged house"}  # the description field, verbatim
    text = json.dumps(manifest)
    assert "damage" in text and "destroyed" in text  # the class field and its classes are recorded
    assert results["TRAIN_EXPRESSIONS"] + results["VAL_EXPRESSIONS"] > 9


def test_processing_reports_the_engine_error_and_writes_nothing(qgis_process, scene, tmp_path):
    folder, _boxes = scene
    out = tmp_path / "training"
    proc = qgis_process(
        "run",
        "mtrs:exporttraining",
        "--",
        f"EARLIER={folder / 'earlier.tif'}",
        f"LATER={folder / 'later.tif'}",
        f"LABELS={folder / 'labels.gpkg'}",
        "CLASS_FIELD=no_such_field",
        f"OUTPUT={out}",
        timeout=300,
    )
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "no_such_field" in text and "Traceback" not in text  # the engine's one clear message
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def finetuned(qgis_process, exported, tmp_path_factory):
    """`mtrs:finetune` through qgis_process, a few steps from the bundled model."""
    _payload, data = exported
    out = tmp_path_factory.mktemp("finetune") / "my-model"
    proc = qgis_process(
        "run",
        "mtrs:finetune",
        "--json",
        "--",
        f"DATA={data}",
        "MINUTES=3",
        "MAX_STEPS=2",
        "DEVICE=1",  # cpu
        "MODEL_NAME=Scene test model",
        f"OUTPUT={out}",
        timeout=600,
    )
    return process_json(proc), out


def stored_user_models(home: Path) -> list[dict]:
    """The user-model list qgis_process stored in its profile's QGIS3.ini."""
    from qgis.PyQt.QtCore import QSettings

    (ini,) = list(home.rglob("QGIS3.ini"))
    raw = QSettings(str(ini), QSettings.IniFormat).value("mtrs/user_models", "")
    assert raw, f"no user models stored in {ini}"
    return json.loads(raw)


@pytest.mark.slow
def test_finetune_through_qgis_process_registers_the_model(finetuned, qgis_process):
    payload, out = finetuned
    results = payload["results"]
    assert results["OUTPUT"] == str(out)
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file()
    assert results["MODEL_NAME"] == "Scene test model"
    assert 0 < results["STEPS"] <= 2
    assert isinstance(json.loads(results["VALIDATION"]), dict)
    entries = stored_user_models(qgis_process.home)
    (entry,) = [e for e in entries if e["name"] == "Scene test model"]
    assert entry["path"] == str(out) and entry["base"] == "bundled" and entry["stage"] == 2


@pytest.mark.slow
def test_assess_through_qgis_process(qgis_process, scene, tmp_path):
    folder, boxes = scene
    occupied = {(row, col) for row, col, *_ in boxes}
    free = [
        (r, c) for r in range(16, 384 - 48, STEP) for c in range(16, 384 - 48, STEP) if (r, c) not in occupied
    ]
    # 7 exact hits, one box moved onto a free cell (a miss and a false alarm), one extra false alarm
    moved = (*free[0], *boxes[7][2:])
    extra = (*free[1], 24, 24, "destroyed")
    predicted = [*boxes[:7], moved, extra]
    write_boxes(tmp_path / "predicted.gpkg", "predicted", predicted)
    report, errors = tmp_path / "report.html", tmp_path / "errors.gpkg"
    proc = qgis_process(
        "run",
        "mtrs:assess",
        "--json",
        "--",
        f"PREDICTED={tmp_path / 'predicted.gpkg'}",
        f"REFERENCE={folder / 'labels.gpkg'}|layername=changes",
        "CLASS_FIELD=damage",
        f"EXTENT={X0},{X0 + 384 * PIXEL},{Y0 - 384 * PIXEL},{Y0} [EPSG:32615]",
        f"BACKGROUND={folder / 'later.tif'}",
        f"OUTPUT={report}",
        f"ERRORS={errors}",
        timeout=300,
    )
    results = process_json(proc)["results"]
    assert results["OUTPUT"] == str(report) and report.is_file()
    assert report.with_suffix(".png").is_file()  # the figure beside the report
    assert (results["TP"], results["FP"], results["FN"]) == (7, 2, len(boxes) - 7)
    hit = sum(h * w for _r, _c, h, w, _k in boxes[:7])
    union = sum(h * w for _r, _c, h, w, _k in boxes) + moved[2] * moved[3] + extra[2] * extra[3]
    assert results["IOU"] == pytest.approx(hit / union, abs=0.03)
    assert results["PRECISION"] == pytest.approx(hit / sum(h * w for _r, _c, h, w, _k in predicted), abs=0.03)
    layer = QgsVectorLayer(f"{errors}", "errors", "ogr")
    assert layer.isValid() and layer.featureCount() >= 3  # FP and FN polygons to inspect
    del layer


# -- the runner on its own ---------------------------------------------------------------------------------


class RecordingFeedback(QgsProcessingFeedback):
    """A real Processing feedback that records what the runner relays, and cancels on a chosen message."""

    def __init__(self, cancel_on: str | None = None):
        super().__init__()
        self.cancel_on = cancel_on
        self.progress: list[float] = []
        self.texts: list[str] = []
        self.infos: list[str] = []
        self.progressChanged.connect(self.progress.append)

    def setProgressText(self, text: str) -> None:
        self.texts.append(text)
        if self.cancel_on and self.cancel_on in text and not self.isCanceled():
            self.cancel()

    def pushInfo(self, info: str) -> None:
        self.infos.append(info)

    def pushDebugInfo(self, info: str) -> None:
        self.infos.append(info)

    def pushConsoleInfo(self, info: str) -> None:
        self.infos.append(info)


@pytest.fixture(scope="module")
def runner(mtrs_package):
    from mtrs.mtrs_qgis_plugin import engine_command

    return engine_command


def export_args(folder: Path, out: Path, *extra: str) -> list[str]:
    return [
        str(folder / "earlier.tif"),
        str(folder / "later.tif"),
        "-o",
        str(out),
        "--labels",
        str(folder / "labels.gpkg"),
        *extra,
    ]


def test_runner_relays_progress_and_returns_the_result(runner, scene, tmp_path):
    folder, _boxes = scene
    feedback = RecordingFeedback()
    result = runner.run_engine_command(
        "export-training",
        export_args(folder, tmp_path / "out", "--chip", "128"),
        feedback,
        python=str(ENGINE_PYTHON),
        root=str(REPO),
    )
    assert result["output"] == str(tmp_path / "out")
    assert result["chips"]["train"] + result["chips"]["val"] == 9
    assert feedback.progress and feedback.progress[-1] == pytest.approx(100.0)
    assert feedback.progress == sorted(feedback.progress)
    assert any("9" in text for text in feedback.texts)


def test_runner_turns_engine_errors_into_processing_exceptions(runner, scene, tmp_path):
    from qgis.core import QgsProcessingException

    folder, _boxes = scene
    out = tmp_path / "out"
    with pytest.raises(QgsProcessingException) as info:
        runner.run_engine_command(
            "export-training",
            export_args(folder, out, "--class-field", "no_such_field"),
            RecordingFeedback(),
            python=str(ENGINE_PYTHON),
            root=str(REPO),
        )
    message = str(info.value)
    assert "no_such_field" in message
    assert "Traceback" not in message and not message.startswith("{")
    assert info.value.exit_code not in (0, None)
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_cancel_stops_the_engine_and_leaves_nothing(runner, tmp_path_factory):
    folder = tmp_path_factory.mktemp("big_scene")
    write_scene(folder, 2048)  # 1024 chips of 64 px: several seconds of work to interrupt
    parent = tmp_path_factory.mktemp("cancel")
    out = parent / "training"
    feedback = RecordingFeedback(cancel_on="chip 3/")
    started = time.monotonic()
    with pytest.raises(runner.EngineCommandCancelled):
        runner.run_engine_command(
            "export-training",
            export_args(folder, out, "--chip", "64"),
            feedback,
            python=str(ENGINE_PYTHON),
            root=str(REPO),
            grace_s=20.0,
        )
    assert time.monotonic() - started < 15
    assert feedback.isCanceled()
    assert any(text.startswith("chip 3/") for text in feedback.texts)
    assert feedback.progress[-1] < 50  # stopped early, not run to the end
    assert list(parent.iterdir()) == []  # neither the folder nor a temporary sibling
    with runner._running_lock:
        assert not runner._running


@pytest.mark.slow
def test_cancelled_finetune_keeps_the_best_model_and_lists_it(provider, exported, user_models, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    _payload, data = exported
    out = tmp_path / "stopped-model"
    feedback = RecordingFeedback(cancel_on="step 1/")
    with pytest.raises(QgsProcessingException) as info:
        processing.run(
            "mtrs:finetune",
            {
                "DATA": str(data),
                "MINUTES": 5,
                "MAX_STEPS": 200,
                "DEVICE": 1,
                "MODEL_NAME": "Stopped model",
                "OUTPUT": str(out),
            },
            feedback=feedback,
        )
    assert "best model so far" in str(info.value), "\n".join(feedback.texts + feedback.infos)
    assert feedback.isCanceled() and feedback.progress[-1] < 50
    (entry,) = user_models.load()
    assert (entry.name, entry.path, entry.base) == ("Stopped model", str(out), "bundled")
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["stopped-model"]  # no temporary sibling left


# -- the dock's model list --------------------------------------------------------------------------------


@pytest.fixture()
def user_models(mtrs_package, isolated_settings):
    from mtrs.mtrs_qgis_plugin import user_models

    user_models.reset()
    yield user_models
    user_models.reset()


def new_dock(qgis_iface):
    from mtrs.mtrs_qgis_plugin.dock_widget import MtrsDockWidget

    return MtrsDockWidget(qgis_iface)


def close_dock(dock) -> None:
    dock.save_state()
    dock.shutdown()
    dock.deleteLater()


def items(dock) -> list[tuple[str, str | None]]:
    combo = dock.model_kind
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count()) if combo.itemText(i)]


@pytest.mark.slow
def test_dock_offers_a_fine_tuned_model_by_name_after_restart(finetuned, user_models, qgis_iface, qgis_app):
    payload, model_dir = finetuned
    validation = json.loads(payload["results"]["VALIDATION"])
    dock = new_dock(qgis_iface)
    # registering (what 'Fine-tune MTRS model' does at its end) shows up in an open dock at once
    user_models.register("Scene test model", str(model_dir), base="bundled", validation=validation)
    qgis_app.processEvents()
    listed = items(dock)
    assert listed[0][1] == "bundled" and "bundled lite model" in listed[0][0].lower()
    assert listed[1] == ("Scene test model", "user:Scene test model")
    assert [data for _text, data in listed[2:]] == ["folder", "hub"]
    dock.model_kind.setCurrentIndex(dock.model_kind.findData("user:Scene test model"))
    assert dock.model_source() == str(model_dir)
    note = dock.model_note.text()
    assert "bundled" in note
    metric = validation["metric"]  # the starting and the fine-tuned model's validation score
    assert f"{metric} {100 * validation['starting_model'][metric]:.1f} → " in note
    close_dock(dock)

    again = new_dock(qgis_iface)  # a new session: the list and the choice are remembered
    try:
        assert again.model_kind.currentText() == "Scene test model"
        assert again.model_source() == str(model_dir)
        assert again.remove_model_button.isVisibleTo(again)
    finally:
        close_dock(again)


def test_dock_marks_a_vanished_model_and_can_forget_it(user_models, tmp_path, qgis_iface):
    from mtrs.mtrs_qgis_plugin.dock_widget import DockInputError

    folder, kept = tmp_path / "gone-model", tmp_path / "kept-model"
    shutil.copytree(BUNDLED, folder)
    shutil.copytree(BUNDLED, kept)
    user_models.register("Old model", str(folder))
    user_models.register("Kept model", str(kept))
    dock = new_dock(qgis_iface)
    dock.model_kind.setCurrentIndex(dock.model_kind.findData("user:Old model"))
    close_dock(dock)
    shutil.rmtree(folder)

    dock = new_dock(qgis_iface)
    try:
        assert dock.model_kind.currentData() == "user:Old model"
        assert dock.model_kind.currentText() == "Old model (missing)"
        assert str(folder) in dock.model_note.text()
        with pytest.raises(DockInputError, match="Old model"):
            dock.model_source()
        dock.remove_user_model()
        assert [m.name for m in user_models.load()] == ["Kept model"]
        assert dock.model_kind.findData("user:Old model") == -1
        assert dock.model_kind.currentData() == "bundled"  # falls back to the bundled model
        assert dock.model_source() is None
    finally:
        close_dock(dock)
    assert (kept / "config.json").is_file()  # forgetting an entry never deletes a folder
