"""zoo serve: a real uvicorn server on 127.0.0.1 in a subprocess, real HTTP requests, a real headless browser."""

import base64
import concurrent.futures
import io
import os
import shutil
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(source, *extra, timeout=240):
    port = _free_port()
    cmd = [sys.executable, "-m", "zoo.cli.main", "serve", str(source), "--port", str(port), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"zoo serve exited {proc.returncode}:\n{proc.stdout.read()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise AssertionError(f"zoo serve did not answer /health within {timeout} s:\n{proc.stdout.read()[-3000:]}")


@pytest.fixture(scope="module")
def text_server():
    proc, url = start_server("textcnn_sst2", "--max-body-bytes", "20000")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


TEXTS = ["a gripping, funny film", "a dull, tedious mess that never finds its footing", "it isn't great."]


def test_text_predictions_equal_predict_in_process(text_server):
    from zoo.applications import sentiment

    r = httpx.post(f"{text_server}/predict", json={"texts": TEXTS, "top_k": 2}, timeout=60)
    assert r.status_code == 200, r.text
    expected = sentiment.predict("textcnn_sst2", TEXTS, top_k=2)
    for got, want in zip(r.json()["predictions"], expected):
        assert [g["label"] for g in got] == [label for label, _ in want]
        np.testing.assert_allclose([g["probability"] for g in got], [p for _, p in want], atol=1e-5)


def test_health_model_card_and_openapi(text_server):
    assert httpx.get(f"{text_server}/health").json() == {"status": "ok", "model": "textcnn_sst2", "kind": "text"}
    card = httpx.get(f"{text_server}/model").json()
    assert card["class_names"] == ["negative", "positive"] and card["kind"] == "text"
    assert "/" not in str(card["card"].get("name")) and not any("dir" in k or "file" in k for k in card["card"])
    assert "/predict" in httpx.get(f"{text_server}/openapi.json").json()["paths"]
    assert "<textarea" in httpx.get(f"{text_server}/").text


@pytest.mark.parametrize("body, status, field", [
    (b"{not json", 422, "not valid JSON"),
    (b"[1, 2]", 422, "expected a JSON object"),
    (b'{"text": ["typo in the field name"]}', 422, "field 'texts'"),
    (b'{"texts": "one string"}', 422, "field 'texts'"),
    (b'{"texts": ["fine", ""]}', 422, "field 'texts[1]'"),
    (b'{"texts": ["fine"], "top_k": 9}', 422, "field 'top_k'"),
    (b'{"texts": ["' + b"x " * 20000 + b'"]}', 413, "over 20000 bytes"),
])
def test_bad_requests_get_4xx_naming_the_field_and_no_traceback(text_server, body, status, field):
    r = httpx.post(f"{text_server}/predict", content=body, headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == status and field in r.json()["detail"]
    assert "Traceback" not in r.text and "/work" not in r.text and ".py" not in r.text


def test_unknown_route_is_404(text_server):
    assert httpx.get(f"{text_server}/nope").status_code == 404
    assert httpx.get(f"{text_server}/predict").status_code == 405


def test_twenty_concurrent_clients_all_get_their_own_answer(text_server):
    sentences = [f"{'a gripping, funny film' if i % 2 else 'a dull, tedious mess'} number {i}" for i in range(20)]

    def ask(text):
        return httpx.post(f"{text_server}/predict", json={"texts": [text]}, timeout=120).json()["predictions"][0][0]

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(ask, sentences))
    from zoo.applications import sentiment

    expected = sentiment.predict("textcnn_sst2", sentences)
    assert [a["label"] for a in answers] == [label for label, _ in expected]
    np.testing.assert_allclose([a["probability"] for a in answers], [p for _, p in expected], atol=1e-5)


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_try_it_page_in_a_headless_browser(text_server, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium on this machine: .ci/run installs Debian's chromium when it runs as root")
    url = f"{text_server}/?text=a%20gripping%2C%20funny%20film"
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=15000", "--dump-dom", url]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    answer = dom.split('id="answer"', 1)[1].split("</div>", 1)[0]
    assert "positive (" in answer, dom[-2000:]


def _png(array: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(array.astype("uint8").squeeze(-1), mode="L").save(buf, format="PNG")
    return buf.getvalue()


def test_image_server_base64_and_upload_match_keras(tmp_path):
    from zoo import saved_models

    digits = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28, 1))
    model, _ = saved_models.load("lenet5_mnist")
    expected = np.asarray(model.predict(digits.astype("float32"), verbose=0))
    proc, url = start_server("lenet5_mnist")
    try:
        payload = {"images": [base64.b64encode(_png(d)).decode() for d in digits], "top_k": 3}
        got = httpx.post(f"{url}/predict", json=payload, timeout=60).json()["predictions"]
        for row, probs in zip(got, expected):
            assert row[0]["label"] == str(int(np.argmax(probs)))
            assert row[0]["probability"] == pytest.approx(float(probs.max()), abs=1e-5)
        files = {"file": ("digit.png", _png(digits[0]), "image/png")}
        up = httpx.post(f"{url}/predict", files=files, timeout=60).json()["predictions"][0][0]
        assert up == got[0][0]
        bad = httpx.post(f"{url}/predict", json={"images": ["bm90IGFuIGltYWdl"]}, timeout=30)
        assert bad.status_code == 422 and "field 'images[0]'" in bad.json()["detail"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_forecaster_export_folder_is_served_by_onnxruntime(tmp_path):
    pytest.importorskip("onnxruntime")
    import pandas as pd

    from zoo import deploy
    from zoo.forecasting import create_forecaster

    t = np.arange(60)
    df = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2001-01-07", periods=60, freq="W-SUN"),
                       "y": 50 + 3 * np.sin(t / 3) + 0.2 * t})
    model = create_forecaster("nbeats", horizon=4, input_length=8, epochs=2, batch_size=32,
                              model_kwargs={"units": 16, "num_blocks": 1, "layers_per_block": 2}).fit(df)
    model.save(tmp_path / "nbeats")
    deploy.export(tmp_path / "nbeats", output=tmp_path / "onnx")
    proc, url = start_server(tmp_path / "onnx")
    try:
        records = [{"ds": str(d.date()), "y": float(y)} for d, y in zip(df["ds"], df["y"])]
        r = httpx.post(f"{url}/predict", json={"series": records, "horizon": 3}, timeout=60).json()
        forecast = r["forecasts"][0]
        assert forecast["ds"] == ["2002-03-03", "2002-03-10", "2002-03-17"]
        np.testing.assert_allclose(forecast["yhat"], model.predict(4)["yhat"].to_numpy()[:3], rtol=1e-4)
        too_far = httpx.post(f"{url}/predict", json={"series": records, "horizon": 5}, timeout=30)
        assert too_far.status_code == 422 and "trained horizon" in too_far.json()["detail"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_refuses_a_bad_source_in_one_line():
    proc = subprocess.run([sys.executable, "-m", "zoo.cli.main", "serve", "lenet6_mnist", "--port", "1"],
                          capture_output=True, text=True, timeout=120, env={**os.environ})
    assert proc.returncode == 2 and "Did you mean: lenet5_mnist" in proc.stderr and "Traceback" not in proc.stderr
