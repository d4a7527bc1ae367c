"""The embeddings application: Word2Vec learns topical similarity on a toy corpus; run folders; errors."""

import json

import numpy as np
import pytest

from zoo.applications import embeddings

ANIMALS = ["cat", "dog", "horse", "mouse", "cow"]
FINANCE = ["stock", "bond", "price", "market", "share"]


def _toy_corpus(n=300, seed=0):
    rng = np.random.default_rng(seed)
    sentences = []
    for i in range(n):
        topic = ANIMALS if i % 2 else FINANCE
        sentences.append(" ".join(rng.choice(topic, 6)))
    return sentences


def _topic_gap(vectors):
    within = [vectors.similarity(a, b) for group in (ANIMALS, FINANCE) for a in group for b in group if a < b]
    across = [vectors.similarity(a, b) for a in ANIMALS for b in FINANCE]
    return np.mean(within) - np.mean(across)


@pytest.mark.parametrize("model,negative_group", [("skipgram", 1), ("skipgram", 16), ("cbow", 1), ("cbow", 16)])
def test_related_words_end_up_closer(model, negative_group):
    vectors = embeddings.train_word2vec(_toy_corpus(), model=model, epochs=5, embedding_dim=16, window=3,
                                        min_count=1, sample=0, batch_size=128, negative_group=negative_group)
    assert len(vectors) == 10 and vectors.dim == 16
    assert _topic_gap(vectors) > 0.3, _topic_gap(vectors)
    assert vectors.most_similar("cat", topn=1)[0][0] in ANIMALS
    assert vectors.stats["words_per_second"] > 0 and vectors.stats["vocab_size"] == 10


def test_train_writes_a_run_folder(tmp_path):
    import keras

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(_toy_corpus(60)), encoding="utf-8")
    result = embeddings.train(corpus=str(corpus), epochs=2, embedding_dim=8, min_count=1, batch_size=256,
                              output_dir=str(tmp_path / "runs"))
    run = result.run_dir
    for name in ("config.json", "model.keras", "vectors.txt", "history.csv", "metrics.json", "learning_curves.png"):
        assert (run / name).exists(), name
    assert run.parent.name == "embeddings"
    loaded = embeddings.load_vectors(run)
    np.testing.assert_array_equal(loaded.vectors, result.vectors.vectors)
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["vocab_size"] == 10 and set(metrics["neighbours"]) <= set(ANIMALS + FINANCE)
    net = keras.saving.load_model(run / "model.keras", compile=False)
    np.testing.assert_array_equal(net.get_layer("word_embedding").get_weights()[0], result.vectors.vectors)
    assert len(result.history["loss"]) == 2
    assert result.history["learning_rate"][1] < result.history["learning_rate"][0]  # linear decay


def test_cli_trains_embeddings(tmp_path, capsys):
    from zoo.cli.main import main

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(_toy_corpus(40)), encoding="utf-8")
    code = main(["train", "embeddings", "--corpus", str(corpus), "--epochs", "1", "--min_count", "1",
                 "--embedding_dim", "8", "--output_dir", str(tmp_path / "runs")])
    assert code == 0
    assert "words_per_second" in capsys.readouterr().out


def test_bad_input_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="'model' parameter.*'glove'"):
        embeddings.train_word2vec(["a b"], model="glove")
    with pytest.raises(ValueError, match="'epochs'.*Got 0"):
        embeddings.train_word2vec(["a b"], epochs=0)
    with pytest.raises(ValueError, match="'trainer' parameter.*'adam'"):
        embeddings.train_word2vec(["a b"], trainer="adam")
    with pytest.raises(ValueError, match="'max_row_updates'.*Got 0"):
        embeddings.train_word2vec(["a b"], max_row_updates=0)
    with pytest.raises(ValueError, match="'sample'"):
        embeddings.train_word2vec(["a b"], sample=-1)
    with pytest.raises(ValueError, match="'batch_size'.*multiple of negative_group.*Got 100; pass 112"):
        embeddings.train_word2vec(["a b"], batch_size=100, negative_group=16)
    with pytest.raises(ValueError, match="holds no words"):
        embeddings.train_word2vec(["", "  "])
    with pytest.raises(ValueError, match="min_count=5"):
        embeddings.train_word2vec(["a b c"])
    with pytest.raises(ValueError, match="no training examples"):
        embeddings.train_word2vec(["a", "b"], min_count=1)
    with pytest.raises(ValueError, match="neither a file nor a known dataset"):
        embeddings.train_word2vec(str(tmp_path / "nope.txt"))


def test_vectors_initialise_the_sentiment_model(tmp_path):
    """The hand-over: sentiment.train(embeddings=vectors) starts its embedding layer from them."""
    from zoo.applications import sentiment

    vectors = embeddings.train_word2vec(_toy_corpus(), epochs=1, embedding_dim=8, min_count=1)
    rng = np.random.default_rng(0)
    for split, n in (("train", 40), ("test", 10)):
        lines = [f"{i % 2} " + " ".join(rng.choice(ANIMALS if i % 2 else FINANCE, 5)) for i in range(n)]
        (tmp_path / f"toy.{split}").write_text("\n".join(lines), encoding="utf-8")
    result = sentiment.train(model="textcnn", dataset=str(tmp_path / "toy."), embeddings=vectors,
                             freeze_embeddings=True, epochs=1, output_dir=str(tmp_path / "runs"), verbose=0)
    import keras

    tables = [w for w in result.model.weights if len(w.shape) == 2 and w.shape[-1] == 8]
    table = keras.ops.convert_to_numpy(tables[0])
    rows = {tuple(np.round(r, 5)) for r in table}
    assert tuple(np.round(vectors["cat"], 5)) in rows and tuple(np.round(vectors["stock"], 5)) in rows


@pytest.mark.slow
def test_sentiment_corpus_neighbours(shared_data):
    vectors = embeddings.train_word2vec("sentiment", epochs=5, data_path=shared_data)
    assert 6000 < len(vectors) < 8000
    assert vectors.similarity("good", "great") > vectors.similarity("good", "actor")
