"""Fine-tuning a BERT-family checkpoint in Hugging Face layout through KerasHub, with a tiny
randomly initialised BERT that the test writes itself (config.json + model.safetensors + vocab.txt)."""

import json

import numpy as np
import pytest

pytest.importorskip("keras_hub")
pytest.importorskip("safetensors")

from tests.test_sentiment_app import FILL, NEG, POS, _sentences  # noqa: E402
from zoo.applications import sentiment  # noqa: E402
from zoo.tasks.text import batching  # noqa: E402


def write_tiny_bert(folder, words, hidden=16, layers=2, heads=2, intermediate=32, max_positions=64, seed=0):
    """A BertModel checkpoint with Hugging Face's file names and tensor names."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words, ",", "."]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    (folder / "config.json").write_text(json.dumps({
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": len(vocab), "hidden_size": hidden,
        "num_hidden_layers": layers, "num_attention_heads": heads, "intermediate_size": intermediate,
        "max_position_embeddings": max_positions, "type_vocab_size": 2, "hidden_act": "gelu",
        "layer_norm_eps": 1e-12, "pad_token_id": 0}))
    (folder / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True}))
    rng = np.random.default_rng(seed)

    def r(*shape):
        return (rng.normal(size=shape) * 0.05).astype("float32")

    ones, zeros = np.ones(hidden, "float32"), np.zeros(hidden, "float32")
    t = {"embeddings.word_embeddings.weight": r(len(vocab), hidden),
         "embeddings.position_embeddings.weight": r(max_positions, hidden),
         "embeddings.token_type_embeddings.weight": r(2, hidden),
         "embeddings.LayerNorm.weight": ones, "embeddings.LayerNorm.bias": zeros,
         "pooler.dense.weight": r(hidden, hidden), "pooler.dense.bias": r(hidden)}
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for n in ("query", "key", "value"):
            t[p + f"attention.self.{n}.weight"], t[p + f"attention.self.{n}.bias"] = r(hidden, hidden), r(hidden)
        t[p + "attention.output.dense.weight"], t[p + "attention.output.dense.bias"] = r(hidden, hidden), r(hidden)
        t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"] = ones, zeros
        t[p + "intermediate.dense.weight"], t[p + "intermediate.dense.bias"] = r(intermediate, hidden), r(intermediate)
        t[p + "output.dense.weight"], t[p + "output.dense.bias"] = r(hidden, intermediate), r(hidden)
        t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"] = ones, zeros
    save_file(t, str(folder / "model.safetensors"))
    return t


@pytest.fixture
def tiny_bert(tmp_path):
    folder = tmp_path / "tiny-bert"
    tensors = write_tiny_bert(folder, sorted(set(POS + NEG + FILL)))
    return folder, tensors


@pytest.fixture
def tiny_sst(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    for split, n, seed in (("train", 96, 0), ("dev", 32, 1), ("test", 32, 2)):
        (folder / f"tiny.{split}").write_text("\n".join(_sentences(n, seed)) + "\n")
    return folder


def test_keras_hub_converts_the_hf_checkpoint(tiny_bert):
    import keras

    from zoo.models import create_model

    folder, tensors = tiny_bert
    model = create_model("bert", task="text", pretrained=str(folder), num_classes=2)
    backbone = next(layer for layer in model.layers if "backbone" in layer.name)
    table = keras.ops.convert_to_numpy(backbone.get_layer("token_embedding").embeddings)
    np.testing.assert_allclose(table, tensors["embeddings.word_embeddings.weight"])
    q = keras.ops.convert_to_numpy(backbone.get_layer("transformer_layer_1")._self_attention_layer.query_dense.kernel)
    np.testing.assert_allclose(q.reshape(16, 16), tensors["encoder.layer.1.attention.self.query.weight"].T, atol=1e-7)
    # padding does not change the prediction: the mask comes from the ids
    x = np.array([[2, 6, 7, 3, 0, 0, 0, 0]], dtype="int32")
    np.testing.assert_allclose(model.predict(x, verbose=0), model.predict(x[:, :4], verbose=0), atol=1e-5)


def test_length_buckets_pad_per_batch():
    lengths = [3] * 40 + [30] * 40
    batches = batching.length_batches(lengths, 8, np.random.default_rng(0))
    assert sorted(np.concatenate(batches).tolist()) == list(range(80))
    padded = [batching.bucket_length(max(lengths[i] for i in b)) for b in batches]
    assert set(padded) == {8, 32} and padded[0] != padded[1]
    ids = [[5] * n for n in (3, 9)]
    assert batching.pad_batch(ids, 0).shape == (2, 16)


def test_fine_tune_bert_and_reload(tiny_bert, tiny_sst, tmp_path):
    folder, _ = tiny_bert
    result = sentiment.train(model="bert", pretrained=str(folder), dataset=tiny_sst, epochs=3, batch_size=16,
                             learning_rate=3e-3, output_dir=tmp_path, verbose=0)
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert result.metrics["sequence_length"] is None  # dynamic padding, no fixed length
    backbone = next(layer for layer in result.model.get_layer("bert").layers if "backbone" in layer.name)
    assert not backbone.token_embedding.trainable  # frozen word-piece table: the default for bert
    tok = result.model.get_layer("text_tokenizer").tokenizer
    assert tok.kind == "wordpiece" and tok.tokenize("Gripping, funny!")[:2] == ["gripping", ","]
    texts = ["a gripping , funny film", "a dull , tedious plot"]
    before = sentiment.predict_proba(result.model, texts)
    again = sentiment.predict_proba(str(result.run_dir / "model.keras"), texts)
    np.testing.assert_allclose(again, before, atol=1e-5)
    predictions = sentiment.predict(result.model, texts)
    assert [label in ("negative", "positive") for label, _ in predictions] == [True, True]
    assert all(0.5 <= p <= 1.0 for _, p in predictions)
    # The checkpoint has 64 positions: the default 128 is clamped, so a long text is truncated, not a crash.
    assert tok.sequence_length == 64
    assert len(sentiment.predict(result.model, ["gripping " * 200])) == 1


def test_bert_needs_a_checkpoint(tiny_sst, tmp_path):
    with pytest.raises(ValueError, match="pretrained="):
        sentiment.train(model="bert", dataset=tiny_sst, output_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="vocab.txt"):
        sentiment.train(model="bert", pretrained=str(tmp_path), dataset=tiny_sst, output_dir=tmp_path)


def test_sequence_length_beyond_the_checkpoint_is_refused(tiny_bert, tiny_sst, tmp_path):
    folder, _ = tiny_bert
    with pytest.raises(ValueError, match="'sequence_length' parameter \\(100\\) exceeds the 64 positions"):
        sentiment.train(model="bert", pretrained=str(folder), dataset=tiny_sst, sequence_length=100,
                        output_dir=tmp_path, verbose=0)
