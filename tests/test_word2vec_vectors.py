"""WordVectors: cosine queries, the word2vec text format (read by gensim), embedding initialisation."""

import numpy as np
import pytest

from zoo.text.word2vec_vectors import WordVectors


@pytest.fixture
def vectors(rng):
    words = ["man", "woman", "king", "queen", "apple", "pear"]
    # king - man + woman == queen exactly; fruit far from people.
    base = {"man": [1, 0, 0, 0.1], "woman": [1, 1, 0, 0.1], "king": [1, 0, 1, 0.1], "queen": [1, 1, 1, 0.1],
            "apple": [0, 0, 0, 1], "pear": [0, 0.1, 0, 1]}
    return WordVectors(words, np.array([base[w] for w in words], dtype="float32") + rng.normal(0, 1e-3, (6, 4)))


def test_similarity_most_similar_and_analogy(vectors):
    assert vectors.similarity("apple", "pear") > vectors.similarity("apple", "king")
    assert vectors.similarity("man", "king") == pytest.approx(vectors.similarity("king", "man"))
    near = vectors.most_similar("apple", topn=3)
    assert near[0][0] == "pear" and "apple" not in [w for w, _ in near]
    scores = [s for _, s in near]
    assert scores == sorted(scores, reverse=True)
    assert vectors.analogy("man", "king", "woman")[0][0] == "queen"
    by_vector = vectors.most_similar(vectors["pear"], topn=1)  # a raw vector query excludes nothing
    assert by_vector[0][0] == "pear"


def test_unknown_words_and_bad_queries(vectors):
    with pytest.raises(KeyError, match="'quen'.*Close words: queen"):
        vectors.most_similar("quen")
    with pytest.raises(ValueError, match="at least one word"):
        vectors.most_similar()
    with pytest.raises(ValueError, match="'topn'"):
        vectors.most_similar("man", topn=0)
    with pytest.raises(ValueError, match="without white space"):
        WordVectors(["new york"], np.zeros((1, 2)))
    with pytest.raises(ValueError, match="distinct"):
        WordVectors(["a", "a"], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="NaN"):
        WordVectors(["a"], np.array([[np.nan, 1.0]]))


def test_save_load_round_trip_is_exact(vectors, tmp_path):
    path = vectors.save(tmp_path / "vectors.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "6 4"  # the word2vec text header: count and dimension
    assert all(len(line.split(" ")) == 5 for line in lines[1:])
    loaded = WordVectors.load(path)
    assert loaded.words == vectors.words
    np.testing.assert_array_equal(loaded.vectors, vectors.vectors)


def test_gensim_reads_our_files_and_we_read_gensims(vectors, tmp_path):
    path = vectors.save(tmp_path / "vectors.txt")
    try:
        from gensim.models import KeyedVectors
    except ImportError:  # the benchmark-only extra is absent: check the format by hand instead
        header, *rows = path.read_text(encoding="utf-8").splitlines()
        count, dim = map(int, header.split())
        parsed = {r.split(" ")[0]: np.array(r.split(" ")[1:], dtype="float32") for r in rows}
        assert count == len(parsed) == len(vectors) and dim == vectors.dim
        np.testing.assert_array_equal(parsed["queen"], vectors["queen"])
        return
    kv = KeyedVectors.load_word2vec_format(str(path), binary=False)
    assert list(kv.index_to_key) == vectors.words
    np.testing.assert_array_equal(kv["queen"], vectors["queen"])
    assert kv.similarity("apple", "pear") == pytest.approx(vectors.similarity("apple", "pear"), abs=1e-6)
    kv.save_word2vec_format(str(tmp_path / "gensim.txt"), binary=False)
    back = WordVectors.load(tmp_path / "gensim.txt")
    np.testing.assert_array_equal(back.vectors, vectors.vectors)


def test_load_rejects_broken_files(tmp_path):
    truncated = tmp_path / "truncated.txt"
    truncated.write_text("3 2\na 1 2\nb 3 4\n", encoding="utf-8")
    with pytest.raises(ValueError, match="promises 3 vectors but the file holds 2"):
        WordVectors.load(truncated)
    ragged = tmp_path / "ragged.txt"
    ragged.write_text("2 2\na 1 2\nb 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3: expected a word and 2 numbers"):
        WordVectors.load(ragged)
    words = tmp_path / "words.txt"
    words.write_text("1 2\na 1 x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not all numbers"):
        WordVectors.load(words)
    with pytest.raises(FileNotFoundError, match="not a file"):
        WordVectors.load(tmp_path / "absent.txt")
    glove = tmp_path / "glove.txt"  # header-less files (GloVe) are read too
    glove.write_text("a 1 2\nb 3 4\n", encoding="utf-8")
    assert WordVectors.load(glove).words == ["a", "b"]


def test_embedding_matrix_and_keras_layer(vectors):
    import keras

    vocabulary = ["[PAD]", "[UNK]", "queen", "unseen", "Apple"]
    matrix = vectors.embedding_matrix(vocabulary)
    assert matrix.shape == (5, 4) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[0], 0.0)
    np.testing.assert_array_equal(matrix[2], vectors["queen"])
    np.testing.assert_array_equal(matrix[4], vectors["apple"])  # lower-case fallback
    assert np.abs(matrix[3]).max() > 0  # unknown words start random
    layer = vectors.embedding_layer(vocabulary, trainable=False)
    out = np.asarray(keras.ops.convert_to_numpy(layer(np.array([[2, 0]], dtype="int32"))))
    np.testing.assert_allclose(out[0], matrix[[2, 0]])
    assert not layer.trainable
