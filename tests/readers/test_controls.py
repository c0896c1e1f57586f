"""Control characters in an input are found as the CONTROL regex finds them, whatever the shortcut."""
import random


def test_control_characters_are_found_as_the_regex_finds_them():
    """readers._without_controls answers an ASCII text without control characters by deleting
    bytes; every text gets the answer the CONTROL regex gives."""
    from site_builder import readers
    from site_builder.text import CONTROL

    rng = random.Random(67)
    alphabet = [chr(c) for c in range(0, 0xa0)] + ["é", "\ufffe", "\uffff", "abc ", "\n", "\t", "\r"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet if rng.random() < 0.3 else alphabet[32:127]) for _ in range(rng.randint(0, 10)))
        out, diagnostics = readers._without_controls(text, "f.md")
        assert out == CONTROL.sub(" ", text)
        assert bool(diagnostics) == (CONTROL.search(text) is not None), repr(text)
