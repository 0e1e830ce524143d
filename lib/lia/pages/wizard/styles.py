"""The wizard page's style sheet and the badge classes of verdicts and results (no CDN: all inline)."""

from __future__ import annotations

from lia.pages.style import BASE_CSS



_VERDICT_CLASS = {
    "pass": "good", "yes": "good",
    "fail": "bad", "no": "bad",
    "needs_refinement": "warn", "needs_scope_reduction": "warn", "pass_with_measures": "warn",
    "conditional": "warn",
    "unlawful": "bad", "not_assessed": "none", "not_reached": "none", "not_applicable": "none", "incomplete": "none",
    "other_basis": "none", "consent_valid": "good", "consent_invalid": "bad", "consent_not_assessed": "none",
}
#: a group's or purpose's result (lia.rules.verdict RESULT_RANK) -> badge class
_RESULT_CLASS = {"yes": "good", "conditional": "warn", "no": "bad", "unlawful": "bad",
                 "not_assessed": "none", "other_basis": "none"}

#: The header band, links and language switch are the pages' (lia.pages.style.BASE_CSS, one place);
#: what follows is the wizard's own.
_CSS = "<style>" + BASE_CSS + """
.lia-header-right { gap: 8px; }
.lia-author-label { color: #e6eef6; margin-right: 6px; font-size: 13px; }
.lia-newform { background: #f7fafc; border: 1px solid #d5dee8; border-radius: 6px; padding: 10px 16px; margin: 10px 20px 0 20px; }
.lia-status { font-size: 13px; padding: 3px 10px; border-radius: 12px; white-space: nowrap; }
.lia-status.dirty { background: #fff1d6; color: #8a5300; border: 1px solid #f0c36d; }
.lia-status.clean { background: #e3f4e8; color: #1b6b34; border: 1px solid #9fd3ae; }
.lia-status.none { background: #edf0f3; color: #52606d; border: 1px solid #cbd2d9; }
.lia-notice { margin: 8px 20px 0 20px; }
.lia-msg { padding: 8px 12px; border-radius: 6px; font-size: 14px; margin: 0; }
.lia-msg.info { background: #e8f1fb; color: #17324d; border: 1px solid #b6d0ec; }
.lia-msg.ok { background: #e3f4e8; color: #1b6b34; border: 1px solid #9fd3ae; }
.lia-msg.error { background: #fde8e8; color: #8e1c1c; border: 1px solid #f3b4b4; }
.lia-conflict { margin: 8px 20px 8px 20px; padding: 10px 12px; background: #fff6f0; border: 1px solid #f3b4b4; border-radius: 6px; }
.lia-merge-summary ul { margin: 4px 0; padding-left: 20px; font-size: 13px; }
.lia-clash { border-top: 1px solid #f3d4c4; padding: 8px 0; }
.lia-clash-q { font-weight: 600; font-size: 14px; }
.lia-clash-sides { gap: 12px; align-items: stretch; flex-wrap: wrap; }
.lia-clash-side { flex: 1 1 300px; background: #fff; border: 1px solid #e4e7eb; border-radius: 4px; padding: 6px 8px; font-size: 13px; }
.lia-clash-side .lia-clash-who { color: #52606d; font-size: 12px; }
.lia-save-feedback { display: inline-block; }
.lia-app .lia-author.lia-missing input { border: 2px solid #b42318 !important; background: #fff7f7; }
.lia-progress { padding: 12px 20px 4px 20px; flex-wrap: wrap; gap: 6px; }
.lia-step button, button.lia-step { border-radius: 14px !important; font-size: 12px !important; }
button.lia-step.done { background: #e3f4e8 !important; color: #1b6b34 !important; border: 1px solid #9fd3ae !important; }
button.lia-step.todo { background: #fff !important; color: #52606d !important; border: 1px solid #cbd2d9 !important; }
button.lia-step.current { background: #17324d !important; color: #fff !important; border: 1px solid #17324d !important; }
.lia-progress-text { padding: 0 20px; font-size: 13px; color: #52606d; }
.lia-bar { height: 6px; background: #e4e7eb; border-radius: 3px; margin: 4px 20px 8px 20px; overflow: hidden; }
.lia-bar > div { height: 6px; background: #2f8f4e; }
.lia-body { padding: 8px 20px 16px 20px; align-items: flex-start; gap: 20px; }
.lia-main { flex: 1 1 auto; min-width: 0; }
.lia-side { flex: 0 0 380px; width: 380px; background: #f7fafc; border: 1px solid #d5dee8; border-radius: 8px; padding: 12px 14px; }
.lia-section-title h2 { font-size: 20px; margin: 6px 0 2px 0; color: #17324d; }
.lia-section-intro { color: #52606d; font-size: 14px; margin-bottom: 6px; }
.lia-question { border-top: 1px solid #e4e7eb; padding: 12px 0 10px 0; }
.lia-question.lia-focus { background: #fff8e1; box-shadow: -4px 0 0 #f0b429; padding-left: 10px; }
.lia-qtext { font-weight: 600; font-size: 15px; color: #1f2933; }
.lia-req { color: #c62828; font-weight: 700; }
.lia-help { font-size: 13px; color: #616e7c; margin: 1px 0 6px 0; }
.lia-unit { color: #52606d; padding-left: 6px; line-height: 28px; }
.lia-muted { color: #7b8794; font-size: 13px; }
.lia-problem-text { color: #b42318; font-size: 13px; margin-top: 2px; }
.lia-th { font-size: 12px; font-weight: 600; color: #52606d; text-transform: uppercase; letter-spacing: .02em; }
.lia-table-row { border-bottom: 1px dashed #e4e7eb; padding: 3px 0; }
.lia-section-nav { border-top: 1px solid #e4e7eb; padding-top: 12px; margin-top: 6px; align-items: center; gap: 10px; }
.lia-side h3 { font-size: 15px; margin: 10px 0 6px 0; color: #17324d; }
.lia-side .widget-html-content { min-width: 0; overflow-wrap: break-word; }
.lia-verdicts td:first-child:not([colspan]) { white-space: nowrap; padding-right: 6px; }
.lia-side .lia-badge { white-space: normal; }
.lia-side h3:first-child { margin-top: 0; }
.lia-verdicts { width: 100%; border-collapse: collapse; font-size: 13px; }
.lia-verdicts td { padding: 4px 2px; vertical-align: top; border-bottom: 1px solid #e4e7eb; }
.lia-badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.lia-badge.good { background: #e3f4e8; color: #1b6b34; }
.lia-badge.bad { background: #fde8e8; color: #b42318; }
.lia-badge.warn { background: #fff1d6; color: #8a5300; }
.lia-badge.none { background: #edf0f3; color: #52606d; }
.lia-reasons { margin: 2px 0 0 0; padding-left: 16px; color: #52606d; font-size: 12px; }
.lia-finding { background: #fff; border: 1px solid #e4e7eb; border-left: 4px solid #cbd2d9; border-radius: 4px; padding: 6px 8px; margin-bottom: 6px; }
.lia-finding.sev-hard_stop, .lia-finding.sev-error { border-left-color: #b42318; }
.lia-finding.sev-warning { border-left-color: #f0b429; }
.lia-finding.sev-info { border-left-color: #3b82c4; }
.lia-finding.sev-blocker { border-left-color: #b42318; background: #fff7f7; }
.lia-finding.sev-info.weighs-for { border-left-color: #2f8f4e; }
.lia-weighs { font-size: 11px; padding: 0 6px; border-radius: 8px; border: 1px solid #cbd2d9; color: #52606d; }
.lia-weighs.for { border-color: #9fd3ae; color: #1b6b34; }
.lia-weighs.against { border-color: #f3b4b4; color: #b42318; }
.lia-finding-msg { font-size: 13px; }
.lia-cite { font-size: 12px; color: #616e7c; font-style: italic; }
.lia-remedy { font-size: 12px; color: #1f2933; margin-top: 2px; }
button.lia-link { background: none !important; border: none !important; color: #1f5f99 !important; text-decoration: underline; box-shadow: none !important; padding: 0 !important; height: 22px !important; font-size: 12px !important; }
.lia-chart svg { max-width: 100%; height: auto; }
.lia-main .widget-toggle-button.mod-active, .lia-main .widget-toggle-button.mod-active:hover,
.lia-conflict .widget-toggle-button.mod-active, .lia-conflict .widget-toggle-button.mod-active:hover { background: #17324d !important; color: #fff !important; box-shadow: none !important; }
.lia-savebar { background: #eef3f8; border-top: 1px solid #d5dee8; padding: 10px 20px; align-items: center; gap: 10px; }
.lia-problems { padding: 0 20px; }
.lia-problems ul { margin: 4px 0; padding-left: 20px; font-size: 13px; color: #8a5300; }
.lia-history { padding: 10px 20px 20px 20px; border-top: 1px solid #d5dee8; }
.lia-history h3 { font-size: 16px; color: #17324d; margin: 4px 0 6px 0; }
.lia-htable, .lia-dtable { border-collapse: collapse; font-size: 13px; width: 100%; }
.lia-htable th, .lia-dtable th { text-align: left; color: #52606d; font-weight: 600; border-bottom: 2px solid #d5dee8; padding: 4px 8px; }
.lia-htable td, .lia-dtable td { border-bottom: 1px solid #e4e7eb; padding: 4px 8px; vertical-align: top; }
.lia-dtable td.before { background: #fdf0f0; }
.lia-dtable td.after { background: #eef8f0; }
.lia-compare { align-items: center; gap: 8px; margin-top: 10px; }
.lia-meta { margin: 10px 20px 0 20px; padding: 10px 16px; background: #f7fafc; border: 1px solid #d5dee8; border-radius: 6px; }
.lia-meta-grid { flex-wrap: wrap; gap: 6px 18px; align-items: flex-end; }
.lia-meta-field { min-width: 0; }
.lia-meta-field .lia-meta-label { font-size: 12px; font-weight: 600; color: #52606d; }
.lia-meta-head { align-items: center; gap: 10px; flex-wrap: wrap; margin-bottom: 6px; }
.lia-meta-head h3 { font-size: 15px; margin: 0; color: #17324d; }
.lia-status-badge { font-size: 13px; font-weight: 600; padding: 2px 10px; border-radius: 12px; border: 1px solid #cbd2d9; background: #edf0f3; color: #52606d; }
.lia-status-badge.st-in_review { background: #fff1d6; color: #8a5300; border-color: #f0c36d; }
.lia-status-badge.st-approved { background: #e3f4e8; color: #1b6b34; border-color: #9fd3ae; }
.lia-status-badge.st-superseded { background: #edf0f3; color: #7b8794; text-decoration: line-through; }
.lia-status-help { font-size: 12px; color: #52606d; }
.lia-status-feedback ul { margin: 4px 0; padding-left: 20px; font-size: 13px; }
.lia-reportbar { background: #f7fafc; border-top: 1px solid #d5dee8; padding: 10px 20px; }
.lia-reportbar h3 { font-size: 15px; margin: 0 0 6px 0; color: #17324d; }
.lia-reportbar .lia-row { align-items: center; gap: 10px; flex-wrap: wrap; margin: 4px 0; }
.lia-render-progress { font-size: 13px; }
.lia-spin { display: inline-block; width: 120px; height: 6px; background: #e4e7eb; border-radius: 3px; overflow: hidden; vertical-align: middle; margin-right: 8px; }
.lia-spin > div { width: 40%; height: 6px; background: #3b82c4; animation: lia-slide 1.2s linear infinite; }
@keyframes lia-slide { from { margin-left: -40%; } to { margin-left: 100%; } }
a.lia-viewer-link { font-weight: 600; color: #1f5f99; white-space: nowrap; }
a.lia-viewer-new { display: inline-block; margin-left: 8px; padding: 2px 10px; border-radius: 4px; background: #1f5f99; color: #fff !important; text-decoration: none; }
</style>
"""
