"""Tokenizers: word splitting, vocabulary, WordPiece, config round trips, errors."""

import numpy as np
import pytest

from zoo.text import WordPieceTokenizer, WordTokenizer, basic_tokenize, tokenizer_from_config
from zoo.text.tokenizer import pad_sequences


def test_basic_tokenize_matches_sst_style():
    assert basic_tokenize("It isn't a gripping, funny film... the film's best") == [
        "it", "is", "n't", "a", "gripping", ",", "funny", "film", "...", "the", "film", "'s", "best"]
    # Already tokenised SST/MR text is left as it is.
    assert basic_tokenize("it wo n't sit still for a re-imagining .") == [
        "it", "wo", "n't", "sit", "still", "for", "a", "re-imagining", "."]
    assert basic_tokenize("Don\u2019t", lowercase=False) == ["Do", "n't"]


def test_word_tokenizer_vocabulary_is_frequency_ordered_and_pads():
    tok = WordTokenizer.fit(["a fine film", "a dull film", "a film"])
    assert tok.vocabulary == ["[PAD]", "[UNK]", "a", "film", "dull", "fine"]
    x = tok.encode(["a fine , dull film", "film"], sequence_length=6)
    assert x.dtype == np.int32
    np.testing.assert_array_equal(x, [[2, 5, 1, 4, 3, 0], [3, 0, 0, 0, 0, 0]])
    # truncation, and padding to the longest text when no length is given
    assert tok.encode(["a a a a a a a"], sequence_length=3).tolist() == [[2, 2, 2]]
    assert tok.encode(["a", "a film"]).shape == (2, 2)


def test_word_tokenizer_max_tokens_min_count_and_round_trip():
    tok = WordTokenizer.fit(["a b c", "a b", "a"], max_tokens=4)
    assert tok.vocabulary == ["[PAD]", "[UNK]", "a", "b"]
    tok2 = WordTokenizer.fit(["a b c", "a b", "a"], min_count=2)
    assert tok2.vocabulary == ["[PAD]", "[UNK]", "a", "b"]
    again = tokenizer_from_config(tok.get_config())
    assert isinstance(again, WordTokenizer) and again.vocabulary == tok.vocabulary
    np.testing.assert_array_equal(again.encode(["c b a"], 4), tok.encode(["c b a"], 4))


def test_wordpiece_matches_bert_rules():
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##want", "##ed", "runn", "##ing", ",", "caf", "##e"]
    tok = WordPieceTokenizer(vocab, sequence_length=8)
    assert tok.tokenize("UNwanted, running") == ["un", "##want", "##ed", ",", "runn", "##ing"]
    assert tok.tokenize("Café") == ["caf", "##e"]  # accents stripped (uncased)
    assert tok.tokenize("xyz") == ["[UNK]"]
    ids = tok.ids(["unwanted running unwanted"])[0]
    assert ids[0] == 2 and ids[-1] == 3 and len(ids) == 8  # [CLS] ... [SEP], truncated to sequence_length
    again = tokenizer_from_config(tok.get_config())
    assert again.ids(["running"]) == tok.ids(["running"])


def test_wordpiece_requires_special_tokens():
    with pytest.raises(ValueError, match="special tokens"):
        WordPieceTokenizer(["a", "b"])


def test_errors_name_the_argument():
    tok = WordTokenizer.fit(["a b"])
    with pytest.raises(TypeError, match="list of strings"):
        tok.encode("a single string")
    with pytest.raises(TypeError, match="only strings"):
        tok.encode(["ok", 3])
    with pytest.raises(ValueError, match="must start with"):
        WordTokenizer(["a", "b"])
    with pytest.raises(ValueError, match="Unknown tokenizer kind"):
        tokenizer_from_config({"kind": "bpe"})


def test_pad_sequences():
    np.testing.assert_array_equal(pad_sequences([[1, 2, 3], [4]], pad_id=9), [[1, 2, 3], [4, 9, 9]])
    assert pad_sequences([[1]], min_length=5).shape == (1, 5)


def test_wordpiece_matches_hugging_face_on_minilm_vocab():
    import os

    from tests.conftest import SHARED

    folder = os.path.join(SHARED, "pretrained", "all-MiniLM-L6-v2")
    if not os.path.exists(os.path.join(folder, "tokenizer.json")):
        pytest.skip("the shared MiniLM checkpoint is not on this machine")
    tokenizers = pytest.importorskip("tokenizers")
    hf = tokenizers.Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    hf.no_truncation()
    hf.no_padding()
    ours = WordPieceTokenizer.from_vocab_file(os.path.join(folder, "vocab.txt"), sequence_length=512)
    texts = ["Café crème, naïve \u2014 isn't it?\u200b ok", "a gripping, funny film", "humor\x85it's plain bored",
             "the rock is destined to be the 21st century's new \" conan \"", "tab\there\x00x  émigré's ½ 東京"]
    for text in texts:
        assert ours.ids([text])[0] == hf.encode(text).ids, text
