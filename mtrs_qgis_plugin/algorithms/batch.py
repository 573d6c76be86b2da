"""`mtrs:batch`: many pairs of rasters from a manifest, analysed by `mtrs batch` out of QGIS's process.

Why through the engine's command and not the worker: a batch of hundreds of pairs runs for hours on a pool of
processes (or a Ray cluster), resumes where it stopped and keeps going past a bad pair; that is exactly what
`mtrs batch` does, so this algorithm only turns parameters into its options, relays its progress, and reads
back what it wrote (the summary CSV is the record of every pair, also when some failed).
"""

from __future__ import annotations

import csv
import json
import os
from typing import Any

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from ..engine_command import EngineCommandCancelled, EngineCommandError, run_engine_command
from ..i18n import engine_text, tr
from .adapt_base import AdaptAlgorithmBase

#: Seconds `mtrs batch` gets after a cancel to stop its workers (each finishes or drops its current pair).
CANCEL_GRACE_S = 30.0
#: The exit code of `mtrs batch` when it ran every pair but some failed (the summary is written).
SOME_FAILED = 1
MANIFEST_SUFFIXES = (".csv", ".jsonl", ".json", ".yaml", ".yml")
MERGED_SUFFIXES = (".gpkg", ".fgb")
COUNTS = ("PAIRS", "DONE", "SKIPPED", "FAILED", "POLYGONS")


