"""The chapters' live explorers in a real JupyterLab, driven by headless Chromium.

JupyterLab (the pinned version in the book's environment) is started on 127.0.0.1 with a
token and a free port, on its own temporary copy of the chapters (nothing in the repository
changes), and stopped afterwards. Each chapter is opened in JupyterLab and its cells run from
the Run menu; then the controls are used as a reader would use them:

* chapter 1: choose another number of hidden units and seed, press Train; the explorer's
  figure and its accuracy text must change;
* chapter 2: move a slider of the activation explorer; its diagram must change.
* an in-browser app cell (``helpers.browser.show_browser_model``, chapters 4 and 5): it shows
  its note ("runs in the published book") instead of failing.

No JavaScript error is allowed. To stay quick the copy holds only the cells the explorer
needs (found by the names each cell defines and uses, so the test does not depend on cell
numbers or helper module paths), with the chapter's small test parameters injected after its
``parameters`` cell as papermill does; the papermill tests run every cell.
"""

from __future__ import annotations

import ast
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from conftest import NOTEBOOKS, SMALL_PARAMETERS

pytestmark = pytest.mark.lab

CHAPTER_ONE = "01_two_plus_two.ipynb"
CHAPTER_TWO = "02_inside_the_hidden_layer.ipynb"
BROWSER_MODEL = "browser_model.ipynb"
TOKEN = "two-plus-two-lab-test"
#: Running the sliced chapter and drawing its explorer (small parameters, 2 busy cores).
RUN_TIMEOUT_MS = 150_000


def explorer_cell(notebook: nbformat.NotebookNode) -> int:
    """Index of the cell that displays the chapter's live explorer.

    Its last statement calls a function whose name contains ``explorer`` and is not a figure
    helper (e.g. ``retrain_explorer(...)``, ``activation_explorer_widget(...)``).
    """
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        body = ast.parse(cell.source).body
        if body and isinstance(body[-1], ast.Expr) and isinstance(body[-1].value, ast.Call):
            function = body[-1].value.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if "explorer" in name and "figure" not in name:
                return index
    raise AssertionError("no cell displays an explorer (a last statement calling *explorer*(...))")


def _names(source: str) -> tuple[set[str], set[str]]:
    """Names a cell defines (assigned, imported, def/class) and names it reads."""
    defined, used, local = set(), set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.comprehension):  # loop variables live inside the comprehension
            local.update(name.id for name in ast.walk(node.target) if isinstance(name, ast.Name))
        if isinstance(node, ast.Name):
            (defined if isinstance(node.ctx, (ast.Store, ast.Del)) else used).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return defined - local, used - local


