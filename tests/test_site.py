"""Unit tests of the site build's helpers (`course_tools.site`), without building the site.

The browser test of the built site is `tests/e2e/test_site_in_browser.py`.
"""

import base64

import ipywidgets as widgets
import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_tools import site
from course_tools.diagrams import IMAGES_DIR
from lesson_utils.hosted import binder_url, colab_url, repository_url

PNG = b"\x89PNG\r\n\x1a\n a stand-in for a figure"


def _widget_states():
    """The state of every widget made so far, as nbclient stores it in a notebook."""
    return widgets.Widget.get_manager_state(drop_defaults=False)["state"]


def _explorer():
    """A widget like the course's explorers: sliders beside each other, a figure, a table."""
    sliders = widgets.VBox(
        [
            widgets.FloatSlider(value=0.5, min=-3, max=3, description="input x_t"),
            widgets.IntSlider(value=7, min=0, max=9, description="<b>step</b>"),
        ]
    )
    figure = widgets.Image(value=PNG, format="png")
    table = widgets.HTML("<table><tr><td>forget</td><td>+0.818</td></tr></table>")
    return widgets.VBox([widgets.HBox([sliders]), figure, table])


def _progress_bar():
    """The bar `lesson_utils.progress.track` shows: nothing a reader can move."""
    return widgets.HBox(
        [
            widgets.IntProgress(value=3, max=3),
            widgets.Label("training <3 models>: done, 3 of 3 models in 4.9 s"),
        ]
    )


def test_widget_view_draws_the_figure_controls_and_html_from_the_stored_state():
    explorer = _explorer()
    view = site.widget_view_html(explorer.model_id, _widget_states())
    assert f"data:image/png;base64,{base64.b64encode(PNG).decode()}" in view, "the figure"
    assert 'type="range"' in view and 'value="0.5"' in view and "disabled" in view, "a slider"
    assert "input x_t" in view and ">0.50<" in view, "the slider's description and readout"
    assert "&lt;b&gt;step&lt;/b&gt;" in view, "a description that is not HTML is escaped"
    assert "<td>+0.818</td>" in view, "an HTML widget's value is kept as HTML"
    assert view.count('class="course-widget-row"') == 1, "the HBox lays its children in a row"


def test_widget_view_draws_dropdowns_buttons_text_and_checkboxes():
    panel = widgets.VBox(
        [
            widgets.Dropdown(
                options=["SimpleRNN", "LSTM", "GRU"], value="LSTM", description="Cell"
            ),
            widgets.Button(description="Train"),
            widgets.Textarea(value="A <wonderful> film"),
            widgets.Checkbox(value=True, description="Bidirectional"),
            widgets.ToggleButtons(options=["a", "b"], value="b"),
            widgets.Play(value=2, description="play"),
        ]
    )
    view = site.widget_view_html(panel.model_id, _widget_states())
    assert "<option selected>LSTM</option>" in view and "<option>GRU</option>" in view
    assert "<button disabled>Train</button>" in view
    assert "A &lt;wonderful&gt; film</textarea>" in view, "text is escaped"
    assert 'type="checkbox" checked disabled' in view
    assert "course-widget-selected>b</button>" in view, "the chosen toggle button stands out"
    assert "&#9654;" in view, "the play button"


def test_widget_view_keeps_the_width_its_layout_asks_for():
    text = widgets.Textarea(layout=widgets.Layout(width="95%"))
    assert 'style="width: 95%"' in site.widget_view_html(text.model_id, _widget_states())


def test_widget_view_of_an_output_widget_shows_what_it_caught():
    states = {
        "out": {
            "model_name": "OutputModel",
            "state": {
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": "epoch 1 <done>\n"},
                    {
                        "output_type": "display_data",
                        "data": {"image/png": "aGVsbG8=\n", "text/plain": "x"},
                    },
                ]
            },
        }
    }
    view = site.widget_view_html("out", states)
    assert "<pre>epoch 1 &lt;done&gt;\n</pre>" in view
    assert 'src="data:image/png;base64,aGVsbG8="' in view