class BatchAlgorithm(AdaptAlgorithmBase):
    """A manifest of pairs → one output per pair, a merged layer and a summary table."""

    MANIFEST = "MANIFEST"
    OUTPUT_DIR = "OUTPUT_DIR"
    MERGED = "MERGED"
    SUMMARY = "SUMMARY"
    WORKERS = "WORKERS"
    RAY = "RAY"
    FORCE = "FORCE"

    def name(self) -> str:
        return "batch"

    def displayName(self) -> str:
        return tr("Batch change analysis (manifest)")

    def group(self) -> str:
        return tr("Change analysis")

    def groupId(self) -> str:
        return "change"

    def shortHelpString(self) -> str:
        return tr(
            "Analyses many pairs of rasters in one run, listed in a manifest: a CSV, JSON lines or YAML file "
            "with one pair per row (columns earlier, later, prompts or all_changes, and optionally id, "
            "output and any analysis option such as model, tile or threshold).\n\n"
            "Each pair gets its own GeoPackage in the output folder; all polygons are also merged into one "
            "layer with a pair_id field, and a summary table lists every pair and prompt with its "
            "polygons, area, time and status. A pair that fails (a missing or unreadable raster, no "
            "overlap) is reported in the log and in the summary; the others are still analysed.\n\n"
            "Running it again resumes: pairs whose output is up to date are skipped unless 'Redo' is "
            "ticked. The engine runs in its own processes (several pairs at once with more workers, or "
            "on a Ray cluster); cancel stops it and keeps the pairs finished so far."
        )

    def createInstance(self):
        return BatchAlgorithm()

    def initAlgorithm(self, config=None) -> None:
        self.add(
            QgsProcessingParameterFile(
                self.MANIFEST,
                tr("Manifest of pairs"),
                QgsProcessingParameterFile.File,
                fileFilter=tr("Batch manifests (*.csv *.jsonl *.json *.yaml *.yml)"),
            ),
            tr("Relative raster paths in the manifest are taken from the manifest's folder."),
        )
        self.add(
            QgsProcessingParameterFolderDestination(self.OUTPUT_DIR, tr("Output folder")),
            tr("One GeoPackage per pair (the pair's id as name) unless the manifest gives an output."),
        )
        merged = QgsProcessingParameterVectorDestination(
            self.MERGED,
            tr("Merged change polygons (empty: merged.gpkg in the output folder)"),
            QgsProcessing.TypeVectorPolygon,
            optional=True,
            createByDefault=False,
        )
        merged.setSupportsNonFileBasedOutput(False)
        self.add(merged, tr("A GeoPackage (.gpkg) or FlatGeobuf (.fgb) file."))
        self.add(
            QgsProcessingParameterFileDestination(
                self.SUMMARY,
                tr("Summary table (empty: summary.csv in the output folder)"),
                tr("CSV files (*.csv)"),
                optional=True,
                createByDefault=False,
            )
        )
        self.add(
            QgsProcessingParameterNumber(
                self.WORKERS,
                tr("Pairs analysed at once (empty: as many as the machine allows)"),
                QgsProcessingParameterNumber.Integer,
                None,
                True,
                1,
                1024,
            ),
            tr("Each worker loads the model once; 1 analyses the pairs one after the other."),
        )
        self.add_advanced(
            QgsProcessingParameterString(
                self.RAY, tr("Ray cluster address (empty: processes on this computer)"), optional=True
            ),
            tr("'auto' joins the Ray cluster running on this computer; or host:port of a cluster."),
        )
        self.add(
            QgsProcessingParameterBoolean(self.FORCE, tr("Redo pairs whose output is up to date"), False)
        )
        for key, label in zip(
            COUNTS,
            (tr("Pairs"), tr("Pairs analysed"), tr("Pairs up to date"), tr("Pairs failed"), tr("Polygons")),
            strict=True,
        ):
            self.addOutput(QgsProcessingOutputNumber(key, label))
        self.addOutput(QgsProcessingOutputString("FAILURES", tr("Failed pairs and their errors (JSON)")))

    # -- parameters → `mtrs batch` options ----------------------------------------------------------------
    def command_args(self, parameters, context) -> tuple[list[str], str, str, str]:
        """`mtrs batch` arguments, the output folder, the merged layer's path and the summary's path."""
        manifest = self.parameterAsFile(parameters, self.MANIFEST, context)
        if not manifest or not os.path.isfile(manifest):
            raise QgsProcessingException(tr("The manifest does not exist: {path}").format(path=manifest))
        if not manifest.lower().endswith(MANIFEST_SUFFIXES):
            raise QgsProcessingException(
                tr(
                    "The manifest must be a CSV, JSON lines or YAML file (.csv, .jsonl, .json, .yaml): {path}"
                ).format(path=manifest)
            )
        output_dir = self.parameterAsFileOutput(parameters, self.OUTPUT_DIR, context)
        args = [manifest, "--output-dir", output_dir]
        merged = os.path.join(output_dir, "merged.gpkg")
        if self.given(parameters, self.MERGED):
            merged = self.parameterAsOutputLayer(parameters, self.MERGED, context)
            if not merged.lower().endswith(MERGED_SUFFIXES):
                raise QgsProcessingException(
                    tr("The merged layer must be a GeoPackage (.gpkg) or FlatGeobuf (.fgb): {path}").format(
                        path=merged
                    )
                )
            args += ["--merged", merged]
        summary = os.path.join(output_dir, "summary.csv")
        if self.given(parameters, self.SUMMARY):
            summary = self.parameterAsFileOutput(parameters, self.SUMMARY, context)
            args += ["--summary", summary]
        ray = (self.parameterAsString(parameters, self.RAY, context) or "").strip()
        if ray and self.given(parameters, self.WORKERS):
            raise QgsProcessingException(
                tr(
                    "Give the number of workers or a Ray cluster address, not both: on Ray, the cluster "
                    "decides."
                )
            )
        if ray:
            args += ["--ray", ray]
        args += self.number_option(parameters, self.WORKERS, "--workers", context, integer=True)
        if self.parameterAsBoolean(parameters, self.FORCE, context):
            args.append("--force")
        return args, output_dir, merged, summary

    # -- running ------------------------------------------------------------------------------------------
    def processAlgorithm(self, parameters, context, feedback):
        args, output_dir, merged, summary = self.command_args(parameters, context)
        try:
            result = run_engine_command("batch", args, feedback, grace_s=CANCEL_GRACE_S)
        except EngineCommandCancelled as exc:
            raise QgsProcessingException(
                tr(
                    "Cancelled; the pairs finished so far are kept in {path}. Run it again to analyse the "
                    "others: finished pairs are skipped."
                ).format(path=output_dir)
            ) from exc
        except EngineCommandError as exc:
            # exit 1 after a result event: every pair was tried and some failed (a success with errors);
            # without the event, exit 1 is a crash like any other
            if exc.exit_code != SOME_FAILED or not exc.result:
                raise QgsProcessingException(exc.message) from exc
            result = exc.result
        summary = result.get("summary") or summary
        pairs = read_summary(summary)
        report_failures(pairs, feedback)
        counts = batch_counts(result, pairs)
        merged = result.get("merged") or (merged if os.path.isfile(merged) else None)
        for note in result.get("notes") or []:
            feedback.pushInfo(engine_text(str(note)))
        feedback.pushInfo(
            tr("{done} pairs analysed, {skipped} up to date, {failed} failed; summary: {path}").format(
                done=counts["DONE"], skipped=counts["SKIPPED"], failed=counts["FAILED"], path=summary
            )
        )
        if merged and not self.given(parameters, self.MERGED) and context.project() is not None:
            # the default merged layer is opened like a chosen one: it is what the user wants to look at
            context.addLayerToLoadOnCompletion(
                merged, QgsProcessingContext.LayerDetails(tr("Batch changes"), context.project(), self.MERGED)
            )
        failures = result.get("failures") or {
            p: v["error"] for p, v in pairs.items() if v["status"] == "failed"
        }
        return {
            self.OUTPUT_DIR: output_dir,
            self.MERGED: merged,
            self.SUMMARY: summary,
            **counts,
            "FAILURES": json.dumps(failures, ensure_ascii=False),
        }


