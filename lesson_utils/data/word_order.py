"""Pairs of short reviews where word order decides the sentiment.

Each pair holds the same words in a different order, with opposite meanings:
"I expected it to be bad, but it was good." against "I expected it to be good,
but it was bad.". A bag of words cannot tell the two reviews of a pair apart;
a model that reads in order can. Every word is among the 9,996 most frequent
words of IMDB (all a model with 10,000 word ids knows: ids 0 to 3 are
reserved), so that the course's models read no `[OOV]`.
"""

from collections import Counter

from lesson_utils.arguments import check_positive_int
from lesson_utils.data.text import INDEX_FROM, text_to_words

# Each pair: `positive`, the review that praises the film, and `negative`, the
# same words in another order, which pans it. The pairs come in two groups of
# 20. In the first, each review ends on a sentiment word that agrees with its
# label ("..., but it was good."); in the second, the same two clauses in the
# other order, each review ends on a word that disagrees with it ("It was
# good, though I expected it to be bad."). A rule that reads only the last
# sentiment word orders every pair of the first group correctly and every pair
# of the second wrongly (`last_word_agrees`).
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
        positive="It is never dull and always funny.",
        negative="It is never funny and always dull.",
    ),
    dict(
        positive="Bad reviews, great movie.",
        negative="Great reviews, bad movie.",
    ),
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
        positive="Far from boring, it is brilliant.",
        negative="Far from brilliant, it is boring.",
    ),
    dict(
        positive="Nothing bad, everything good.",
        negative="Nothing good, everything bad.",
    ),
    dict(
        positive="Critics called it awful; I call it perfect.",
        negative="Critics called it perfect; I call it awful.",
    ),
    dict(
        positive="Expect not to be bored but entertained.",
        negative="Expect not to be entertained but bored.",
    ),
    dict(
        positive="It starts badly but ends well.",
        negative="It starts well but ends badly.",
    ),
    dict(
        positive="Not a film to hate, but to love.",
        negative="Not a film to love, but to hate.",
    ),
    dict(
        positive="Instead of a mess, it is a triumph.",
        negative="Instead of a triumph, it is a mess.",
    ),
    dict(
        positive="I came in bored and left happy.",
        negative="I came in happy and left bored.",
    ),
    dict(
        positive="It deserves not criticism but praise.",
        negative="It deserves not praise but criticism.",
    ),
    dict(
        positive="Weak start, but a superb film.",
        negative="Superb start, but a weak film.",
    ),
    dict(
        positive="It was good, though I expected it to be bad.",
        negative="It was bad, though I expected it to be good.",
    ),
    dict(
        positive="It is great, it is not boring at all.",
        negative="It is boring, it is not great at all.",
    ),
    dict(
        positive="In the end I loved it, though at first I hated it.",
        negative="In the end I hated it, though at first I loved it.",
    ),
    dict(
        positive="The film is wonderful, though the trailer looked awful.",
        negative="The film is awful, though the trailer looked wonderful.",
    ),
    dict(
        positive="It is excellent, though everyone said it was terrible.",
        negative="It is terrible, though everyone said it was excellent.",
    ),
    dict(
        positive="It is always funny and never dull.",
        negative="It is always dull and never funny.",
    ),
    dict(
        positive="Great movie, bad reviews.",
        negative="Bad movie, great reviews.",
    ),
    dict(
        positive="It is a masterpiece, this is not a waste of time.",
        negative="It is a waste of time, this is not a masterpiece.",
    ),
    dict(
        positive="I was impressed, I was not disappointed.",
        negative="I was disappointed, I was not impressed.",
    ),
    dict(
        positive="The best film of the year, not the worst.",
        negative="The worst film of the year, not the best.",
    ),
    dict(
        positive="It is brilliant, far from boring.",
        negative="It is boring, far from brilliant.",
    ),
    dict(
        positive="Everything good, nothing bad.",
        negative="Everything bad, nothing good.",
    ),
    dict(
        positive="I call it perfect; critics called it awful.",
        negative="I call it awful; critics called it perfect.",
    ),
    dict(
        positive="Expect to be entertained, not bored.",
        negative="Expect to be bored, not entertained.",
    ),
    dict(
        positive="It ends well but starts badly.",
        negative="It ends badly but starts well.",
    ),
    dict(
        positive="A film to love, not to hate.",
        negative="A film to hate, not to love.",
    ),
    dict(
        positive="It is a triumph instead of a mess.",
        negative="It is a mess instead of a triumph.",
    ),
    dict(
        positive="I left happy, though I came in bored.",
        negative="I left bored, though I came in happy.",
    ),
    dict(
        positive="It deserves praise, not criticism.",
        negative="It deserves criticism, not praise.",
    ),
    dict(
        positive="A superb film after a weak start.",
        negative="A weak film after a superb start.",
    ),
]

# The sentiment words of the pairs: the lexicon that `last_sentiment_word` reads.
POSITIVE_WORDS = frozenset(
    "best brilliant entertained excellent funny good great happy impressed love loved "
    "masterpiece perfect praise superb triumph well wonderful".split()
)
NEGATIVE_WORDS = frozenset(
    "awful bad badly bored boring criticism disappointed dull hate hated mess terrible waste "
    "weak worst".split()
)


def last_sentiment_word(review):
    """The last word of a text that the course's small sentiment lexicon knows.

    Args:
        review: a text.

    Returns:
        `(word, sign)`: the last word of the text in `POSITIVE_WORDS` (sign 1)
        or `NEGATIVE_WORDS` (sign -1), or `(None, 0)` when it has none.
    """
    for word in reversed(text_to_words(review)):
        if word in POSITIVE_WORDS:
            return word, 1
        if word in NEGATIVE_WORDS:
            return word, -1
    return None, 0


def last_word_agrees(pair):
    """Tells whether each review of a pair ends on a sentiment word of its own label.

    Args:
        pair: a dict with texts `positive` and `negative`.

    Returns:
        `True` when the positive review's last sentiment word is positive and
        the negative review's is negative; `False` otherwise.
    """
    return last_sentiment_word(pair["positive"])[1] == 1 and (
        last_sentiment_word(pair["negative"])[1] == -1
    )


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
