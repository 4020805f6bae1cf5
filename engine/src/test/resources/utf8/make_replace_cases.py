"""Writes replace_cases.json: random byte strings, biased towards UTF-8 edge bytes, with the
text CPython gives for bytes.decode("utf-8", "replace"). Utf8ReplaceCasesTest checks the Java
decoder against every case. Deterministic: python3 make_replace_cases.py > replace_cases.json"""
import json
import random

# boundaries of every lead-byte class and continuation range, plus valid multi-byte characters
EDGE = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
        0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF]
VALID = ["é", "你", "😀", "\U0010FFFF", "\uD7FF", "\uE000", "\uFFFD", "\u0800", "\U00010000"]


def one(rng):
    out = bytearray()
    for _ in range(rng.randint(0, 8)):
        r = rng.random()
        if r < 0.6:
            out.append(rng.choice(EDGE))
        elif r < 0.8:
            out += rng.choice(VALID).encode("utf-8")
        else:
            out.append(rng.randrange(256))
    return bytes(out)


def main():
    rng = random.Random(20240611)
    cases = [one(rng) for _ in range(2000)]
    rows = [json.dumps({"hex": c.hex(), "text": c.decode("utf-8", "replace")}) for c in cases]
    print("[\n" + ",\n".join(rows) + "\n]")


if __name__ == "__main__":
    main()
