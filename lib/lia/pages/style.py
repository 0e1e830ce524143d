"""The pages' one style sheet: the header band, toolbar and messages every page shares, then each
page's own parts (portfolio and viewer tables and tiles, works council, access).

Nothing is loaded from anywhere: the rules are inline in the page, the fonts are the system's.
"""

from __future__ import annotations

__all__ = ["CSS", "style_widget"]

#: Header band, page links, language switch, toolbar, messages: the same on every page.
BASE_CSS = """
.lia-app { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; max-width: 1400px; margin: 0 auto; }
.lia-app .widget-html-content, .lia-app .widget-label { line-height: 1.4; }
.lia-header { background: #17324d; color: #fff; padding: 12px 20px; border-radius: 8px 8px 0 0; align-items: center; gap: 12px; flex-wrap: nowrap; }
.lia-header > .lia-lang { flex: 0 0 auto; }
@media (max-width: 900px) { .lia-header { flex-wrap: wrap; } }
.lia-header .lia-brand { font-size: 12px; letter-spacing: .04em; text-transform: uppercase; color: #9fb8d0; }
.lia-header h1 { font-size: 21px; margin: 0; color: #fff; font-weight: 600; }
.lia-header .lia-sub { font-size: 13px; color: #c7d6e6; }
.lia-header .widget-label, .lia-header label { color: #e6eef6 !important; }
.lia-nav-pages { display: flex; flex-wrap: wrap; gap: 4px 6px; margin-top: 8px; font-size: 13px; }
.lia-nav-link { padding: 3px 10px; border-radius: 12px; color: #e6eef6 !important; text-decoration: none; border: 1px solid #3c5f82; white-space: nowrap; }
a.lia-nav-link:hover { background: #2a4a6b; }
.lia-nav-current { background: #fff; color: #17324d !important; font-weight: 600; border-color: #fff; }
.lia-app .widget-toggle-button { border-radius: 4px; }
.lia-header .widget-toggle-button { background: #2a4a6b; color: #e6eef6; }
.lia-header .widget-toggle-button.mod-active, .lia-header .widget-toggle-button.mod-active:hover { background: #fff !important; color: #17324d !important; font-weight: 600; box-shadow: none !important; }
.lia-toolbar { background: #eef3f8; padding: 10px 20px; border-bottom: 1px solid #d5dee8; align-items: flex-end; flex-wrap: wrap; gap: 8px 12px; }
.lia-toolbar .widget-label { min-width: 0; width: auto; padding-right: 4px; }
.lia-field { min-width: 0; }
.lia-field-label, .lia-field .widget-label { font-size: 12px; font-weight: 600; color: #52606d; height: auto; line-height: 18px; margin: 0; }
.lia-body { padding: 8px 20px 16px 20px; }
.lia-section { padding: 0 20px; }
.lia-notice { margin: 8px 20px 0 20px; }
.lia-msg { padding: 8px 12px; border-radius: 6px; font-size: 14px; background: #e8f1fb; color: #17324d; border: 1px solid #b6d0ec; margin: 6px 0; }
.lia-msg.ok { background: #e3f4e8; color: #1b6b34; border-color: #9fd3ae; }
.lia-msg.error { background: #fde8e8; color: #8e1c1c; border-color: #f3b4b4; }
.lia-app textarea, .lia-app input, .lia-app select { font-family: inherit !important; font-size: 14px !important; }
"""

