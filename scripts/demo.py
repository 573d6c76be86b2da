"""The main job on bundled data: the bundled demo model finds the buildings destroyed by the 2011
Joplin tornado in a real georeferenced before/after pair, writes a styled GeoPackage and a PNG preview,
and says where they are.

Run with `make demo` (which sets up the environment first). Everything it needs is in the repository."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EARLIER = ROOT / "demo/joplin/2_pre.tif"
DEFAULT_LATER = ROOT / "demo/joplin/2_post.tif"
DEFAULT_PROMPT = "buildings destroyed by the tornado"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--earlier", type=Path, default=DEFAULT_EARLIER)
    parser.add_argument("--later", type=Path, default=DEFAULT_LATER)
    parser.add_argument("--prompt", default=DEFAULT_PROMPT)
    parser.add_argument(
        "--model", default=None, help="model folder or hub id (default: the bundled demo model)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "demo_output")
    args = parser.parse_args(argv)

    from engine.errors import MtrsError
    from engine.pipeline import AnalysisRequest, analyse
    from engine.preview import write_preview

    args.out.mkdir(parents=True, exist_ok=True)
    output = args.out / "joplin_change.gpkg"
    probabilities = args.out / "joplin_probability.tif"
    preview = args.out / "joplin_preview.png"
    request = AnalysisRequest(
        earlier=str(args.earlier),
        later=str(args.later),
        prompts=[args.prompt],
        output=str(output),
        model=args.model,
        probabilities=str(probabilities),
        overwrite=True,
    )
    started = time.perf_counter()

    def progress(done: int, total: int, message: str) -> None:
        if sys.stdout.isatty() or done == total:  # a log file gets one line, a terminal a live counter
            print(f"\r  {message:<40} {done}/{total}", end="", flush=True)

    try:
        result = analyse(request, progress=progress)
    except MtrsError as exc:
        print(f"\ndemo: {exc}", file=sys.stderr)
        return exc.exit_code
    print()
    write_preview(args.earlier, args.later, output, preview, title=f'"{args.prompt}"')
    elapsed = time.perf_counter() - started
    print(f"prompt       : {args.prompt}")
    print(f"polygons     : {result.n_polygons}, total {result.total_area_m2:,.0f} m²")
    print(f"device       : {result.device}, {result.tiles} tiles, {elapsed:.1f} s including model load")
    print(f"GeoPackage   : {output}   (open it in QGIS: the style is embedded)")
    print(f"probabilities: {probabilities}")
    print(f"preview      : {preview}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
