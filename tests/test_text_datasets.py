"""Text datasets: SST-2/MR/IMDB layouts, CSV/TSV, latin-1, seeded splits and k folds."""

import numpy as np
import pytest

from zoo.datasets.text import (
    TextDataset, kfold_indices, load_class_files, load_csv, load_label_lines, load_text_dataset,
    load_text_folders, stratified_split,
)


def _write_label_lines(folder, prefix="stsa.binary", n=(6, 2, 3)):
    folder.mkdir(parents=True, exist_ok=True)
    for split, count in zip(("train", "dev", "test"), n):
        lines = [f"{i % 2} sentence {split} {i} ." for i in range(count)]
        (folder / f"{prefix}.{split}").write_text("\n".join(lines) + "\n")
    return folder


def test_label_lines_folder_and_prefix(tmp_path):
    folder = _write_label_lines(tmp_path / "sst")
    for where in (folder, folder / "stsa.binary."):
        ds = load_text_dataset(where)
        assert (len(ds.train_texts), len(ds.dev_texts), len(ds.test_texts)) == (6, 2, 3)
        assert ds.class_names == ["negative", "positive"]
        assert ds.train_texts[1] == "sentence train 1 ." and ds.train_labels.tolist() == [0, 1, 0, 1, 0, 1]


def test_label_lines_multiclass_without_test_split(tmp_path):
    lines = [f"{i % 5} text {i}" for i in range(50)]
    (tmp_path / "fine.train").write_text("\n".join(lines))
    ds = load_label_lines(tmp_path, test_fraction=0.2, seed=1)
    assert ds.class_names == ["0", "1", "2", "3", "4"] and ds.num_classes == 5
    assert len(ds.test_texts) == 10 and np.bincount(ds.test_labels).tolist() == [2] * 5


def test_one_label_lines_file_is_read_whole(tmp_path):
    # Kim (2014)'s SUBJ/CR/MPQA come as one 'label sentence' file (subj.all): a path to it, or a folder
    # holding only it (a README beside it is not data), gives a seeded stratified hold-out.
    folder = tmp_path / "subj"
    folder.mkdir()
    (folder / "subj.all").write_text("\n".join(f"{i % 2} sentence {i}" for i in range(40)) + "\n")
    (folder / "README.md").write_text("the SUBJ data set\n")
    a, b = load_text_dataset(folder / "subj.all"), load_text_dataset(folder)
    assert (len(a.train_texts), len(a.test_texts)) == (36, 4) and a.class_names == ["negative", "positive"]
    assert a.test_texts == b.test_texts and a.name == "subj" and b.name == "subj"
    assert np.bincount(a.test_labels).tolist() == [2, 2]


def test_split_named_by_a_word_of_the_file_name(tmp_path):
    for name, label in (("train_5500.label", "DESC:manner"), ("TREC.test.all", "HUM:ind")):
        (tmp_path / name).write_text(f"{label} how did serfdom develop ?\nLOC:city where is it ?\n")
    ds = load_text_dataset(tmp_path)
    assert (len(ds.train_texts), len(ds.test_texts)) == (2, 2)
    assert ds.class_names == ["DESC:manner", "HUM:ind", "LOC:city"]


def test_unnamed_file_beside_split_files_is_a_clear_error(tmp_path):
    # TREC's own names: train_5500.label and TREC_10.label (the test set). Guessing would be silently wrong.
    (tmp_path / "train_5500.label").write_text("A one\nB two\n")
    (tmp_path / "TREC_10.label").write_text("A three\n")
    with pytest.raises(ValueError, match="no file named 'test'.*TREC_10.label"):
        load_text_dataset(tmp_path)


def test_label_lines_bad_line_names_the_file(tmp_path):
    (tmp_path / "x.train").write_text("1 fine\nnolabel\n")
    with pytest.raises(ValueError, match="x.train, line 2"):
        load_label_lines(tmp_path)


def test_class_files_latin1_with_nel_byte(tmp_path):
    # 0x85 is '...' in cp1252 and U+0085 in latin-1: it must not split a line.
    (tmp_path / "rt-polarity.pos").write_bytes(b"a charming caf\xe9 film\nfun \x85 really\n")
    (tmp_path / "rt-polarity.neg").write_bytes(b"dull\nbad\n")
    ds = load_class_files(tmp_path, test_fraction=0.5, seed=0)
    assert ds.class_names == ["negative", "positive"]
    texts = sorted(ds.train_texts + ds.test_texts)
    assert len(texts) == 4 and "a charming caf\u00e9 film" in texts


def test_mr_and_sst2_real(shared_data):
    sst = load_text_dataset("sst2", shared_data)
    assert (len(sst.train_texts), len(sst.dev_texts), len(sst.test_texts)) == (6920, 872, 1821)
    mr = load_text_dataset("mr", shared_data)
    assert len(mr.train_texts) + len(mr.test_texts) == 10662
    assert np.bincount(np.concatenate([mr.train_labels, mr.test_labels])).tolist() == [5331, 5331]
    again = load_text_dataset("mr", shared_data)
    assert again.test_texts == mr.test_texts  # the seeded split is reproducible