#: Tiles, tables, badges, signature panel (portfolio, report viewer, works council summary).
DASHBOARD_CSS = """
.lia-dash { color: #1f2328; }
.lia-dash h1 { font-size: 24px; margin: 4px 0 2px 0; font-weight: 650; }
.lia-dash h2 { font-size: 17px; margin: 18px 0 8px 0; font-weight: 650; }
.lia-intro { color: #57606a; margin: 0 0 10px 0; max-width: 900px; line-height: 1.4; }
.lia-muted { color: #6e7781; font-size: 12px; }
.lia-card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px; margin: 6px 0; }
.lia-tiles { display: flex; gap: 10px; flex-wrap: wrap; margin: 6px 0 4px 0; }
.lia-tile { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.lia-tile .n { font-size: 24px; font-weight: 700; }
.lia-tile .l { font-size: 12px; color: #57606a; }
.lia-tile.bad .n { color: #b42318; } .lia-tile.warn .n { color: #b54708; }
table.lia-table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
table.lia-table th { text-align: left; background: #f6f8fa; border-bottom: 2px solid #d0d7de; padding: 6px 8px; white-space: nowrap; }
table.lia-table td { border-bottom: 1px solid #eaeef2; padding: 6px 8px; vertical-align: top; }
table.lia-table tr:hover td { background: #f6f8fa; }
.lia-id { font-weight: 600; } .lia-id a { color: #0550ae; text-decoration: none; }
.lia-sub { color: #57606a; font-size: 12px; }
.lia-badge { display: inline-block; border-radius: 10px; padding: 1px 8px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.lia-state-current { background: #dafbe1; color: #116329; }
.lia-state-stale { background: #fff1c2; color: #7a4b00; }
.lia-state-unsigned { background: #eaeef2; color: #424a53; }
.lia-state-failing { background: #b42318; color: #fff; }
.lia-state-none { background: transparent; color: #6e7781; font-weight: 400; }
.lia-review-overdue { background: #ffebe9; color: #b42318; }
.lia-review-due_soon { background: #fff1c2; color: #7a4b00; }
.lia-review-ok, .lia-review-none { background: transparent; color: #424a53; font-weight: 400; }
tr.lia-row.overdue td:first-child { box-shadow: inset 4px 0 0 #b42318; }
tr.lia-row.failing td { background: #fff5f5; }
.lia-verdict-yes { color: #116329; font-weight: 600; } .lia-verdict-no { color: #b42318; font-weight: 600; }
.lia-verdict-conditional { color: #7a4b00; font-weight: 600; }
.lia-verdict-unlawful { color: #b42318; font-weight: 700; } .lia-verdict-not_assessed, .lia-verdict-not_applicable { color: #52606d; }
.lia-risk-high { color: #b42318; font-weight: 600; }
.lia-reasons { color: #6e7781; font-size: 11.5px; max-width: 280px; }
.lia-charts { display: flex; gap: 14px; flex-wrap: wrap; }
.lia-chart { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px; }
.lia-chart h3 { font-size: 14px; margin: 0 0 6px 0; }
.lia-sig { border-radius: 8px; padding: 14px 16px; margin: 8px 0; border: 2px solid; }
.lia-sig .head { font-size: 18px; font-weight: 700; margin-bottom: 4px; }
.lia-sig-current { background: #dafbe1; border-color: #1a7f37; color: #0f5323; }
.lia-sig-stale { background: #fff8c5; border-color: #bf8700; color: #4d2d00; }
.lia-sig-unsigned { background: #f6f8fa; border-color: #8c959f; color: #24292f; }
.lia-sig-failing { background: #ffebe9; border-color: #b42318; color: #82071e; }
.lia-sig table { border-collapse: collapse; margin-top: 8px; background: rgba(255,255,255,.6); }
.lia-sig th, .lia-sig td { text-align: left; padding: 4px 10px; border-bottom: 1px solid rgba(0,0,0,.08); font-size: 13px; }
.lia-sig ul { margin: 4px 0 0 18px; padding: 0; }
.lia-sig .failed-file { font-weight: 700; font-family: ui-monospace, monospace; }
.lia-ok { color: #1a7f37; font-weight: 700; } .lia-bad { color: #b42318; font-weight: 700; }
.lia-warn { color: #82071e; font-style: italic; }
.lia-changes ul { margin: 2px 0 8px 18px; padding: 0; } .lia-changes li { margin: 2px 0; }
.lia-changes .lia-cite { color: #57606a; font-size: 12px; font-style: italic; }
.lia-changes h4 { margin: 10px 0 4px 0; font-size: 13.5px; }
.lia-sev { font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 0 5px; border-radius: 4px; background: #eaeef2; }
.lia-sev-blocker { background: #b42318; color: #fff; } .lia-sev-warning { background: #fff1c2; color: #7a4b00; }
a.lia-pdf-link { display: inline-block; margin: 2px 0 10px 0; padding: 5px 12px; border: 1px solid #0969da; border-radius: 6px;
  color: #0969da !important; text-decoration: none; font-weight: 600; background: #fff; }
a.lia-pdf-link:hover { background: #ddf4ff; }
.lia-csv-link a { font-weight: 600; }
.lia-gap > * { margin-right: 8px !important; }
"""

