"""Benchmark the rendering of the sample 行政裁决书 to PDF.

Run from the repository root:

    .venv/bin/python bench/bench_pdf.py [--runs 20]

Prints one JSON line: {"name": "notice_pdf_render_ms", "median": …, "p90": …,
"pages": …, "runs": …}.  The template is rendered once with a plain
jinja2.Environment (no Flask app); the timed part is render_pdf() after a warm-up.

In the tuned mode a second line times the notices domain's own 3-page 行政裁决书 sample the way
``flask caseflow notice-sample decision`` renders it (template with demo data, QR code, PDF):
{"name": "notice_sample_render_ms", "kind": "decision", …}; ``--kind KIND`` (repeatable, or ``all``) times other
document kinds, one line each.

``--mode naive`` times a plain WeasyPrint set-up instead (a new FontConfiguration
and a freshly parsed notice.css per render, the full Noto CJK fonts), and
``--mode naive-fonttools`` does the same with WeasyPrint's fontTools subsetter, as
when libharfbuzz-subset0 is not installed (use -n 3: each render takes seconds).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import jinja2  # noqa: E402 - after the sys.path setup

from caseflow.core import pdf  # noqa: E402

SAMPLE = "notices/_sample_adjudication.html"


def main(argv: list[str] | None = None) -> int:
    """Render the sample N times and print the timing summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", "-n", type=int, default=20)
    parser.add_argument("--output", type=Path, help="also write the last PDF here")
    parser.add_argument("--mode", choices=("tuned", "naive", "naive-fonttools"), default="tuned")
    parser.add_argument("--kind", action="append", default=None,
                        help="notice kinds to time as well (default: decision; 'all' for every kind)")
    args = parser.parse_args(argv)

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(pdf.TEMPLATES_DIR), autoescape=True)
    html = env.get_template(SAMPLE).render()
    stylesheets = pdf.notice_stylesheets(SAMPLE)

    if args.mode == "tuned":
        render = lambda: pdf.render_pdf(html, stylesheets=stylesheets)  # noqa: E731
    else:
        import weasyprint

        if args.mode == "naive-fonttools":
            import weasyprint.pdf.fonts

            # What WeasyPrint does when libharfbuzz-subset0 is missing.
            weasyprint.pdf.fonts.harfbuzz_subset = None

        def render() -> bytes:
            css = weasyprint.CSS(filename=str(pdf.NOTICE_CSS))
            return weasyprint.HTML(string=html).write_pdf(stylesheets=[css])

    started = time.perf_counter()
    if args.mode == "tuned":
        pdf.warm_up()
    render()
    pages = len(pdf.render_document(html, stylesheets=stylesheets).pages)
    warm_up_ms = (time.perf_counter() - started) * 1000

    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        content = render()
        timings.append((time.perf_counter() - started) * 1000)
    if args.output:
        args.output.write_bytes(content)

    timings.sort()
    p90 = timings[min(len(timings) - 1, round(0.9 * (len(timings) - 1)))]
    print(
        json.dumps(
            {
                "name": "notice_pdf_render_ms" if args.mode == "tuned" else f"notice_pdf_render_ms_{args.mode}",
                "median": round(statistics.median(timings), 1),
                "p90": round(p90, 1),
                "pages": pages,
                "runs": args.runs,
                "warm_up_ms": round(warm_up_ms, 1),
                "derived_fonts": len(pdf.derived_fonts()) if args.mode == "tuned" else 0,
                "pdf_bytes": len(content),
            }
        )
    )
    if args.mode == "tuned":
        bench_notice_kinds(args.kind or ["decision"], args.runs)
    return 0


def bench_notice_kinds(kinds: list[str], runs: int) -> None:
    """Print one JSON line per notice kind: the median of rendering its demo sample (caseflow.notices)."""
    from caseflow.notices import catalogue
    from caseflow.notices.cli import time_sample

    if kinds == ["all"]:
        kinds = list(catalogue.KINDS)
    for kind in kinds:
        content, pages, timings = time_sample(kind, runs)
        timings.sort()
        p90 = timings[min(len(timings) - 1, round(0.9 * (len(timings) - 1)))]
        median = round(statistics.median(timings), 1)
        print(json.dumps({"name": "notice_sample_render_ms", "kind": kind, "median": median,
                          "p90": round(p90, 1), "pages": pages, "runs": runs, "pdf_bytes": len(content)}))


if __name__ == "__main__":
    sys.exit(main())