def explorer_notebook(name: str) -> nbformat.NotebookNode:
    """The chapter cut down to the cells its explorer depends on, small parameters injected."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    notebook = load_notebook_node(str(NOTEBOOKS / name))  # with the metadata papermill expects
    target = explorer_cell(notebook)
    needed = _names(notebook.cells[target].source)[1]
    keep = {target}
    for index in range(target - 1, -1, -1):
        cell = notebook.cells[index]
        if cell.cell_type != "code":
            continue
        defined, used = _names(cell.source)
        if defined & needed or "parameters" in cell.metadata.get("tags", []):
            keep.add(index)
            needed |= used
    # The parameter check right after the parameters cell runs too (it guards the others).
    keep |= {i for i in range(target) if "check_parameters(" in notebook.cells[i].source}
    notebook.cells = [cell for index, cell in enumerate(notebook.cells) if index in keep]
    return parameterize_notebook(notebook, SMALL_PARAMETERS[name], report_mode=False)


def browser_model_notebook() -> nbformat.NotebookNode:
    """A cell showing an in-browser app (helpers.browser), with a model file of its own."""
    notebook = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from pathlib import Path\n"
            "from helpers import browser\n"
            "# A static folder of this copy's own, so the repository's book/_static is left alone.\n"
            "browser.SITE_STATIC = Path('site_static').resolve()\n"
            "browser.SITE_MODELS = browser.SITE_STATIC / 'models'\n"
            "folder = browser.site_model_dir('lyrics')\n"
            "(folder / 'gene.onnx').write_bytes(b'a model')\n"
            "browser.show_browser_model('lyrics', models={'gene': folder / 'gene.onnx'})"
        )
    ]
    return notebook


@dataclass
class Lab:
    url: str
    root: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 (token, free port, no browser) over a temporary copy of the chapters."""
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    for name in (CHAPTER_ONE, CHAPTER_TWO):
        nbformat.write(explorer_notebook(name), root / "notebooks" / name)
    nbformat.write(browser_model_notebook(), root / "notebooks" / BROWSER_MODEL)
    settings = root / ".jupyter"
    settings.mkdir()
    # A private configuration: nothing fetched from the internet (news, updates, PyPI).
    (settings / "jupyter_server_config.py").write_text(
        "c.LabApp.news_url = None\n"
        "c.LabApp.extension_manager = 'readonly'\n"
        "c.LabApp.check_for_updates_class = 'jupyterlab.handlers.announcements.NeverCheckForUpdate'\n"
    )
    # Every cell in the page (JupyterLab 4 otherwise renders only the visible ones), no news prompt.
    user_settings = root / ".lab-settings"
    for extension, values in {
        "notebook-extension/tracker": '{"windowingMode": "none"}',
        "apputils-extension/notification": '{"fetchNews": "false"}',
    }.items():
        path = user_settings / "@jupyterlab" / f"{extension}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(values)
    environment = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(settings),
        "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(user_settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / ".lab-workspaces"),
        "IPYTHONDIR": str(root / ".ipython"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    port = _free_port()
    log = root / "jupyterlab.log"
    command = [
        str(Path(sys.executable).parent / "jupyter-lab"),
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        "--allow-root",
    ]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=root, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"JupyterLab exited ({server.returncode}):\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer in 90 s:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.5)
        yield Lab(url, root, log)
    finally:
        _stop(server, url)


def _shutdown_kernels(url: str) -> None:
    """Shut every kernel of the server down through its REST API."""
    try:
        with urllib.request.urlopen(f"{url}/api/kernels?token={TOKEN}", timeout=5) as response:
            kernels = json.load(response)
        for kernel in kernels:
            request = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}?token={TOKEN}", method="DELETE")
            urllib.request.urlopen(request, timeout=30).close()
    except OSError:
        pass  # the server is gone already; its kernels went with it


def _stop(server: subprocess.Popen, url: str) -> None:
    """Shut the kernels down, then stop the server (killed if it hangs)."""
    _shutdown_kernels(url)
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@pytest.fixture(autouse=True)
def one_kernel_at_a_time(lab):
    """Each chapter's kernel is shut down after its test (two cores, shared)."""
    yield
    _shutdown_kernels(lab.url)


def open_chapter(lab: Lab, open_page, name: str):
    """Open a chapter in JupyterLab, run all its cells from the Run menu, wait for the explorer."""
    page, log = open_page(f"{lab.url}/lab/tree/notebooks/{name}?token={TOKEN}&reset", viewport=(1400, 1000))
    # The notebook is open and its kernel started when the status bar says "<kernel> | Idle".
    page.wait_for_function(
        "() => /\\| Idle/.test((document.querySelector('#jp-main-statusbar') || {}).textContent || '')", timeout=90_000
    )
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    return page, log


def wait_until_done(page, timeout: int = RUN_TIMEOUT_MS) -> None:
    """Every cell has run (no ``[*]`` prompt left, the kernel idle), and none raised."""
    page.wait_for_function(
        """() => {
            const prompts = Array.from(document.querySelectorAll('.jp-InputArea-prompt'));
            const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
            return prompts.length > 0 && prompts.every(p => !p.textContent.includes('*'))
                && prompts.some(p => /\\[\\d+\\]/.test(p.textContent))
                && indicator && indicator.dataset.status === 'idle';
        }""",
        timeout=timeout,
    )
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    assert errors.count() == 0, errors.first.inner_text()[-2000:]


