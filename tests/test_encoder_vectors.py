"""Word vectors distilled from a BERT-family encoder (zoo.text.EncoderVectors), on a tiny randomly
initialised BERT that the test writes itself in Hugging Face layout."""

import numpy as np
import pytest

pytest.importorskip("keras_hub")
pytest.importorskip("safetensors")

from tests.test_sentiment_bert import tiny_bert, tiny_sst  # noqa: E402,F401  (fixtures)
from zoo.applications import sentiment  # noqa: E402
from zoo.text import EncoderVectors  # noqa: E402

VOCAB = ["[PAD]", "[UNK]", "good", "bad", "film", "gripping"]


def _mean_pooled_by_hand(folder, words):
    """The last layer of KerasHub's BertBackbone on [CLS] word [SEP], averaged over the three tokens."""
    import keras
    import keras_hub

    backbone = keras_hub.models.BertBackbone.from_preset(str(folder))
    vocab = (folder / "vocab.txt").read_text().split("\n")
    ids = np.array([[vocab.index("[CLS]"), vocab.index(w), vocab.index("[SEP]")] for w in words], "int32")
    out = backbone({"token_ids": ids, "padding_mask": np.ones_like(ids), "segment_ids": np.zeros_like(ids)})
    return keras.ops.convert_to_numpy(out["sequence_output"]).mean(axis=1)


def test_rows_are_the_encoders_mean_pooled_words_centred_and_scaled(tiny_bert):
    folder, _ = tiny_bert
    matrix = EncoderVectors(folder, scale=0.1).embedding_matrix(VOCAB)
    assert matrix.shape == (len(VOCAB), 16) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[:2], 0.0)  # [PAD] and [UNK]
    expected = _mean_pooled_by_hand(folder, VOCAB[2:])
    expected = (expected - expected.mean(axis=0)) * (0.1 / (expected - expected.mean(axis=0)).std())
    np.testing.assert_allclose(matrix[2:], expected, atol=1e-5)
    assert matrix[2:].std() == pytest.approx(0.1, rel=1e-4)


def test_a_vocabulary_is_encoded_once(tiny_bert, monkeypatch):
    folder, _ = tiny_bert
    vectors = EncoderVectors(folder)
    calls = []
    compute = vectors._compute
    monkeypatch.setattr(vectors, "_compute", lambda words: calls.append(words) or compute(words))
    first = vectors.embedding_matrix(VOCAB)
    first[2] = 99.0  # callers get a copy
    second = vectors.embedding_matrix(VOCAB)
    assert len(calls) == 1 and not np.any(second == 99.0)


def test_train_takes_a_checkpoint_folder_as_embeddings(tiny_bert, tiny_sst, tmp_path):
    import keras

    folder, _ = tiny_bert
    result = sentiment.train(model="textcnn", dataset=tiny_sst, epochs=1, embeddings=str(folder), freeze_embeddings=True,
                             output_dir=tmp_path, model_kwargs={"num_filters": 4, "filter_sizes": [2]}, verbose=0)
    tok = result.model.get_layer("text_tokenizer").tokenizer
    table = keras.ops.convert_to_numpy(result.model.get_layer("textcnn").get_layer("embedding").embeddings)
    np.testing.assert_allclose(table, EncoderVectors(folder).embedding_matrix(tok.vocabulary), atol=1e-6)


def test_bad_arguments_are_named(tiny_bert, tmp_path):
    with pytest.raises(ValueError, match="'scale'"):
        EncoderVectors("anything", scale=0)
    with pytest.raises(FileNotFoundError, match="vocab.txt"):
        (tmp_path / "empty").mkdir()
        EncoderVectors(tmp_path / "empty").embedding_matrix(VOCAB)
