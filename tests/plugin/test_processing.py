"""The Processing algorithms: through processing.run in this QGIS, and through qgis_process.bin."""

from __future__ import annotations

import json

import pytest
from qgis.core import (
    QgsFeature,
    QgsField,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant

pytestmark = [pytest.mark.qgis, pytest.mark.slow]


def read_back(path):
    layer = QgsVectorLayer(str(path), "out", "ogr")
    assert layer.isValid(), path
    return layer


def test_referring_change_processing_run(provider, joplin_pair, tiny_checkpoint, tmp_path):
    import processing

    out = tmp_path / "referring.gpkg"
    result = processing.run(
        "mtrs:referringchange",
        {
            "EARLIER": str(joplin_pair[0]),
            "LATER": str(joplin_pair[1]),
            "PROMPT": "buildings destroyed along the tornado track",
            "MODEL": str(tiny_checkpoint),
            "BANDS_EARLIER": [1, 2, 3],
            "BANDS_LATER": [1, 2, 3],
            "OUTPUT": str(out),
        },
    )
    assert result["OUTPUT"] == str(out)
    layer = read_back(out)
    assert layer.crs().authid() == "EPSG:32615"
    assert layer.featureCount() == result["N_POLYGONS"] > 0
    total = sum(f["area_m2"] for f in layer.getFeatures())
    assert total == pytest.approx(result["TOTAL_AREA_M2"], rel=1e-6)
    assert json.loads(result["RUN_RECORD"])["request"]["prompts"] == [
        "buildings destroyed along the tornado track"
    ]
    del layer


def test_referring_change_with_table_of_prompts(provider, joplin_pair, tiny_checkpoint, tmp_path):
    import processing

    table = QgsVectorLayer("None?field=text:string", "prompts", "memory")
    table.dataProvider().addAttributes([QgsField("what", QVariant.String)])
    table.updateFields()
    for text in ("destroyed houses", "new debris"):
        f = QgsFeature(table.fields())
        f["what"] = text
        table.dataProvider().addFeature(f)
    out = tmp_path / "table.gpkg"
    result = processing.run(
        "mtrs:referringchange",
        {
            "EARLIER": str(joplin_pair[0]),
            "LATER": str(joplin_pair[1]),
            "PROMPT_TABLE": table,
            "PROMPT_FIELD": "what",
            "MODEL": str(tiny_checkpoint),
            "THRESHOLD": 0.3,
            "OUTPUT": str(out),
        },
    )
    layer = read_back(out)
    assert layer.featureCount() == result["N_POLYGONS"]
    assert json.loads(result["RUN_RECORD"])["request"]["prompts"] == ["destroyed houses", "new debris"]
    del layer


def test_all_changes_processing_run(provider, joplin_pair, tiny_checkpoint, tmp_path):
    import processing

    out = tmp_path / "all.gpkg"
    result = processing.run(
        "mtrs:allchanges",
        {
            "EARLIER": str(joplin_pair[0]),
            "LATER": str(joplin_pair[1]),
            "MODEL": str(tiny_checkpoint),
            "OUTPUT": str(out),
        },
    )
    layer = read_back(out)
    assert layer.featureCount() == result["N_POLYGONS"]
    assert json.loads(result["RUN_RECORD"])["request"]["all_changes"] is True
    del layer


def test_bad_input_is_a_clear_error_without_output(provider, joplin_pair, tiny_checkpoint, tmp_path):
    import processing

    out = tmp_path / "none.gpkg"
    layers_before = QgsProject.instance().count()
    with pytest.raises(QgsProcessingException, match="prompt"):
        processing.run(
            "mtrs:referringchange",
            {
                "EARLIER": str(joplin_pair[0]),
                "LATER": str(joplin_pair[1]),
                "MODEL": str(tiny_checkpoint),
                "OUTPUT": str(out),
            },
        )
    with pytest.raises(QgsProcessingException, match=r"(?i)model|checkpoint|config"):
        processing.run(
            "mtrs:referringchange",
            {
                "EARLIER": str(joplin_pair[0]),
                "LATER": str(joplin_pair[1]),
                "PROMPT": "x",
                "MODEL": str(tmp_path / "no-such-model"),
                "OUTPUT": str(out),
            },
        )
    assert not out.exists()
    assert QgsProject.instance().count() == layers_before
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("algorithm", ["mtrs:referringchange", "mtrs:allchanges"])
def test_qgis_process_runs_algorithms(
    qgis_process, worker_ready, joplin_pair, tiny_checkpoint, tmp_path, algorithm
):
    if not worker_ready:
        pytest.fail("engine/worker.py is missing: the plugin tests need the engine worker")
    out = tmp_path / "cli.gpkg"
    args = [
        "run",
        algorithm,
        "--json",
        "--",
        f"EARLIER={joplin_pair[0]}",
        f"LATER={joplin_pair[1]}",
        f"MODEL={tiny_checkpoint}",
        f"OUTPUT={out}",
    ]
    if algorithm == "mtrs:referringchange":
        args.append("PROMPT=buildings destroyed along the tornado track")
    proc = qgis_process(*args, timeout=400)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    payload = json.loads(proc.stdout[proc.stdout.index("{") :])
    results = payload["results"]
    assert results["OUTPUT"] == str(out)
    layer = read_back(out)
    assert layer.featureCount() == results["N_POLYGONS"]
    assert layer.crs().authid() == "EPSG:32615"
    del layer
