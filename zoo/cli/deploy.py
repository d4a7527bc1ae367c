"""``zoo export`` and ``zoo serve``: the command-line side of :mod:`zoo.deploy`."""

from __future__ import annotations

import argparse

from zoo.errors import ZooValueError

EXPORT_EXAMPLE = "example: zoo export lenet5_mnist --format onnx --output exports/lenet5"
SERVE_EXAMPLE = "example: zoo serve textcnn_sst2 --port 8000   (then open http://127.0.0.1:8000/)"


def add_parsers(sub, common) -> None:
    from zoo.deploy.export import FORMATS

    p = sub.add_parser("export", parents=[common], help="export a model to ONNX, a TF SavedModel or .keras, "
                       "checked against Keras", epilog=EXPORT_EXAMPLE)
    p.add_argument("source", help="a saved model's name (zoo models), a .keras file or a run folder")
    p.add_argument("--format", choices=FORMATS, default="onnx")
    p.add_argument("--output", default=None, help="export folder (default: exports/<name>-<format>)")
    p.add_argument("--atol", type=float, default=1e-4, help="largest accepted difference from Keras")
    p = sub.add_parser("serve", parents=[common], help="serve a model over HTTP (FastAPI + uvicorn) with a "
                       "try-it page", epilog=SERVE_EXAMPLE)
    p.add_argument("source", help="a saved model's name, a .keras file, a run folder or an export folder")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (each loads the model)")
    p.add_argument("--max-body-bytes", type=int, default=None, help="larger requests get 413 (default 8 MiB)")


def cmd_export(args: argparse.Namespace) -> int:
    from zoo.deploy import export

    print(f"exporting {args.source} to {args.format} ...", flush=True)
    result = export(args.source, format=args.format, output=args.output, atol=args.atol)
    print(result)
    print(f"folder: {result.folder} (export.json: the card; preprocessing.json: what zoo.deploy.load_exported applies)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from zoo.deploy.server import MAX_BODY_BYTES, serve

    if args.workers < 1 or not 0 < args.port < 65536:
        raise ZooValueError(f"--workers must be >= 1 and --port in 1..65535. Got --workers {args.workers} "
                         f"--port {args.port}.")
    print(f"serving {args.source} on http://{args.host}:{args.port}/ (API docs: /docs)", flush=True)
    serve(args.source, host=args.host, port=args.port, workers=args.workers,
          max_body_bytes=args.max_body_bytes or MAX_BODY_BYTES)
    return 0