def widget_image(page) -> str:
    """The last widget output's image (a data: URL)."""
    return page.locator(".widget-output img").last.get_attribute("src") or ""


def test_chapter_one_explorer_retrains(lab, open_page):
    started = time.perf_counter()
    page, log = open_chapter(lab, open_page, CHAPTER_ONE)
    wait_until_done(page)
    explorer = page.locator(".jp-Notebook .jp-CodeCell").last.locator(".jp-OutputArea")  # the explorer's cell
    status = explorer.locator(".widget-html-content").last
    page.wait_for_function("(element) => /right/.test(element.textContent)", arg=status.element_handle())
    before_text, before_image = status.inner_text(), widget_image(page)
    assert before_image.startswith("data:image/png")

    hidden = explorer.locator(".widget-dropdown", has_text="hidden units").locator("select")
    current = hidden.evaluate("select => select.selectedOptions[0].text")
    new_hidden = next(choice for choice in reversed(hidden.locator("option").all_inner_texts()) if choice != current)
    hidden.select_option(label=new_hidden)
    seed = explorer.locator(".widget-inline-hbox", has_text="seed").locator("input")
    seed.fill("1")
    seed.press("Enter")
    explorer.get_by_role("button", name="Train").click()
    page.wait_for_function(
        "([element, before]) => element.textContent !== before && /right/.test(element.textContent)",
        arg=[status.element_handle(), before_text],
        timeout=RUN_TIMEOUT_MS,
    )
    after_text, after_image = status.inner_text(), widget_image(page)
    assert after_text != before_text and re.search(r"\d+(\.\d)?% right", after_text), after_text
    assert after_image.startswith("data:image/png") and after_image != before_image
    assert seed.input_value() == "1" and hidden.evaluate("select => select.selectedOptions[0].text") == new_hidden
    assert log.problems() == []
    print(
        f"\nchapter 1 in JupyterLab: {time.perf_counter() - started:.1f} s "
        f"({before_text!r} -> {after_text!r}, hidden units {new_hidden}, seed 1)"
    )


def test_chapter_two_activation_explorer_redraws(lab, open_page):
    started = time.perf_counter()
    page, log = open_chapter(lab, open_page, CHAPTER_TWO)
    wait_until_done(page)
    explorer = page.locator(".jp-Notebook .jp-CodeCell").last.locator(".jp-OutputArea")  # the explorer's cell
    page.wait_for_function("() => document.querySelectorAll('.widget-output img').length > 0")
    before_image = widget_image(page)
    slider = explorer.locator(".widget-slider").filter(has=page.locator(".widget-label", has_text=re.compile(r"^a$")))
    readout = slider.locator(".widget-readout")
    before_value = readout.inner_text()
    slider.locator(".noUi-handle").focus()
    slider.locator(".noUi-handle").press("ArrowRight")
    page.wait_for_function(
        "([element, before]) => element.textContent.trim() !== before", arg=[readout.element_handle(), before_value]
    )
    page.wait_for_function(
        "(before) => { const images = document.querySelectorAll('.widget-output img');"
        " return images.length && images[images.length - 1].src !== before; }",
        arg=before_image,
        timeout=30_000,
    )
    assert int(readout.inner_text()) == int(before_value) + 1
    assert log.problems() == []
    print(
        f"\nchapter 2 in JupyterLab: {time.perf_counter() - started:.1f} s "
        f"(a: {before_value} -> {readout.inner_text()})"
    )


def test_an_in_browser_app_shows_its_note_in_jupyterlab(lab, open_page):
    """Where the site's scripts are absent, helpers.browser's app output is a note, not an error."""
    from helpers.browser import DEFAULT_NOTE

    started = time.perf_counter()
    page, log = open_chapter(lab, open_page, BROWSER_MODEL)
    wait_until_done(page)
    note = page.locator(".jp-OutputArea-output .twoplustwo-browser-model-note")
    assert note.inner_text().strip() == DEFAULT_NOTE
    assert log.problems() == []
    print(f"\nin-browser app cell in JupyterLab: {time.perf_counter() - started:.1f} s")