def test_a_widget_with_controls_gets_a_line_and_launch_links_a_progress_bar_does_not():
    explorer, bar = _explorer(), _progress_bar()
    states = _widget_states()
    assert site.has_control(explorer.model_id, states)
    assert not site.has_control(bar.model_id, states)
    with_note = site.static_widget_output(explorer.model_id, states, "03_lstm_gru_gates.ipynb")
    assert "running notebook its controls move it" in with_note
    assert colab_url("03_lstm_gru_gates.ipynb") in with_note
    assert binder_url("03_lstm_gru_gates.ipynb") in with_note
    without = site.static_widget_output(bar.model_id, states, "03_lstm_gru_gates.ipynb")
    assert "course-widget-note" not in without and "<progress" in without
    assert "training &lt;3 models&gt;: done" in without


def _executed_notebook():
    """A small executed notebook: set-up cell, widget output, attached diagram, solution cell."""
    explorer = _explorer()
    setup = new_code_cell("setup_hosted()", metadata={"tags": ["setup"]})
    shown = new_code_cell(
        "gate_explorer('lstm')",
        outputs=[
            new_output(
                "display_data",
                data={
                    site.WIDGET_VIEW: {
                        "model_id": explorer.model_id,
                        "version_major": 2,
                        "version_minor": 0,
                    },
                    "text/plain": "VBox(children=(...))",
                },
            )
        ],
    )
    diagram = new_markdown_cell(
        "# 03 · Gates\n\n![The LSTM cell](attachment:lstm_cell.png)\n\n"
        "![A learner's sketch](attachment:sketch.png)",
        attachments={
            "lstm_cell.png": {"image/png": base64.b64encode(PNG).decode()},
            "sketch.png": {"image/png": base64.b64encode(PNG).decode()},
        },
    )
    solution = new_code_cell(
        "assert check(solution)",
        metadata={"tags": ["solution", "hide-input"], "jupyter": {"source_hidden": True}},
    )
    notebook = new_notebook(cells=[diagram, setup, shown, solution])
    notebook.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": _widget_states(),
            "version_major": 2,
            "version_minor": 0,
        }
    }
    return notebook


def test_prepare_for_site_turns_widgets_static_and_diagrams_into_files(tmp_path):
    notebook = _executed_notebook()
    site.prepare_for_site(notebook, "03_lstm_gru_gates.ipynb", tmp_path)
    diagram, setup, shown, solution = notebook.cells
    assert "widgets" not in notebook.metadata, "no widget state left for a page to load"
    assert list(shown.outputs[0].data) == ["text/html"]
    assert "course-widget" in shown.outputs[0].data["text/html"]
    assert "remove-cell" in setup.metadata.tags, "the Colab set-up cell stays off the site"
    assert "hide-input" in solution.metadata.tags, "the worked solution stays collapsed"
    # A course diagram becomes its SVG from images/ (crisp at any size); any other image stays.
    svg = (IMAGES_DIR / "lstm_cell.svg").read_bytes()
    assert (tmp_path / "03_lstm_gru_gates_lstm_cell.svg").read_bytes() == svg
    assert (tmp_path / "03_lstm_gru_gates_sketch.png").read_bytes() == PNG
    assert "](03_lstm_gru_gates_lstm_cell.svg)" in diagram.source
    assert "](03_lstm_gru_gates_sketch.png)" in diagram.source and "attachments" not in diagram
    nbformat.validate(notebook)


def test_mode_banner_says_quick_mode_and_nothing_in_full_mode():
    assert "quick mode" in site.mode_banner("quick")
    assert "not what a model can do" in site.mode_banner("quick")
    assert site.mode_banner("full") == ""
    with pytest.raises(ValueError, match="mode='fast'"):
        site.mode_banner("fast")