def read_summary(path: str) -> dict[str, dict[str, Any]]:
    """{pair: {status, error, polygons}} from the summary CSV (one row per prompt, polygons added up per
    pair); {} when there is none."""
    pairs: dict[str, dict[str, Any]] = {}
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError:
        return pairs
    for row in rows:
        entry = pairs.setdefault(
            row.get("pair") or "",
            {"status": row.get("status") or "", "error": row.get("error") or "", "polygons": 0},
        )
        entry["polygons"] += int(_number(row.get("polygons")))
    return pairs


def report_failures(pairs: dict[str, dict[str, Any]], feedback) -> None:
    """Each failed pair's error once more at the end, as an error: in a long log the engine's line for it
    (relayed as it happened) is easily missed. The run itself is not an error: the other pairs are done."""
    for pair, entry in pairs.items():
        if entry["status"] == "failed":
            feedback.reportError(
                tr("{pair} failed: {error}").format(pair=pair, error=engine_text(entry["error"])), False
            )


def batch_counts(result: dict[str, Any], pairs: dict[str, dict[str, Any]]) -> dict[str, int]:
    """PAIRS, DONE, SKIPPED, FAILED, POLYGONS from the result event, else from the summary."""
    by_status = {s: sum(v["status"] == s for v in pairs.values()) for s in ("done", "skipped", "failed")}
    fallback = {
        "PAIRS": len(pairs),
        "DONE": by_status["done"],
        "SKIPPED": by_status["skipped"],
        "FAILED": by_status["failed"],
        "POLYGONS": sum(v["polygons"] for v in pairs.values() if v["status"] != "failed"),
    }
    keys = {
        "PAIRS": "pairs",
        "DONE": "done",
        "SKIPPED": "skipped",
        "FAILED": "failed",
        "POLYGONS": "polygons",
    }
    return {
        k: int(result[v]) if isinstance(result.get(v), (int, float)) else fallback[k] for k, v in keys.items()
    }


def _number(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0
