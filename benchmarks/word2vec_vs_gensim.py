"""zoo's Keras Word2Vec against gensim's (the reference implementation), in one run.

Both train on the same tokens with the same hyper-parameters (gensim's defaults: skip-gram,
100 dimensions, window 5, min_count 5, 5 negatives, sample 1e-3, learning rate 0.025 -> 0.0001,
5 epochs). zoo trains with its library defaults (word2vec's row-sparse SGD on batches of 1,024
pairs, ``max_row_updates`` 160, per-pair negatives); ``--trainer keras`` runs ``Model.fit`` instead
(batches of 8,192) and ``--negative-group 8`` lets each run of 8 shuffled pairs share one draw of
negatives. Reported:

* words/second: in-vocabulary corpus tokens x epochs / training wall time, the fastest of
  ``--repeats`` runs for each trainer (timings on a small shared machine vary a lot from run to
  run, gensim's two threads most). For gensim, the time of ``Word2Vec.train`` (vocabulary
  already built); for zoo, everything after the vocabulary: each epoch's NumPy data, model
  building, compilation and training. zoo runs once per Keras backend,
  each in its own process (Keras fixes its backend at import).
* neighbour overlap: the share of top-10 cosine neighbours that zoo and gensim agree on, for the
  words ranked 21-220 by frequency; gensim against gensim with another seed is the ceiling.
* downstream: SST-2 dev and test accuracy of the sentiment TextCNN (100-dim embeddings) started
  from random vectors, from gensim's and from zoo's (the fastest backend's), over ``--seeds``.

    gensim is a benchmark-only dependency: pip install 'zoo[bench]'
    # speed and overlap (a minute or two), then SST-2 over 10 seeds with the same vectors (~30 runs)
    .venv/bin/python benchmarks/word2vec_vs_gensim.py --backends tensorflow,torch,jax --seeds ''
    .venv/bin/python benchmarks/word2vec_vs_gensim.py --reuse-report benchmarks/results/word2vec_vs_gensim.json \\
        --seeds 0,1,2,3,4,5,6,7,8,9
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HYPER = ("model", "epochs", "embedding_dim", "window", "min_count", "negative", "sample", "learning_rate",
         "min_learning_rate", "seed")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default="sentiment", help="text file or dataset name (default: SST-2 + MR text)")
    p.add_argument("--model", default="skipgram", choices=["skipgram", "cbow"])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--embedding-dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--learning-rate", type=float, default=0.025)
    p.add_argument("--min-learning-rate", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=None, help="zoo's batch (default: the trainer's)")
    p.add_argument("--trainer", default="sparse", choices=["sparse", "keras"],
                   help="zoo's trainer: word2vec's row-sparse SGD (default) or Model.fit")
    p.add_argument("--max-row-updates", type=int, default=None, help="zoo's batch cap (default: the library's)")
    p.add_argument("--negative-group", type=int, default=None,
                   help="zoo's consecutive pairs sharing one draw of negatives (default: the library's; 1 is word2vec's)")
    p.add_argument("--backends", default="tensorflow,jax,torch")
    p.add_argument("--repeats", type=int, default=3,
                   help="time each trainer this many times (zoo: fresh processes) and keep the fastest")
    p.add_argument("--gensim-workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--torch-threads", type=int, default=1,
                   help="OMP_NUM_THREADS of the torch worker: on a busy 2-core machine torch's second thread "
                        "spin-waits and one thread runs ~8x faster (0 leaves torch's default)")
    p.add_argument("--seeds", default="0,1", help="seeds of the downstream sentiment runs ('' to skip them)")
    p.add_argument("--downstream-model", default="textcnn")
    p.add_argument("--downstream-backend", default="tensorflow")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "word2vec_vs_gensim.json"))
    p.add_argument("--reuse-report", default=None,
                   help="a previous run's JSON: keep its vectors and numbers, add downstream runs for --seeds")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--backend", help=argparse.SUPPRESS)
    p.add_argument("--vectors", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def hyper(args) -> dict:
    return {k: getattr(args, k) for k in HYPER}


def worker(args) -> None:
    """One backend: train zoo Word2Vec, save the vectors, print the stats as JSON."""
    from zoo import backend

    backend.set_backend(args.backend)
    from zoo.applications.embeddings import MAX_ROW_UPDATES, NEGATIVE_GROUP, fit_word2vec

    vectors, _, history, stats = fit_word2vec(
        args.corpus, batch_size=args.batch_size, trainer=args.trainer, max_row_updates=args.max_row_updates or MAX_ROW_UPDATES,
        negative_group=args.negative_group or NEGATIVE_GROUP, **hyper(args))
    vectors.save(args.vectors)
    stats["loss_per_epoch"] = history["loss"]
    print("RESULT " + json.dumps(stats), flush=True)


def run_gensim(sentences, args, seed):
    try:
        from gensim.models import Word2Vec
    except ImportError:
        sys.exit("This benchmark needs gensim: pip install 'zoo[bench]'")
    model = Word2Vec(vector_size=args.embedding_dim, window=args.window, min_count=args.min_count,
                     negative=args.negative, sample=args.sample, sg=int(args.model == "skipgram"),
                     alpha=args.learning_rate, min_alpha=args.min_learning_rate, workers=args.gensim_workers,
                     seed=seed, epochs=args.epochs)
    model.build_vocab(sentences)
    start = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=args.epochs)
    return model, time.perf_counter() - start


def overlap(a, b, words, topn=10) -> float:
    return float(np.mean([len({w for w, _ in a.most_similar(x, topn=topn)} & {w for w, _ in b.most_similar(x, topn=topn)})
                          / topn for x in words]))


def downstream(vectors_path, seed, args, tmp):
    from zoo.applications import sentiment

    result = sentiment.train(model=args.downstream_model, dataset="sst2", embeddings=vectors_path, seed=seed,
                             output_dir=tmp, verbose=0, model_kwargs={"embedding_dim": args.embedding_dim})
    dev = sentiment.evaluate(result.model, "sst2", split="dev")["accuracy"]
    return {"dev_accuracy": dev, "test_accuracy": result.metrics["accuracy"]}


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return {}
    from zoo.text import word2vec_data as wd
    from zoo.text.word2vec_vectors import WordVectors

    tmp = Path(tempfile.mkdtemp(prefix="w2v-bench-"))
    if args.reuse_report:
        with open(args.reuse_report, encoding="utf-8") as f:
            report = json.load(f)
        return finish(report, args, tmp)
    sentences = wd.read_corpus(args.corpus)
    vocab = wd.Vocabulary.build(sentences, args.min_count)
    trained_tokens = int(sum(vocab.counts))
    report = {"corpus": args.corpus, "sentences": len(sentences), "tokens": sum(map(len, sentences)),
              "in_vocabulary_tokens": trained_tokens, "vocab_size": len(vocab), "hyperparameters": hyper(args),
              "batch_size": args.batch_size, "trainer": args.trainer, "cpu_count": os.cpu_count(), "gensim_workers": args.gensim_workers,
              "load_average_at_start": os.getloadavg()}

    walls = []
    for _ in range(max(1, args.repeats)):
        gensim_model, wall = run_gensim(sentences, args, args.seed)
        walls.append(wall)
    wall = min(walls)
    gensim_path = tmp / "gensim.txt"
    gensim_model.wv.save_word2vec_format(str(gensim_path))
    report["gensim"] = {"train_wall_time_s": wall, "words_per_second": trained_tokens * args.epochs / wall,
                        "all_wall_times_s": walls, "vectors": str(gensim_path)}
    print(f"gensim: {report['gensim']['words_per_second']:,.0f} words/s ({wall:.1f} s)", flush=True)
    gensim_again, _ = run_gensim(sentences, args, args.seed + 1)
    gensim_again.wv.save_word2vec_format(str(tmp / "gensim2.txt"))

    zoo = {}
    for name in [b for b in args.backends.split(",") if b]:
        path = tmp / f"zoo_{name}.txt"
        cmd = [sys.executable, __file__, "--worker", "--backend", name, "--vectors", str(path),
               "--corpus", args.corpus, "--trainer", args.trainer]
        if args.batch_size:
            cmd += ["--batch-size", str(args.batch_size)]
        cmd += [f"--{k.replace('_', '-')}={getattr(args, k)}" for k in HYPER]
        if args.max_row_updates:
            cmd += ["--max-row-updates", str(args.max_row_updates)]
        if args.negative_group:
            cmd += ["--negative-group", str(args.negative_group)]
        env = {**os.environ, "KERAS_BACKEND": name, "TF_CPP_MIN_LOG_LEVEL": "3"}
        if name == "torch" and args.torch_threads:
            env["OMP_NUM_THREADS"] = str(args.torch_threads)
        results = []
        for _ in range(max(1, args.repeats)):
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
            if proc.returncode or line is None:
                break
            results.append(json.loads(line[len("RESULT "):]))
        if proc.returncode or line is None:
            zoo[name] = {"error": (proc.stderr or proc.stdout)[-2000:]}
            print(f"zoo[{name}] failed:\n{zoo[name]['error']}", flush=True)
            continue
        zoo[name] = min(results, key=lambda r: r["train_wall_time_s"])
        zoo[name]["all_wall_times_s"] = [r["train_wall_time_s"] for r in results]
        zoo[name]["omp_num_threads"] = env.get("OMP_NUM_THREADS")
        zoo[name]["vectors"] = str(path)
        print(f"zoo[{name}]: {zoo[name]['words_per_second']:,.0f} words/s ({zoo[name]['train_wall_time_s']:.1f} s, "
              f"batch {zoo[name]['batch_size']})", flush=True)
    report["zoo"] = zoo

    g, g2 = WordVectors.load(gensim_path), WordVectors.load(tmp / "gensim2.txt")
    probe = [w for w in vocab.words[20:220]]
    report["overlap_words"] = "frequency ranks 21-220"
    report["overlap_gensim_vs_gensim_other_seed"] = overlap(g, g2, probe)
    for name, res in zoo.items():
        if "vectors" in res:
            res["overlap_with_gensim"] = overlap(WordVectors.load(res["vectors"]), g, probe)
            res["speed_vs_gensim"] = res["words_per_second"] / report["gensim"]["words_per_second"]
            print(f"zoo[{name}]: top-10 overlap with gensim {res['overlap_with_gensim']:.3f} "
                  f"(gensim vs gensim: {report['overlap_gensim_vs_gensim_other_seed']:.3f}); "
                  f"speed {res['speed_vs_gensim']:.2f}x gensim", flush=True)

    return finish(report, args, tmp)


def _summary(runs) -> dict:
    out = {"runs": runs}
    for split in ("dev", "test"):
        acc = [r[f"{split}_accuracy"] for r in runs]
        out[f"{split}_accuracy"] = float(np.mean(acc))
        out[f"{split}_accuracy_std"] = float(np.std(acc, ddof=1)) if len(acc) > 1 else None
    return out


def finish(report, args, tmp) -> dict:
    """Downstream SST-2 runs (added to those already in ``report``), then write the JSON."""
    ok = {n: r for n, r in report["zoo"].items() if "vectors" in r}
    seeds = [int(s) for s in args.seeds.split(",") if s != ""]
    if seeds and ok:
        from zoo import backend

        backend.set_backend(args.downstream_backend)
        best = max(ok, key=lambda n: ok[n]["words_per_second"])
        gensim_path = report["gensim"].get("vectors") or str(Path(ok[best]["vectors"]).parent / "gensim.txt")
        inits = {"random": None, "gensim": gensim_path, f"zoo_{best}": ok[best]["vectors"]}
        done = report.get("downstream", {}).get("results", {})
        rows = {}
        for label, path in inits.items():
            runs = [r for r in done.get(label, {}).get("runs", []) if r.get("seed") not in seeds]
            for s in seeds:
                runs.append({"seed": s, **downstream(path, s, args, tmp / "runs")})
            rows[label] = _summary(runs)
            print(f"downstream {label}: dev {rows[label]['dev_accuracy']:.4f} test {rows[label]['test_accuracy']:.4f} "
                  f"over {len(runs)} seeds", flush=True)
        zoo_label = f"zoo_{best}"
        gap = {split: rows[zoo_label][f"{split}_accuracy"] - rows["gensim"][f"{split}_accuracy"] for split in ("dev", "test")}
        print(f"downstream zoo - gensim: dev {100 * gap['dev']:+.2f} test {100 * gap['test']:+.2f} points", flush=True)
        report["downstream"] = {"model": args.downstream_model, "dataset": "sst2", "zoo_minus_gensim": gap,
                                "seeds": sorted({r.get("seed") for r in runs}, key=str),
                                "backend": args.downstream_backend, "results": rows}

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
    print(f"wrote {args.out}")
    return report


if __name__ == "__main__":
    main()