def test_book_config_carries_the_banner_and_the_repository_address():
    template = yaml.safe_load((site.SITE_DIR / "_config.yml").read_text(encoding="utf-8"))
    quick, full = site.book_config(template, "quick"), site.book_config(template, "full")
    assert quick["html"]["announcement"] == site.QUICK_BANNER
    assert full["html"]["announcement"] == ""
    assert quick["repository"]["url"] == repository_url()
    assert template["repository"]["url"] == "", "the template itself is left as it was"
    assert quick["launch_buttons"]["thebe"] is False
    assert quick["sphinx"]["config"]["nb_ipywidgets_js"] == {}, "no widget JavaScript from a CDN"


def test_staged_book_has_every_page_and_no_placeholder_left(tmp_path, monkeypatch):
    mathjax = tmp_path / "tex-svg-full.js"
    mathjax.write_text("/* MathJax */", encoding="utf-8")
    monkeypatch.setattr(site, "MATHJAX_FILE", mathjax)
    titles = {"01_rnn_loop.ipynb": "01 · The RNN loop", "03_lstm_gru_gates.ipynb": "03 · Gates"}
    book = tmp_path / "book"
    site.stage_book(book, titles, "quick", {"Python": "3.11.7", "keras": "3.15.1"})
    home = (book / "index.md").read_text(encoding="utf-8")
    assert "{{" not in home and "}}" not in home
    assert "[**03 · Gates**](notebooks/03_lstm_gru_gates.ipynb)" in home
    assert colab_url("01_rnn_loop.ipynb") in home and binder_url() in home
    assert "quick mode" in home and "keras 3.15.1" in home
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    assert [c["file"] for part in toc["parts"] for c in part["chapters"]] == [
        "notebooks/01_rnn_loop",
        "notebooks/03_lstm_gru_gates",
        "instructors",
    ]
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    assert config["html"]["announcement"] == site.QUICK_BANNER
    assert (book / "instructors.md").read_text(encoding="utf-8") == site.INSTRUCTOR_GUIDE.read_text(
        encoding="utf-8"
    )
    assert (book / "assets" / "mathjax" / "tex-svg-full.js").is_file()
    assert (book / "assets" / "mathjax" / "tex-svg-full.js").name in config["sphinx"]["config"][
        "mathjax_path"
    ]


def test_home_page_names_a_placeholder_it_cannot_fill():
    assert site.home_page("a {{ x }} b", {"x": "1"}) == "a 1 b"
    with pytest.raises(KeyError, match="typo"):
        site.home_page("{{ typo }}", {"x": "1"})


def test_notebook_title_is_the_first_heading():
    notebook = new_notebook(
        cells=[new_code_cell("x = 1"), new_markdown_cell("intro\n\n# 02 · Vanishing gradients\n")]
    )
    assert site.notebook_title(notebook) == "02 · Vanishing gradients"
    with pytest.raises(ValueError, match="heading"):
        site.notebook_title(new_notebook(cells=[new_markdown_cell("no heading")]))


def test_external_references_finds_what_a_page_would_fetch_but_not_links(tmp_path):
    (tmp_path / "page.html").write_text(
        '<script src="https://cdn.example.org/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.com/css">'
        '<a href="https://colab.research.google.com/github/o/r">Colab</a>'
        '<img src="_images/local.png"><script src="_static/local.js"></script>',
        encoding="utf-8",
    )
    (tmp_path / "style.css").write_text(
        "@font-face { src: url('https://f.example/x.woff2') }", encoding="utf-8"
    )
    assert site.external_references(tmp_path) == [
        "page.html: //fonts.example.com/css",
        "page.html: https://cdn.example.org/x.js",
        "style.css: https://f.example/x.woff2",
    ]


def test_a_state_saved_without_its_defaults_is_drawn_with_them():
    """JupyterLab saves a widget's state without the values left at their defaults."""
    slider = widgets.FloatSlider(value=0.0, min=-1, max=1, description="old hidden h_t-1")
    states = widgets.Widget.get_manager_state(drop_defaults=True)["state"]
    assert "value" not in states[slider.model_id]["state"]
    view = site.widget_view_html(slider.model_id, states)
    assert 'value="0.0"' in view and "<span>0.00</span>" in view
    assert site.has_control(slider.model_id, states)