def test_imdb_folder_layout(tmp_path):
    root = tmp_path / "aclImdb"
    for split in ("train", "test"):
        for cls, words in (("pos", "great"), ("neg", "awful")):
            d = root / split / cls
            d.mkdir(parents=True)
            for i in range(3):
                (d / f"{i}_7.txt").write_text(f"{words} movie<br />number {i}")
        (root / split / "unsup").mkdir()
    ds = load_text_folders(root)
    assert ds.class_names == ["negative", "positive"] and len(ds.train_texts) == 6 and len(ds.test_texts) == 6
    assert "<br />" not in ds.train_texts[0]
    assert load_text_dataset("imdb", tmp_path).train_texts == ds.train_texts  # via the manifest's 'aclImdb'


def test_csv_and_tsv(tmp_path):
    (tmp_path / "r.csv").write_text('review,sentiment\n"good, really",pos\nbad,neg\nfine,pos\nugh,neg\n')
    ds = load_csv(tmp_path / "r.csv", test_fraction=0.5)
    assert ds.class_names == ["neg", "pos"] and len(ds.train_texts) == 2
    (tmp_path / "r.tsv").write_text("label\ttext\n1\tgood\n0\tbad\n1\tfine\n0\tugh\n")
    ds = load_text_dataset(tmp_path / "r.tsv", test_fraction=0.5)
    assert ds.class_names == ["negative", "positive"]
    with pytest.raises(ValueError, match="label_column"):
        load_csv(tmp_path / "r.csv", label_column="stars")


def test_glue_style_tsv_folder_scores_dev_when_test_has_no_labels(tmp_path):
    # GLUE's SST-2: train.tsv and dev.tsv (sentence, label), test.tsv without labels.
    (tmp_path / "train.tsv").write_text("sentence\tlabel\ngood\t1\nbad\t0\nfine\t1\nugh\t0\n")
    (tmp_path / "dev.tsv").write_text("sentence\tlabel\nnice\t1\nawful\t0\n")
    (tmp_path / "test.tsv").write_text("index\tsentence\n0\tsome film\n")
    ds = load_text_dataset(tmp_path)
    assert ds.name == tmp_path.name and ds.class_names == ["negative", "positive"]
    assert ds.train_texts == ["good", "bad", "fine", "ugh"] and ds.test_texts == ["nice", "awful"]
    assert ds.dev_texts is None
    with pytest.raises(ValueError, match="test.tsv has no labels in 'label'"):
        load_csv(tmp_path / "train.tsv", test_path=tmp_path / "test.tsv")


def test_csv_split_files_and_a_lone_csv_in_a_folder(tmp_path):
    split = tmp_path / "split"
    split.mkdir()
    for name, rows in (("train.csv", "good,pos\nbad,neg\n"), ("dev.csv", "ok,pos\n"), ("test.csv", "meh,neg\n")):
        (split / name).write_text("text,label\n" + rows)
    ds = load_text_dataset(split)
    assert (ds.train_texts, ds.dev_texts, ds.test_texts) == (["good", "bad"], ["ok"], ["meh"])
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "reviews.csv").write_text("text,label\n" + "".join(f"t{i},{i % 2}\n" for i in range(10)))
    ds = load_text_dataset(lone, test_fraction=0.2)
    assert ds.name == "lone" and (len(ds.train_texts), len(ds.test_texts)) == (8, 2)


def test_label_lines_train_and_dev_only_scores_dev(tmp_path):
    (tmp_path / "x.train").write_text("1 good\n0 bad\n")
    (tmp_path / "x.dev").write_text("1 nice\n")
    ds = load_text_dataset(tmp_path)
    assert ds.test_texts == ["nice"] and ds.dev_texts is None


def test_headerless_csv_and_placeholder_test_labels(tmp_path):
    # Zhang et al.'s yelp_review_polarity_csv: no header row, "label","text"; a readme beside it.
    yelp = tmp_path / "yelp"
    yelp.mkdir()
    for name, n in (("train.csv", 12), ("test.csv", 4)):
        (yelp / name).write_text("".join(f'"{1 + i % 2}","review {i}, it was ok"\n' for i in range(n)))
    (yelp / "readme.txt").write_text("Yelp reviews polarity\n")
    ds = load_text_dataset(yelp)
    assert ds.class_names == ["1", "2"] and ds.train_texts[0] == "review 0, it was ok" and len(ds.test_texts) == 4
    # A Hugging Face export writes label -1 in test: it is not scored, validation is.
    hf = tmp_path / "hf"
    hf.mkdir()
    (hf / "train.csv").write_text("sentence,label\n" + "".join(f"s{i},{i % 2}\n" for i in range(6)))
    (hf / "validation.csv").write_text("sentence,label\nv0,0\nv1,1\n")
    (hf / "test.csv").write_text("sentence,label\nt0,-1\nt1,-1\n")
    ds = load_text_dataset(hf)
    assert ds.class_names == ["negative", "positive"] and ds.test_texts == ["v0", "v1"]


