"""Where the report takes its markup, its criteria and its rule packs from (no kernel needed).

* the HTML comes from autoescaped Jinja2 templates: whatever a person typed (title,
  controller, answers, question texts) reaches the page as text, never as markup;
* the nine WP248 criteria are the ones templates/rules/dpia_criteria.yaml declares;
* the statement lists the rule packs the evaluation used (rules.packs.packs_for), and
  the report reads the templates folder it is given without touching os.environ.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from lia.example import EXAMPLE_ID, ensure_example
from lia.paths import templates_dir
from lia.reports import html as R
from lia.store import Store
from lia.workspace import Workspace

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SECTIONS = ("summary_html", "lia_steps_html", "dpia_html", "findings_html", "periods_html", "access_html",
            "union_html", "answers_html", "provenance_html")


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    ensure_example(Workspace(tmp_path))
    return tmp_path


@pytest.fixture()
def templates(tmp_path: Path) -> Path:
    dst = tmp_path / "templates"
    shutil.copytree(templates_dir(), dst)
    return dst


def _save_hostile(home: Path) -> None:
    store = Store(Workspace(home))
    head = store.load(EXAMPLE_ID)
    meta = {**head.assessment, "title": HOSTILE, "controller": HOSTILE, "owner": HOSTILE}
    answers = {**head.answers, "purpose.interest": HOSTILE + "\nsecond line",
               "union.conditions": HOSTILE,
               "access.roles": [{**r, "role": HOSTILE} for r in head.answers.get("access.roles") or []]}
    store.save(EXAMPLE_ID, answers, author="mallory", message=HOSTILE, assessment=meta)


def test_what_people_typed_is_text_in_every_section(home: Path) -> None:
    _save_hostile(home)
    d = R.load(str(home), EXAMPLE_ID, None, "en")
    for name in SECTIONS:
        out = str(getattr(R, name)(d))
        assert "<script" not in out and "<img" not in out, name
    page = "".join(str(getattr(R, n)(d)) for n in SECTIONS)
    assert page.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") >= 6  # title, controller, owner, message...
    assert "second line" in page and "<br>second line" in page  # a text answer keeps its lines


def test_the_dpia_criteria_are_the_ones_the_criteria_file_declares(home: Path, templates: Path) -> None:
    path = templates / "rules" / "dpia_criteria.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert len(doc["criteria"]) == 9
    doc["criteria"][0]["title"] = {"en": "Scoring people (renamed)", "sv": "Poängsättning (nytt namn)",
                                   "nb": "Poengsetting (nytt navn)"}
    doc["criteria"][0], doc["criteria"][1] = doc["criteria"][1], doc["criteria"][0]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for lang, title in (("en", "Scoring people (renamed)"), ("sv", "Poängsättning (nytt namn)")):
        d = R.load(str(home), EXAMPLE_ID, None, lang, str(templates))
        out = str(R.dpia_html(d))
        assert title in out
        second = R.dpia_criteria(d)[1]
        assert out.index(R.dpia_criteria(d)[0]["title"]) < out.index(title)  # the file's order
        assert second["id"] == "evaluation_scoring" and second["question"] == "dpia.evaluation_scoring"


def test_the_statement_lists_the_packs_the_evaluation_used(home: Path, templates: Path) -> None:
    from lia.reports.provenance import rule_pack_inputs
    from lia.rules.packs import packs_for

    # a file that looks like a pack but that no evaluation reads must not be listed as an input
    (templates / "rules" / "draft.yaml").write_text(
        "kind: rule_pack\nid: zz\nversion: 0.0.1\njurisdiction: EU\nrules: []\n", encoding="utf-8")
    for jurisdictions in (["SE"], ["NO"], ["SE", "NO"], []):
        files = {r["file"] for r in rule_pack_inputs(templates, jurisdictions)}
        packs = {f"rules/{Path(p.path).name}" for p in packs_for(jurisdictions, templates)}
        assert packs <= files, jurisdictions
        assert files - packs == {"rules/weighing.yaml", "rules/dpia_criteria.yaml", "rules/sources.yaml"}


def test_a_report_reads_its_templates_folder_without_changing_the_environment(
        home: Path, templates: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIA_TEMPLATES", raising=False)
    pack = templates / "rules" / "eu.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("version: ", "version: 9", 1), encoding="utf-8")
    before = dict(os.environ)
    d = R.load(str(home), EXAMPLE_ID, None, "en", str(templates))
    assert dict(os.environ) == before
    eu = next(r for r in d.inputs["rule_packs"] if r["id"] == "eu")
    assert eu["version"].startswith("9") and f'eu {eu["version"]}' in str(R.provenance_html(d))
    assert d.evaluation_json is not None
