"""JupyterLab in headless Chromium: the slice notebook runs in a real browser, its EM section is
rendered inline at its natural size, a scene link opens a new tab whose URL decodes to the scene, and
the neuron notebook shows its tables (with their row counts) and the skeleton's picture.

JupyterLab is started by the test on 127.0.0.1 with the app exposed to the page, so the test can
run cells through JupyterLab's own commands (what a user's Run All does)."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from conftest import OUTPUT_DIR, REPO, binary, free_port

selenium = pytest.importorskip("selenium", reason="selenium is installed by `make test`")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

TOKEN = "connectome-test-token"


def chromium_paths():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or "/usr/lib/chromium/chromedriver"
    if not browser or not os.path.exists(driver):
        pytest.fail("Chromium and its driver are needed: apt-get install chromium chromium-driver (make test does this)")
    return browser, driver


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    binary()
    root = tmp_path_factory.mktemp("lab")
    for name in ("01-em-slices.ipynb", "02-scenes.ipynb", "04-neurons.ipynb"):
        shutil.copy(REPO / "notebooks" / name, root / name)
    port = free_port()
    env = dict(os.environ)
    env.setdefault("XDG_CACHE_HOME", str(OUTPUT_DIR / "cache"))
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    log = open(OUTPUT_DIR / "jupyterlab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False"]
        + (["--allow-root"] if os.geteuid() == 0 else []),
        stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited early; see {OUTPUT_DIR / 'jupyterlab.log'}")
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start within 90 s")
    yield base, root
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    chrome, driver_path = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def open_and_run(driver, base, name, expected_outputs, timeout=180):
    """Opens `name` in a fresh workspace, runs all its cells as a user's Run All would, and waits
    until the kernel is idle with at least `expected_outputs` outputs shown."""
    driver.get(f"{base}/lab/workspaces/{name.replace('.', '-')}/tree/{name}?reset&token={TOKEN}")
    find = ("const app = window.jupyterapp; if (!app) return null;"
            f"const w = Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === '{name}');"
            "if (!w || !w.sessionContext || !w.sessionContext.session || !w.sessionContext.session.kernel) return null;")
    wait = WebDriverWait(driver, timeout)
    wait.until(lambda d: d.execute_script(find + "return w.sessionContext.session.kernel.status === 'idle';"))
    driver.execute_script(find + "app.shell.activateById(w.id); return app.commands.execute('notebook:run-all-cells');")
    wait.until(lambda d: d.execute_script(
        find + "return w.sessionContext.session.kernel.status === 'idle'"
        f" && w.node.querySelectorAll('.jp-OutputArea-output').length >= {expected_outputs};"))
    time.sleep(1.0)


def test_slice_is_rendered_inline_at_natural_size(lab, browser):
    base, root = lab
    open_and_run(browser, base, "01-em-slices.ipynb", expected_outputs=8)
    images = browser.find_elements(By.CSS_SELECTOR, ".jp-RenderedImage img")
    assert images, "no inline image was rendered"
    first = images[0]
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", first))
    natural = browser.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight];", first)
    shown = browser.execute_script("const r = arguments[0].getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)];", first)
    assert natural == [512, 512], f"the first slice should be 512 x 512, got {natural}"
    assert shown == natural, f"rendered at {shown}, natural size {natural}"
    errors = browser.find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr']")
    assert not [e for e in errors if "Error" in e.text], [e.text for e in errors]
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(OUTPUT_DIR / "jupyterlab-em-slices.png"))


def test_scene_link_opens_the_scene_in_a_new_tab(lab, browser):
    base, root = lab
    viewer = f"{base}/static/viewer/"
    nb = json.loads((root / "02-scenes.ipynb").read_text())
    nb["cells"] = [c for c in nb["cells"] if c["cell_type"] == "markdown"][:1] + [{
        "cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
        "source": f'scene segments=[576460752664524086] colors={{576460752664524086: "red"}} position=(24899, 14436, 3739) viewer="{viewer}"',
    }]
    (root / "02-link.ipynb").write_text(json.dumps(nb))
    open_and_run(browser, base, "02-link.ipynb", expected_outputs=1)
    links = browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output a[target='_blank']")
    assert links, "the scene output has no link that opens a new tab"
    before = set(browser.window_handles)
    links[0].click()
    WebDriverWait(browser, 20).until(lambda d: len(set(d.window_handles) - before) == 1)
    new_tab = (set(browser.window_handles) - before).pop()
    main = browser.current_window_handle
    browser.switch_to.window(new_tab)
    WebDriverWait(browser, 20).until(lambda d: d.current_url.startswith(viewer))
    url = browser.current_url
    browser.close()
    browser.switch_to.window(main)
    fragment = urllib.parse.unquote(url.split("#!", 1)[1])
    state = json.loads(fragment)
    segs = [layer for layer in state["layers"] if layer["type"] == "segmentation"][0]
    assert "576460752664524086" in segs["segments"]
    assert segs["segmentColors"]["576460752664524086"] == "#ff0000"
    assert state["position"] == [24899, 14436, 3739]
    browser.save_screenshot(str(OUTPUT_DIR / "jupyterlab-scene-link.png"))


def test_help_and_cells_render_as_a_reader_expects(lab, browser):
    """`help slice` shows its signature and examples as code blocks (one line each, not run together
    into a paragraph), its details as paragraphs and its parameters as a table; a cell's comments,
    strings, numbers and true/false/null are coloured by the mode kernel_info names."""
    base, root = lab
    nb = json.loads((root / "02-scenes.ipynb").read_text())
    code = '# a comment\nprint "some text" 42 true'

    def cell(source):
        return {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}

    nb["cells"] = [cell("help slice"), cell(code)]
    (root / "03-help.ipynb").write_text(json.dumps(nb))
    open_and_run(browser, base, "03-help.ipynb", expected_outputs=2)

    page = browser.find_element(By.CSS_SELECTOR, ".jp-OutputArea-output .connectome-help")
    blocks = [e.text for e in page.find_elements(By.CSS_SELECTOR, "pre > code")]
    assert blocks[0].startswith("slice x=X y=Y z=Z"), blocks[:1]
    assert "slice x=512 y=512 z=32 layer=segmentation" in blocks, blocks
    paragraphs = page.find_elements(By.TAG_NAME, "p")
    assert len(paragraphs) >= 5, [p.text for p in paragraphs]
    assert any(p.text.startswith("overlay=true draws the segmentation") for p in paragraphs)
    rows = page.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[0].text for r in rows][:3] == ["x", "y", "z"]
    # Each example is its own block, so it is laid out on a line of its own.
    heights = [browser.execute_script("return arguments[0].getBoundingClientRect().height;", e)
               for e in page.find_elements(By.CSS_SELECTOR, "pre > code")[1:]]
    assert max(heights) < 2.5 * min(heights), heights

    colours = browser.execute_script("""
        const probe = document.createElement('span');
        document.body.appendChild(probe);
        const colour = v => { probe.style.color = `var(${v})`; return getComputedStyle(probe).color; };
        const wanted = {comment: colour('--jp-mirror-editor-comment-color'),
                        string: colour('--jp-mirror-editor-string-color'),
                        number: colour('--jp-mirror-editor-number-color'),
                        atom: colour('--jp-mirror-editor-atom-color'),
                        plain: getComputedStyle(document.querySelector('.cm-content')).color};
        probe.remove();
        const got = {};
        for (const span of document.querySelectorAll('.jp-Cell .cm-content span')) {
            got[span.textContent] = getComputedStyle(span).color;
        }
        return {wanted, got};
    """)
    wanted, got = colours["wanted"], colours["got"]
    assert got.get("# a comment") == wanted["comment"] != wanted["plain"], colours
    assert got.get('"some text"') == wanted["string"], colours
    assert got.get("42") == wanted["number"], colours
    assert got.get("true") == wanted["atom"], colours
    browser.save_screenshot(str(OUTPUT_DIR / "jupyterlab-help.png"))


def test_neuron_tables_and_skeleton_picture_are_rendered(lab, browser):
    base, root = lab
    open_and_run(browser, base, "04-neurons.ipynb", expected_outputs=10)
    errors = browser.find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr']")
    assert not errors, [e.text for e in errors]
    outputs = browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output.jp-RenderedHTMLCommon, .jp-OutputArea-output .jp-RenderedHTMLCommon")
    tables = [o for o in outputs if o.find_elements(By.CSS_SELECTOR, "table")]
    assert len(tables) >= 3, f"expected the neuron, partner and adjacency tables, got {len(tables)}"

    def header(output):
        return [th.text for th in output.find_elements(By.CSS_SELECTOR, "table thead th")]
    neurons = [o for o in tables if "root_id" in header(o) and "cell_class" in header(o)
               and len(o.find_elements(By.CSS_SELECTOR, "table tbody tr")) == 5]
    assert neurons, "kcs | head 5 shows five neuron rows with their annotation columns"
    assert re.search(r"5 rows", neurons[0].text), f"a table states its row count: {neurons[0].text[-200:]}"
    images = [img for img in browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output img")
              if img.get_attribute("src").startswith("data:image/png")]
    assert len(images) >= 2, "the adjacency heatmap and the skeleton picture"
    for img in images:
        WebDriverWait(browser, 30).until(lambda d: d.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0;", img))
        width = browser.execute_script("return arguments[0].getBoundingClientRect().width;", img)
        assert width > 50, f"a picture rendered {width} px wide"
    captions = [c.text for c in browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output figcaption")]
    assert any("nodes" in c and "µm of cable" in c for c in captions), f"the skeleton's numbers under its picture: {captions}"
    browser.save_screenshot(str(OUTPUT_DIR / "jupyterlab-neurons.png"))