def test_tsv_sentence_may_start_with_a_quote(tmp_path):
    (tmp_path / "train.tsv").write_text('sentence\tlabel\n"quoted start of a line\t1\nplain\t0\n')
    (tmp_path / "dev.tsv").write_text("sentence\tlabel\nok\t1\n")
    ds = load_text_dataset(tmp_path)
    assert ds.train_texts == ['"quoted start of a line', "plain"]


def test_original_file_names_of_subj_trec_and_kim(tmp_path):
    subj = tmp_path / "subj"
    subj.mkdir()
    (subj / "quote.tok.gt9.5000").write_text("i loved it\nwhat a ride\n")
    (subj / "plot.tok.gt9.5000").write_text("a man goes home\nthe war ends\n")
    (subj / "subjdata.README.1.0").write_text("about the data\n")
    assert load_text_dataset(subj, test_fraction=0.5).class_names == ["plot", "quote"]
    camel = tmp_path / "camel"
    camel.mkdir()
    for name in ("sstTrain.txt", "sstTest.txt"):
        (camel / name).write_text("1 good\n0 bad\n")
    (camel / "sst.tar.gz").write_bytes(b"not data")
    ds = load_text_dataset(camel)
    assert (len(ds.train_texts), len(ds.test_texts)) == (2, 2)
    kim = _write_label_lines(tmp_path / "kim")
    _write_label_lines(kim, prefix="stsa.binary.phrases", n=(9, 0, 0))
    with pytest.raises(ValueError, match="Several train files.*prefix"):
        load_text_dataset(kim)
    assert len(load_text_dataset(kim / "stsa.binary.").train_texts) == 6


def test_sentences_without_labels_are_refused(tmp_path):
    (tmp_path / "rt-polarity.pos").write_text("a fine film\nthe best\n")
    with pytest.raises(ValueError, match="one class.*Pass the folder"):
        load_text_dataset(tmp_path / "rt-polarity.pos")
    words = ["a", "the", "an", "this", "it", "what", "one", "its", "his", "her", "my", "our"]
    (tmp_path / "plain.txt").write_text("".join(f"{words[i % 12]}{i % 7} film number {i}\n" for i in range(60)))
    with pytest.raises(ValueError, match="does not read as '<label> <sentence>'"):
        load_text_dataset(tmp_path / "plain.txt")


def test_tiny_classes_still_get_a_test_example():
    keep, held = stratified_split([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 0.1, seed=0)
    labels = np.asarray([0, 0, 0] + [1] * 11)
    assert sorted(labels[held].tolist()) == [0, 1] and len(keep) + len(held) == 14


def test_splits_and_folds_are_stratified_and_cover_everything():
    labels = np.array([0] * 30 + [1] * 20)
    keep, held = stratified_split(labels, 0.1, seed=3)
    assert len(np.intersect1d(keep, held)) == 0 and len(keep) + len(held) == 50
    assert np.bincount(labels[held]).tolist() == [3, 2]
    folds = kfold_indices(labels, k=10, seed=0)
    tested = np.concatenate([te for _, te in folds])
    assert sorted(tested.tolist()) == list(range(50))
    for tr, te in folds:
        assert len(np.intersect1d(tr, te)) == 0 and np.bincount(labels[te]).tolist() == [3, 2]
    with pytest.raises(ValueError, match="'k'"):
        kfold_indices(labels, k=1)


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(ValueError, match="'dataset' parameter"):
        load_text_dataset("no-such-set")


def test_all_concatenates_splits():
    ds = TextDataset("t", ["a"], np.array([0]), ["b"], np.array([1]), ["n", "p"], ["c"], np.array([1]))
    texts, labels = ds.all()
    assert texts == ["a", "c", "b"] and labels.tolist() == [0, 1, 1]


def test_label_line_classes_can_be_named(tmp_path):
    from zoo.datasets.text import load_text_dataset

    path = tmp_path / "subj.all"
    path.write_text("0 the plot unfolds in paris\n1 a gorgeous , witty film\n" * 10)
    ds = load_text_dataset(str(path), class_names=["objective", "subjective"])
    assert ds.class_names == ["objective", "subjective"]
    assert load_text_dataset(str(path)).class_names == ["negative", "positive"]  # the 0/1 default
    with pytest.raises(ValueError, match="'class_names' parameter must be a list of 2 distinct names"):
        load_text_dataset(str(path), class_names=["objective"])
