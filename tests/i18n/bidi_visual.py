"""How a line of plain text appears on screen, left to right: the Unicode Bidirectional
Algorithm of python-bidi (the Rust ``unicode-bidi`` crate: embedding levels, isolates,
bracket pairs), then reordering (rule L2) and mirrored glyphs (rule L4) done here, because
the library returns levels but does not mirror brackets.

Used to check that a datum such as "ABH-2026-4711" reads in its logical order, in one
piece, inside Arabic or Persian messages: ``reads_in_order(text, datum)``.
"""

import re

from bidi import get_display

INVISIBLE = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MIRRORED = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))
LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def _levels(line: str, base: str) -> list[int]:
    """The resolved embedding level of every character (the library counts bytes)."""
    info = str(get_display(line, base_dir=base, debug=True))
    byte_levels = [int(level) for level in LEVEL.findall(info.split("levels:", 1)[1])]
    levels, offset = [], 0
    for character in line:
        levels.append(byte_levels[offset])
        offset += len(character.encode("utf-8"))
    return levels


def visual_line(line: str, base: str = "R") -> str:
    """One paragraph (no line break) in visual order, left to right."""
    if not line:
        return ""
    levels = _levels(line, base)
    glyphs = [
        MIRRORED.get(character, character) if level % 2 else character
        for character, level in zip(line, levels, strict=True)
    ]
    order = list(range(len(line)))
    lowest_odd = min(level for level in levels if level % 2) if any(lv % 2 for lv in levels) else 1
    for level in range(max(levels), lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if levels[order[index]] >= level:
                end = index
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[index:end] = reversed(order[index:end])
                index = end
            else:
                index += 1
    return "".join(glyphs[i] for i in order if line[i] not in INVISIBLE)


def visual(text: str, base: str = "R") -> list[str]:
    """Every line of ``text`` as it appears in a right-to-left message."""
    return [visual_line(line, base) for line in text.splitlines()]


def reads_in_order(text: str, datum: str, base: str = "R") -> bool:
    """True when ``datum`` appears on screen exactly as written, left to right, and in one
    piece: not glued to another number or word ("2026/12/SJZF9BDSP7 07")."""
    alone = re.compile(rf"(?<![\w/.:\-–]){re.escape(datum)}(?![\w/:\-–])")
    return any(alone.search(line) for line in visual(text, base))
