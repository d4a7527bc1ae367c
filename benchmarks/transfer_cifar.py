"""Transfer within CIFAR-10: pretrain ResNet-20 on five classes, fine-tune on 1,000 images of the other five.

Both arms of the comparison see the same 1,000 target images (a seeded random draw, about 200 per class) for the same number
of epochs and are scored on all 5,000 test images of the target classes:

- scratch: ResNet-20 trained from random initialisation;
- fine-tuned: the five-class ResNet-20, new head, frozen then the last stage unfrozen.

Usage (CPU-heavy: wrap in the heavy lock on a shared machine):
    KERAS_BACKEND=torch python benchmarks/transfer_cifar.py --pretrain-epochs 6 --epochs 15
    KERAS_BACKEND=torch python benchmarks/transfer_cifar.py --base runs/.../model.keras   # reuse a pretrained base
Writes benchmarks/results/transfer_cifar.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

SOURCE = ["airplane", "automobile", "bird", "cat", "deer"]
TARGET = ["dog", "frog", "horse", "ship", "truck"]


def run(pretrain_epochs=6, epochs=15, target_images=1000, base=None, seed=0, output_dir="runs", backup_dir=None):
    import keras

    from zoo.applications import image_classification as ic
    from zoo.datasets.images import load_image_dataset

    cifar = load_image_dataset("cifar10")
    source = cifar.select_classes(SOURCE, name="cifar10-source5")
    target = cifar.select_classes(TARGET, name="cifar10-target5").take(train=target_images, seed=seed,
                                                                       name="cifar10-target5-1k")
    common = dict(batch_size=128, optimizer="sgd", weight_decay=0.005, label_smoothing=0.1, augment=["flip", "crop"],
                  normalize=True, validation_split=0.0, seed=seed, output_dir=output_dir, verbose=2)
    result = {"experiment": "ResNet-20: pretrain on 5 CIFAR-10 classes, fine-tune on 1,000 images of the other 5",
              "source_classes": SOURCE, "target_classes": TARGET, "target_train_images": len(target.x_train),
              "target_test_images": len(target.x_test), "backend": keras.backend.backend()}
    if base is None:
        t = time.perf_counter()
        pre = ic.train(model="resnet20", dataset=source, epochs=pretrain_epochs, learning_rate=0.2,
                       schedule="onecycle", backup_dir=backup_dir, **common)
        base = str(pre.run_dir / "model.keras")
        result.update(pretrain_epochs=pretrain_epochs, pretrain_wall_s=time.perf_counter() - t,
                      pretrain_source_test_accuracy=pre.metrics["accuracy"], pretrain_run=str(pre.run_dir))
    else:
        result["experiment"] = (f"ResNet-20 from {base}, fine-tuned on 1,000 images of {', '.join(TARGET)} "
                                f"(a base that saw these classes in pretraining is an upper reference, not a "
                                f"held-out-class transfer)")
    result["base"] = base
    t = time.perf_counter()
    scratch = ic.train(model="resnet20", dataset=target, epochs=epochs, learning_rate=0.1, schedule="onecycle",
                       **common)
    result.update(scratch_accuracy=scratch.metrics["accuracy"], scratch_wall_s=time.perf_counter() - t)
    t = time.perf_counter()
    head = max(1, epochs // 3)
    tuned = ic.fine_tune(base=base, dataset=target, epochs=head, fine_tune_epochs=epochs - head, unfreeze_blocks=1,
                         learning_rate=3e-3, fine_tune_learning_rate=1e-3, batch_size=64, augment=["flip", "crop"],
                         label_smoothing=0.1, validation_split=0.0, seed=seed, output_dir=output_dir, verbose=2)
    result.update(fine_tuned_accuracy=tuned.metrics["accuracy"], fine_tune_wall_s=time.perf_counter() - t,
                  epochs_each_arm=epochs)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pretrain-epochs", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--target-images", type=int, default=1000)
    parser.add_argument("--base", default=None, help="a pretrained five-class model (.keras) to reuse")
    parser.add_argument("--backup-dir", default="runs/backup/transfer_cifar_source5")
    parser.add_argument("--out", default=str(Path(__file__).with_name("results") / "transfer_cifar.json"))
    args = parser.parse_args(argv)
    result = run(args.pretrain_epochs, args.epochs, args.target_images, args.base, backup_dir=args.backup_dir)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
