"""Whether text is a whole number written with 0-9: what may be handed to int()."""


def ascii_digits(text: str) -> bool:
    """One or more of 0-9 and nothing else.

    `str.isdigit()` is also true of ² and other characters that int() refuses (a 500 wherever it
    guarded an int(): a trip's stop, a share beacon's target, a rate table's cell), and of
    Arabic-Indic digits, which int() reads as numbers nobody typed on purpose.
    """
    return text.isascii() and text.isdigit()
