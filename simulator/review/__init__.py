"""The designers' review report: one self-contained HTML page, and scenario path diagrams.

``write_report(out_dir, spec_path, scenario_files)`` writes ``index.html``;
``write_overlays(results, out_dir)`` writes one path diagram per scenario run.
"""

from twofa_fsm_tools.review.gather import ReportData, gather_data
from twofa_fsm_tools.review.page import build_page, write_report
from twofa_fsm_tools.review.paths import write_overlays

__all__ = ["ReportData", "build_page", "gather_data", "write_overlays", "write_report"]
