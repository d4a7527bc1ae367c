"""Word2Vec training data: vocabulary, vectorised windows, subsampling and negatives."""

import collections

import numpy as np
import pytest

from zoo.text import word2vec_data as wd


def _brute_force_pairs(ids, sentence_of, reduced):
    pairs = []
    for i in range(len(ids)):
        for j in range(max(0, i - reduced[i]), min(len(ids), i + reduced[i] + 1)):
            if j != i and sentence_of[j] == sentence_of[i]:
                pairs.append((int(ids[i]), int(ids[j])))
    return sorted(pairs)


def test_vocabulary_min_count_and_order():
    sentences = [["b", "a", "a", "c"], ["a", "b", "d"]]
    vocab = wd.Vocabulary.build(sentences, min_count=2)
    assert vocab.words == ["a", "b"]
    np.testing.assert_array_equal(vocab.counts, [3, 2])
    ids, sentence_of = wd.encode(sentences, vocab)
    np.testing.assert_array_equal(ids, [1, 0, 0, 0, 1])  # c and d dropped before windows are cut
    np.testing.assert_array_equal(sentence_of, [0, 0, 0, 1, 1])


def test_vocabulary_empty_is_a_clear_error():
    with pytest.raises(ValueError, match="min_count=5"):
        wd.Vocabulary.build([["a", "b"]], min_count=5)


def test_read_corpus_sources(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("A fine film .\n\nIt isn't dull\n", encoding="utf-8")
    assert wd.read_corpus(str(path)) == [["a", "fine", "film", "."], ["it", "is", "n't", "dull"]]
    assert wd.read_corpus(["A b", "c"], tokenizer="whitespace") == [["a", "b"], ["c"]]
    assert wd.read_corpus([["X", "y"], []]) == [["X", "y"]]  # token lists are used as given
    with pytest.raises(ValueError, match="neither a file nor a known dataset"):
        wd.read_corpus(str(tmp_path / "missing.txt"))
    with pytest.raises(TypeError, match="Item 1 is int"):
        wd.read_corpus(["ok", 3])
    with pytest.raises(ValueError, match="'tokenizer'"):
        wd.read_corpus(["a b"], tokenizer="spacy")


def test_read_corpus_sentiment_text(shared_data):
    sentences = wd.read_corpus("sentiment", data_path=shared_data)
    assert len(sentences) == 6920 + 872 + 1821 + 2 * 5331


def test_skipgram_pairs_match_a_brute_force_window():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 50, 300).astype("int32")
    sentence_of = np.repeat(np.arange(30), 10).astype("int32")
    window = 4
    centres, contexts = wd.skipgram_pairs(ids, sentence_of, window, np.random.default_rng(7), shuffle=False)
    reduced = np.random.default_rng(7).integers(1, window + 1, size=len(ids))  # the same draws
    got = sorted(zip(centres.tolist(), contexts.tolist()))
    assert got == _brute_force_pairs(ids, sentence_of, reduced)


def test_skipgram_pairs_dynamic_window_and_sentence_boundaries():
    n, window = 20000, 5
    ids = np.arange(n, dtype="int32")  # id == position, so offsets can be read off the pairs
    sentence_of = np.arange(n, dtype="int32") // 50
    centres, contexts = wd.skipgram_pairs(ids, sentence_of, window, np.random.default_rng(0))
    offset = np.abs(contexts - centres)
    assert offset.min() == 1 and offset.max() == window
    assert np.all(sentence_of[centres] == sentence_of[contexts])
    share = np.bincount(offset, minlength=window + 1)[1:] / len(offset)
    expected = (window - np.arange(window)) / (window * (window + 1) / 2)  # P(b >= o) ~ (W - o + 1) / W
    np.testing.assert_allclose(share, expected, atol=0.01)


def test_subsampling_keeps_rare_words_and_thins_frequent_ones():
    counts = np.array([90000, 9000, 50])
    keep = wd.keep_probabilities(counts, sample=1e-3)
    t = 1e-3 * counts.sum()
    np.testing.assert_allclose(keep[0], (np.sqrt(counts[0] / t) + 1) * t / counts[0])
    assert keep[0] < keep[1] < 1.0 and keep[2] == 1.0
    ids = np.repeat(np.arange(3), counts).astype("int32")
    kept, _ = wd.subsample(ids, np.zeros_like(ids), keep, np.random.default_rng(0))
    np.testing.assert_allclose(np.bincount(kept, minlength=3) / counts, keep, atol=0.01)
    assert np.all(wd.keep_probabilities(counts, sample=0) == 1.0)


def test_negatives_follow_unigram_to_the_075():
    counts = np.array([1000, 300, 100, 10, 1])
    sampler = wd.NegativeSampler(counts)
    draws = sampler.sample(400_000, np.random.default_rng(0))
    expected = counts**0.75 / np.sum(counts**0.75)
    np.testing.assert_allclose(np.bincount(draws, minlength=5) / len(draws), expected, atol=0.004)
    positives = np.zeros(20000, dtype="int32")
    negatives = sampler.negatives_for(positives, 5, np.random.default_rng(1))
    assert negatives.shape == (20000, 5)
    # A draw equal to its positive is redrawn twice: it survives with probability p ** 3.
    np.testing.assert_allclose(np.mean(negatives == 0), expected[0] ** 3, atol=0.01)
    with pytest.raises(ValueError, match="positive word counts"):
        wd.NegativeSampler([3, 0])


def test_cbow_examples_match_the_skipgram_windows():
    rng = np.random.default_rng(0)
    ids = rng.integers(1, 40, 200).astype("int32")
    sentence_of = np.repeat(np.arange(20), 10).astype("int32")
    ids[50] = 0  # id 0 is a real word, not padding: the mask tells them apart
    context, mask, centres = wd.cbow_examples(ids, sentence_of, 3, np.random.default_rng(3), shuffle=False)
    c2, x2 = wd.skipgram_pairs(ids, sentence_of, 3, np.random.default_rng(3), shuffle=False)
    assert context.shape == mask.shape == (len(centres), 6)
    got = sorted((int(c), int(w)) for row, m, c in zip(context, mask, centres) for w, on in zip(row, m) if on)
    assert got == sorted(zip(c2.tolist(), x2.tolist()))
    assert np.all(mask.sum(1) >= 1)


def test_pair_generation_is_vectorised_and_fast():
    import time

    n = 400_000
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 5000, n).astype("int32")
    sentence_of = (np.arange(n) // 20).astype("int32")
    start = time.perf_counter()
    centres, _ = wd.skipgram_pairs(ids, sentence_of, 5, rng)
    assert len(centres) > 4 * n
    assert time.perf_counter() - start < 5.0  # a Python loop per pair takes a minute here


def test_shared_negatives_repeat_over_each_group():
    sampler = wd.NegativeSampler(np.array([1000, 300, 100, 10, 1]))
    positives = np.zeros(10, dtype="int32")
    negatives = sampler.negatives_for(positives, 3, np.random.default_rng(0), group=4)
    assert negatives.shape == (10, 3)
    for start in (0, 4, 8):
        assert (negatives[start:start + 4] == negatives[start]).all()
    assert not (negatives[0] == negatives[4]).all() or not (negatives[4] == negatives[8]).all()
