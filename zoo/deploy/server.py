"""``zoo serve``: one model behind an HTTP JSON API (FastAPI, served by uvicorn) with a try-it page.

Routes: ``POST /predict`` (texts, images as base64 or a multipart upload, or series as ``ds``/``y``
records), ``GET /health``, ``GET /model`` (the model card, without file paths), ``GET /docs``
(OpenAPI) and ``GET /`` (a page where a person can try the model).

The model is loaded once when the app is created. Predictions run off the event loop, and
concurrent requests are batched into one model call (``Batcher``; the model never runs twice at
once, Keras models are not re-entrant). Bodies
over ``max_body_bytes`` get 413, malformed JSON or wrong shapes 422 with a message naming the
field, unknown routes 404; a failure inside the model is logged and answered with a plain 500,
never a traceback or a path.

Example:
    $ zoo serve textcnn_sst2 --port 8000
    $ curl -s localhost:8000/predict -H 'content-type: application/json' \
        -d '{"texts": ["a gripping, funny film"]}'
"""

# No `from __future__ import annotations`: FastAPI reads the routes' annotations (Request) at runtime.

import base64
import binascii
import io
import json
import logging
import os
import threading
from pathlib import Path

import numpy as np

from zoo.backend import package_version
from zoo.deploy.runtime import ExportedModel, load_exported
from zoo.errors import ZooError

MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_ITEMS = 1024
SOURCE_ENV = "ZOO_SERVE_SOURCE"
log = logging.getLogger("zoo.serve")


class InputError(ZooError, ValueError):
    """A request the model cannot take; answered with 422 and this message."""


def load_predictor(source) -> ExportedModel:
    """An export folder (run by its own runtime) or any model ``zoo export`` takes (run by Keras)."""
    if Path(str(source)).is_dir() and (Path(str(source)) / "export.json").exists():
        return load_exported(source)
    from zoo.deploy.source import load_source

    src = load_source(source, "serve")
    model = src.model

    def run_model(x: np.ndarray) -> np.ndarray:
        n = len(x)
        rows = max(8, 1 << (n - 1).bit_length())  # a few batch shapes, so jax/tensorflow compile once each
        padded = np.concatenate([x, np.repeat(x[:1], rows - n, axis=0)]) if rows > n else x
        return np.asarray(model.predict_on_batch(padded))[:n]

    card = {**src.card, "kind": src.kind, "name": src.name}
    return ExportedModel(src.preprocessing, Batcher(run_model), card)


class Batcher:
    """Concurrent calls share model calls: inputs queued while the model is busy run together, once.

    Each caller queues its rows and takes the model lock; whoever holds it runs every queued
    input as one batch and hands each caller its own rows. The model never runs twice at once
    (Keras models are not re-entrant), and under load one call serves many requests.
    """

    def __init__(self, fn):
        self.fn = fn
        self._queue_lock, self._model_lock = threading.Lock(), threading.Lock()
        self._queue: list[dict] = []

    def __call__(self, x: np.ndarray) -> np.ndarray:
        item = {"x": x, "done": False, "out": None, "error": None}
        with self._queue_lock:
            self._queue.append(item)
        with self._model_lock:
            if not item["done"]:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                try:
                    out = self.fn(np.concatenate([b["x"] for b in batch]))
                    ends = np.cumsum([len(b["x"]) for b in batch])
                    for b, start, end in zip(batch, [0, *ends[:-1]], ends):
                        b["out"] = out[start:end]
                except Exception as e:  # noqa: BLE001  (every caller of the batch gets the error)
                    for b in batch:
                        b["error"] = e
                for b in batch:
                    b["done"] = True
        if item["error"] is not None:
            raise item["error"]
        return item["out"]


def public_card(card: dict) -> dict:
    """The card without file paths or checksums of local files."""
    hidden = ("path", "dir", "file", "sha256")
    return {k: v for k, v in card.items() if not any(h in k for h in hidden)}


# ---- request parsing: raw JSON/form values -> what ExportedModel.predict takes ----

def _list(body: dict, field: str) -> list:
    value = body.get(field)
    if not isinstance(value, list) or not value:
        raise InputError(f"field '{field}': expected a non-empty list. Got {type(value).__name__}.")
    if len(value) > MAX_ITEMS:
        raise InputError(f"field '{field}': at most {MAX_ITEMS} items per request. Got {len(value)}.")
    return value