#: The works-council page's own parts.
WORKS_COUNCIL_CSS = """
.lia-wc .lia-toolbar .widget-dropdown, .lia-wc .lia-toolbar .widget-datepicker { width: auto; }
.lia-wc-filters { padding: 8px 20px; align-items: flex-end; flex-wrap: wrap; gap: 8px; border-bottom: 1px solid #e4e7eb; }
.lia-wc-upload { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; font-size: 13px; }
.lia-wc-upload label.lia-wc-pick { background: #17324d; color: #fff; padding: 5px 12px; border-radius: 4px; cursor: pointer; }
.lia-wc-upload input[type=file] { position: absolute; left: -9999px; width: 1px; height: 1px; }
.lia-wc-upload progress { width: 140px; height: 10px; }
.lia-wc-upload .lia-wc-limit { color: #52606d; }
.lia-wc-section { padding: 6px 20px 10px 20px; }
.lia-wc-section h2 { font-size: 18px; color: #17324d; margin: 10px 0 6px 0; }
.lia-wc-lead { font-size: 15px; margin: 4px 0 8px 0; }
.lia-wc-worst { font-size: 14px; margin: 8px 0; }
.lia-wc-kinds { margin-top: 6px; }
.lia-wc-notchecked { margin-top: 8px; background: #fff8e1; border: 1px solid #f0c36d; border-radius: 6px; padding: 6px 12px; font-size: 13px; }
.lia-wc-notchecked ul { margin: 4px 0; padding-left: 18px; }
.lia-wc-charts { display: flex; flex-direction: column; gap: 12px; }
.lia-wc .lia-chart { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px; overflow-x: auto; }
.lia-wc .lia-chart svg { max-width: 100%; height: auto; }
.lia-wc-caption { font-size: 13px; color: #3e4c59; margin: 4px 4px 0 4px; }
.lia-wc-downloads { display: flex; gap: 6px 14px; flex-wrap: wrap; align-items: center; font-size: 13px; }
a.lia-wc-download { color: #1f5f99; border: 1px solid #b6d0ec; background: #e8f1fb; border-radius: 4px; padding: 3px 9px; text-decoration: none; }
.lia-wc-pager { align-items: center; gap: 8px; padding: 6px 0; }
.lia-wc-saves { align-items: center; gap: 8px; margin-top: 6px; }
.lia-wc-saves .widget-button { width: auto; padding: 0 12px; }
.lia-wc-pager .widget-button { width: 40px; }
.lia-wc-pageinfo { font-size: 13px; color: #3e4c59; }
.lia-wc-monthly-title { font-size: 15px; color: #17324d; margin: 14px 0 4px 0; }
table.lia-wc-monthly { width: auto; }
table.lia-wc-monthly td.lia-wc-over { background: #fde8e8; color: #b42318; font-weight: 600; }
"""

#: The access page's own parts.
ACCESS_CSS = """
.lia-access-chart { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px; margin: 6px 0; overflow-x: auto; }
.lia-access-chart svg { max-width: 100%; height: auto; }
.lia-access-error { white-space: pre-wrap; margin: 0; }
"""

CSS = "<style>" + BASE_CSS + DASHBOARD_CSS + WORKS_COUNCIL_CSS + ACCESS_CSS + "</style>"


def style_widget() -> object:
    """An HTML widget carrying :data:`CSS` (each page shows one, first)."""
    import ipywidgets as W

    return W.HTML(CSS)
