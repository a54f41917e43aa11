"""Pairs of short reviews where word order decides the sentiment.

Each pair holds the same words in a different order, with opposite meanings:
"I expected it to be bad, but it was good." against "I expected it to be good,
but it was bad.". A bag of words cannot tell the two reviews of a pair apart;
a model that reads in order can. Every word is among the 10,000 most frequent
words of IMDB, so that the course's models read no `[OOV]`.
"""

from collections import Counter

from lesson_utils.arguments import check_positive_int
from lesson_utils.data.text import INDEX_FROM, text_to_words

# Each pair: `positive`, the review that praises the film, and `negative`, the
# same words in another order, which pans it.
WORD_ORDER_PAIRS = [
    dict(
        positive="I expected it to be bad, but it was good.",
        negative="I expected it to be good, but it was bad.",
    ),
    dict(
        positive="It is not boring at all, it is great.",
        negative="It is not great at all, it is boring.",
    ),
    dict(
        positive="At first I hated it, but in the end I loved it.",
        negative="At first I loved it, but in the end I hated it.",
    ),
    dict(
        positive="The trailer looked awful, but the film is wonderful.",
        negative="The trailer looked wonderful, but the film is awful.",
    ),
    dict(
        positive="Everyone said it was terrible, but it is excellent.",
        negative="Everyone said it was excellent, but it is terrible.",
    ),
    dict(
        positive="It is never dull and always funny.", negative="It is never funny and always dull."
    ),
    dict(positive="Bad reviews, great movie.", negative="Great reviews, bad movie."),
    dict(
        positive="This is not a waste of time, it is a masterpiece.",
        negative="This is not a masterpiece, it is a waste of time.",
    ),
    dict(
        positive="I was not disappointed, I was impressed.",
        negative="I was not impressed, I was disappointed.",
    ),
    dict(
        positive="Not the worst film of the year but the best.",
        negative="Not the best film of the year but the worst.",
    ),
    dict(
        positive="Far from boring, it is brilliant.", negative="Far from brilliant, it is boring."
    ),
    dict(positive="Nothing bad, everything good.", negative="Nothing good, everything bad."),
    dict(
        positive="Critics called it awful; I call it perfect.",
        negative="Critics called it perfect; I call it awful.",
    ),
    dict(positive="I would give it ten, not one.", negative="I would give it one, not ten."),
    dict(
        positive="Expect to be entertained, not bored.",
        negative="Expect to be bored, not entertained.",
    ),
    dict(positive="It starts badly but ends well.", negative="It starts well but ends badly."),
    dict(positive="A film to love, not to hate.", negative="A film to hate, not to love."),
    dict(
        positive="Instead of a mess, it is a triumph.",
        negative="Instead of a triumph, it is a mess.",
    ),
    dict(positive="I came in bored and left happy.", negative="I came in happy and left bored."),
    dict(
        positive="It deserves praise, not criticism.", negative="It deserves criticism, not praise."
    ),
    dict(positive="Weak start, but a superb film.", negative="Superb start, but a weak film."),
]


def is_word_order_pair(first, second):
    """Tells whether two texts hold the same words in a different order.

    Both texts are split as the training reviews were (`text_to_words`), so
    case and punctuation do not count.

    Args:
        first: a text.
        second: another text.

    Returns:
        `True` if the two lists of words are permutations of each other and
        not the same list.
    """
    first, second = text_to_words(first), text_to_words(second)
    return Counter(first) == Counter(second) and first != second


def words_outside_vocabulary(review, word_index, vocab_size):
    """The words of a text that a model with `vocab_size` ids reads as `[OOV]` or skips.

    Args:
        review: a text.
        word_index: dict word -> frequency rank, as `get_word_index` returns.
        vocab_size: the number of word ids the model knows.

    Returns:
        The list of the text's words absent from the word index or with an id
        (rank + 3) of `vocab_size` or more, in order, each once.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size)
    outside = []
    for word in text_to_words(review):
        rank = word_index.get(word)
        if (rank is None or rank + INDEX_FROM >= vocab_size) and word not in outside:
            outside.append(word)
    return outside