def parse_texts(body: dict) -> list[str]:
    texts = _list(body, "texts")
    for i, t in enumerate(texts):
        if not isinstance(t, str) or not t.strip():
            raise InputError(f"field 'texts[{i}]': expected a non-empty string. Got {json.dumps(t)[:40]}.")
    return texts


def decode_image(data: bytes, shape: tuple, where: str) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise InputError(f"{where}: not a PNG/JPEG/BMP/GIF image the server can read.") from None
    height, width, channels = shape
    image = image.convert("L" if channels == 1 else "RGB").resize((width, height), Image.BILINEAR)
    return np.asarray(image, dtype="float32").reshape(shape)


def parse_images(body: dict, shape: tuple) -> np.ndarray:
    images = []
    for i, item in enumerate(_list(body, "images")):
        if not isinstance(item, str):
            raise InputError(f"field 'images[{i}]': expected a base64 string of an image file.")
        try:
            data = base64.b64decode(item.split(",", 1)[-1], validate=True)  # a data: URL's prefix is dropped
        except (binascii.Error, ValueError):
            raise InputError(f"field 'images[{i}]': not valid base64.") from None
        images.append(decode_image(data, shape, f"field 'images[{i}]'"))
    return np.stack(images)


def parse_series(body: dict) -> tuple[list[np.ndarray], list]:
    """``series``: one list of ``{"ds", "y"}`` records, or a list of such lists."""
    series = _list(body, "series")
    if isinstance(series[0], dict):
        series = [series]
    values, last = [], []
    for i, records in enumerate(series):
        if not isinstance(records, list) or not records or not all(isinstance(r, dict) for r in records):
            raise InputError(f"field 'series[{i}]': expected a list of {{\"ds\": ..., \"y\": ...}} records.")
        try:
            y = np.array([float(r["y"]) for r in records], dtype="float64")
        except (KeyError, TypeError, ValueError):
            raise InputError(f"field 'series[{i}]': every record needs a number 'y'.") from None
        if not np.isfinite(y).all():
            raise InputError(f"field 'series[{i}]': 'y' must be finite (no NaN or Inf).")
        values.append(y.astype("float32"))
        last.append(records[-1].get("ds"))
    return values, last


def future_dates(last, freq, horizon: int):
    if last is None or not freq or isinstance(last, (int, float)):
        return list(range(1, horizon + 1))
    import pandas as pd

    try:
        return [str(d.date()) if d == d.normalize() else str(d)
                for d in pd.date_range(pd.Timestamp(last), periods=horizon + 1, freq=freq)[1:]]
    except (ValueError, TypeError):
        return list(range(1, horizon + 1))


def answer(predictor: ExportedModel, body: dict) -> dict:
    """The JSON answer to one ``/predict`` body (already parsed and, for uploads, decoded)."""
    kind, pre = predictor.kind, predictor.preprocessing
    if kind == "forecaster":
        values, last = parse_series(body)
        horizon = body.get("horizon", pre["horizon"])
        if not isinstance(horizon, int) or not 1 <= horizon <= pre["horizon"]:
            raise InputError(f"field 'horizon': an int from 1 to {pre['horizon']} (the trained horizon). Got {horizon!r}.")
        out = predictor.predict(values)[:, :horizon]
        return {"forecasts": [{"ds": future_dates(d, pre.get("freq"), horizon), "yhat": o[:, 1].tolist(),
                               "lo": o[:, 0].tolist(), "hi": o[:, 2].tolist()} for o, d in zip(out, last)]}
    top_k = body.get("top_k", 1)
    names = predictor.class_names
    if not isinstance(top_k, int) or not 1 <= top_k <= len(names):
        raise InputError(f"field 'top_k': an int from 1 to {len(names)} (the number of classes). Got {top_k!r}.")
    x = body["_images"] if "_images" in body else (
        parse_texts(body) if kind == "text" else parse_images(body, tuple(pre["input_shape"])))
    probs = predictor.predict(x)
    order = np.argsort(-probs, axis=1)[:, :top_k]
    return {"predictions": [[{"label": names[j], "probability": float(p[j])} for j in row]
                            for p, row in zip(probs, order)]}


def create_app(source, max_body_bytes: int = MAX_BODY_BYTES):
    """The FastAPI app serving ``source`` (loaded now, once)."""
    from fastapi import FastAPI, Request
    from fastapi.concurrency import run_in_threadpool
    from fastapi.responses import HTMLResponse, JSONResponse

    predictor = load_predictor(source)
    name = predictor.card.get("name") or predictor.card.get("source") or "model"
    app = FastAPI(title=f"zoo serve: {name}", version=package_version("zoo") or "unknown",
                  description=f"A {predictor.kind} model of the zoo. POST /predict; the page at / tries it.")

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"detail": message}, status_code=status)

    @app.middleware("http")
    async def limit_size(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_body_bytes):
            return error(413, f"request body over {max_body_bytes} bytes; send fewer or smaller inputs.")
        return await call_next(request)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.exception("predict failed")
        return error(500, "internal error while predicting; the server log has the details.")

    @app.get("/health")
    def health():
        return {"status": "ok", "model": name, "kind": predictor.kind}

    @app.get("/model")
    def model_card():
        return {"kind": predictor.kind, "class_names": predictor.class_names,
                "preprocessing": {k: v for k, v in predictor.preprocessing.items() if k != "tokenizer"},
                "card": public_card(predictor.card)}

    @app.get("/", response_class=HTMLResponse)
    def page():
        html = (Path(__file__).with_name("page.html")).read_text(encoding="utf-8")
        return html.replace("{{NAME}}", name).replace("{{KIND}}", predictor.kind)

    @app.post("/predict", openapi_extra={"requestBody": {"content": {"application/json": {"schema": {
        "type": "object", "description": "texts: list of strings (text models); images: list of base64 image "
        "files (image models; or a multipart upload with fields 'file'); series: a list of {ds, y} records, or "
        "a list of such lists (forecasters); top_k / horizon optional.",
        "example": {"texts": ["a gripping, funny film"], "top_k": 1}}}}, "required": True}})
    async def predict(request: Request):
        raw = await request.body()
        if len(raw) > max_body_bytes:
            return error(413, f"request body over {max_body_bytes} bytes; send fewer or smaller inputs.")
        try:
            if request.headers.get("content-type", "").startswith("multipart/form-data"):
                body = await _form_body(request, predictor)
            else:
                try:
                    body = json.loads(raw or b"null")
                except (json.JSONDecodeError, UnicodeDecodeError):
                    raise InputError("body: not valid JSON.") from None
                if not isinstance(body, dict):
                    raise InputError("body: expected a JSON object such as {\"texts\": [\"...\"]}.")
            return await run_in_threadpool(answer, predictor, body)
        except (InputError, ValueError, TypeError) as e:
            return error(422, str(e) if isinstance(e, InputError) else f"input: {e}")

    return app


async def _form_body(request, predictor: ExportedModel) -> dict:
    if predictor.kind != "image":
        raise InputError("multipart uploads are for image models; send JSON to this model.")
    form = await request.form()
    files = form.getlist("file") + form.getlist("files")
    if not files or not all(hasattr(f, "read") for f in files):
        raise InputError("field 'file': attach one or more image files.")
    shape = tuple(predictor.preprocessing["input_shape"])
    images = [decode_image(await f.read(), shape, f"field 'file' ({i})") for i, f in enumerate(files)]
    top_k = form.get("top_k")
    return {"_images": np.stack(images), "top_k": int(top_k) if top_k and str(top_k).isdigit() else 1}


def app_from_env():
    """uvicorn's factory for ``--workers N`` (each worker process loads the model once)."""
    return create_app(os.environ[SOURCE_ENV], int(os.environ.get("ZOO_SERVE_MAX_BODY", MAX_BODY_BYTES)))


def serve(source, host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
          max_body_bytes: int = MAX_BODY_BYTES) -> None:
    """Serve ``source`` until interrupted (checks the model loads before binding the port)."""
    import uvicorn

    os.environ[SOURCE_ENV] = str(source)
    os.environ["ZOO_SERVE_MAX_BODY"] = str(max_body_bytes)
    if workers == 1:
        uvicorn.run(create_app(source, max_body_bytes), host=host, port=port, log_level="info")
    else:
        uvicorn.run("zoo.deploy.server:app_from_env", factory=True, host=host, port=port, workers=workers,
                    log_level="info")
