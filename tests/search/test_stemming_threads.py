"""Searches served at the same time by one gthread worker stem their words alike: the English
stemmer keeps the word it works on in the object, and one object shared by the threads gave
wrong stems and IndexErrors (`make bench`: 13 of the Elasticsearch scenario's requests and 6 of
the database engine's answered 500)."""

from __future__ import annotations

import random
import sys
import threading

from search import analysis

WORDS = ["travelling", "happiness", "nationalization", "generously", "effectiveness", "scarves",
         "conditional", "relational", "hopefully", "weaving", "embroidered", "festivals"]


def test_english_words_stem_alike_in_threads_running_at_once():
    stem = analysis.stem.__wrapped__  # the stemmer itself, not the answers remembered
    expected = {word: stem(word, "en") for word in WORDS}
    wrong: list = []

    def search_words(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(2000):
            word = rng.choice(WORDS)
            try:
                if stem(word, "en") != expected[word]:
                    wrong.append(word)
            except IndexError as error:
                wrong.append(repr(error))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, as a busy worker may
    try:
        threads = [threading.Thread(target=search_words, args=(seed,)) for seed in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == []
