"""The tasks' validation split (mtjspice.network.tasks.load_task(split="validation")): held out of
the training split, stratified, reproducible from the seed, and disjoint from the test split, so
settings chosen on it never saw a test image."""

from __future__ import annotations

import numpy as np
import pytest

from mtjspice.errors import ParameterError
from mtjspice.network.settings import Timing
from mtjspice.network.tasks import VALIDATION_FRACTION, load_task

TM = Timing()


def test_the_validation_split_comes_out_of_training_and_never_touches_the_test_split() -> None:
    test = load_task("digits", 11, TM)
    val = load_task("digits", 11, TM, split="validation")
    assert test.split == "test" and val.split == "validation"
    tr, va = set(val.index_train.tolist()), set(val.index_test.tolist())
    assert not tr & va  # validation images are not trained on
    assert not (tr | va) & set(test.index_test.tolist())  # no test image in either
    assert tr | va == set(test.index_train.tolist())  # together: the whole training split
    n = test.index_train.size
    assert abs(val.index_test.size - VALIDATION_FRACTION * n) <= 1  # 288 of 1437
    # stratified: every digit's share of the validation set within one image of its training share
    for d in range(10):
        assert abs(np.sum(val.y_test == d) - VALIDATION_FRACTION * np.sum(test.y_train == d)) <= 1
    # the labels and encodings are those of the listed images, the pixel means from the rest only
    from sklearn.datasets import load_digits

    data = load_digits()
    assert np.array_equal(val.y_test, data.target[val.index_test])
    mean = (data.images[val.index_train] / 16.0).reshape(val.index_train.size, -1).mean(axis=0)
    assert np.allclose(val.pixel_mean, mean)
    x = TM.v_in * ((data.images[val.index_test] / 16.0).reshape(val.index_test.size, -1) - mean)
    assert np.allclose(val.x_test[:, 0, :], x)
    assert np.allclose(val.images_test, data.images[val.index_test] / 16.0)


def test_the_validation_split_is_reproducible_from_the_seed() -> None:
    a = load_task("digits", 11, TM, split="validation")
    b = load_task("digits", 11, TM, split="validation")
    c = load_task("digits", 12, TM, split="validation")
    assert np.array_equal(a.index_test, b.index_test) and np.array_equal(a.x_train, b.x_train)
    assert not np.array_equal(np.sort(a.index_test), np.sort(c.index_test))
    ev = load_task("events", 11, TM, split="validation")  # the event task: the same images
    assert np.array_equal(ev.index_test, a.index_test) and ev.x_test.shape[0] == a.index_test.size


@pytest.mark.parametrize(("kw", "needle"), [({"split": "train"}, "split"), ({"holdout": 0.9}, "holdout"),
                                            ({"holdout": 0.0}, "holdout")])
def test_bad_split_arguments_are_refused(kw: dict, needle: str) -> None:
    with pytest.raises(ParameterError, match=f"^{needle}: got"):
        load_task("digits", 11, TM, **kw)
