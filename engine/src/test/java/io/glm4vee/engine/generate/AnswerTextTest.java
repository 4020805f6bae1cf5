package io.glm4vee.engine.generate;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The answer text: HF process_response's metadata split and strip, stop strings, and the
 * hold-back that keeps streamed deltas a prefix of the final text.
 */
class AnswerTextTest {

    /** Feeds the prefixes in order (last = false), then the whole text (last = true) unless stopped. */
    private static List<String> feed(AnswerText a, List<String> prefixes) {
        List<String> deltas = new ArrayList<>();
        StringBuilder streamed = new StringBuilder();
        for (String p : prefixes) {
            String d = a.update(p, false);
            deltas.add(d);
            streamed.append(d);
            assertEquals(streamed.toString(), a.emitted(), "emitted() is the sum of the deltas");
            if (a.stopped()) {
                return deltas;
            }
        }
        String d = a.update(prefixes.get(prefixes.size() - 1), true);
        deltas.add(d);
        streamed.append(d);
        assertEquals(streamed.toString(), a.emitted());
        return deltas;
    }

    private static List<String> charPrefixes(String s) {
        List<String> p = new ArrayList<>();
        for (int i = 1; i <= s.length(); i++) {
            p.add(s.substring(0, i));
        }
        return p;
    }

    // ------------------------------------------------------------------ process_response

    @Test
    void answerOfDropsTheMetadataLineLikeProcessResponse() {
        assertEquals("A red circle.", AnswerText.answerOf("\nA red circle."));
        assertEquals("hi there", AnswerText.answerOf("\n  hi there \n\n"), "blank metadata: content stripped");
        assertEquals("x", AnswerText.answerOf(" \t\nx"), "whitespace-only metadata counts as blank");
        assertEquals("  call(1)\n", AnswerText.answerOf("get_weather\n  call(1)\n"),
                "non-blank metadata (a tool call) keeps its content as is");
        assertEquals("no newline at all", AnswerText.answerOf("  no newline at all "));
        assertEquals("", AnswerText.answerOf("\n"));
        assertEquals("b\nc", AnswerText.answerOf("\nb\nc"), "only the first newline splits");
    }

    @Test
    void metadataLineIsHeldUntilItsNewline() {
        AnswerText a = new AnswerText(List.of());
        assertEquals("", a.update("tool", false));
        assertEquals("", a.update("tool_x", false));
        assertEquals("", a.update("tool_x\n", false));
        assertEquals("  arg", a.update("tool_x\n  arg ", false), "non-blank metadata: leading spaces kept, trailing held");
        assertEquals(" ", a.update("tool_x\n  arg ", true), "and the trailing space comes at the end");
        assertEquals("  arg ", a.emitted());
    }

    @Test
    void streamingTheDemoAnswerGivesTheAnswer() {
        List<String> deltas = feed(new AnswerText(List.of()), List.of("\n", "\nA", "\nA red", "\nA red circle",
                "\nA red circle."));
        assertEquals(List.of("", "A", " red", " circle", ".", ""), deltas);
    }

    @Test
    void trailingWhitespaceIsHeldAndDroppedAtTheEnd() {
        AnswerText a = new AnswerText(List.of());
        assertEquals("", a.update("\n  ", false));
        assertEquals("Hi", a.update("\n  Hi ", false));
        assertEquals("", a.update("\n  Hi \n", false));
        assertEquals(" \nyou", a.update("\n  Hi \nyou", false));
        assertEquals("", a.update("\n  Hi \nyou\n\n", true));
        assertEquals("Hi \nyou", a.emitted());
    }

    @Test
    void withoutAnyNewlineTheWholeOutputIsTheAnswerAtTheEnd() {
        AnswerText a = new AnswerText(List.of());
        assertEquals("", a.update(" abc", false));
        assertEquals("abc", a.update(" abc ", true));
    }

    // ------------------------------------------------------------------ stop strings

    @Test
    void stopStringCutsTheAnswer() {
        AnswerText a = new AnswerText(List.of("circle"));
        feed(a, List.of("\n", "\nA", "\nA red", "\nA red circle", "\nA red circle."));
        assertTrue(a.stopped());
        assertEquals("A red", a.emitted(), "cut before the stop string, trailing space stripped");
    }

    @Test
    void aPossibleStopPrefixIsHeldBack() {
        AnswerText a = new AnswerText(List.of("END"));
        assertEquals("abc", a.update("\nabc E", false), "'E' may start END");
        assertEquals("", a.update("\nabc EN", false));
        assertEquals(" ENd", a.update("\nabc ENd", false), "not END after all: released");
        assertFalse(a.stopped());
        assertEquals("", a.update("\nabc ENdEN", false));
        assertEquals("", a.update("\nabc ENdEND!", false));
        assertTrue(a.stopped());
        assertEquals("abc ENd", a.emitted());
    }

    @Test
    void heldPrefixIsReleasedWhenGenerationEnds() {
        AnswerText a = new AnswerText(List.of("END"));
        assertEquals("ab", a.update("\nabEN", false));
        assertEquals("EN", a.update("\nabEN", true));
        assertFalse(a.stopped());
    }

    @Test
    void stopStringWithASpaceInsideStaysPrefixConsistent() {
        // "red circle": after "A red" the suffix "red" is held; what is emitted must not end in
        // the space before it, or the final text ("A", stripped) would not start with it
        AnswerText a = new AnswerText(List.of("red circle"));
        List<String> deltas = feed(a, List.of("\n", "\nA", "\nA red", "\nA red circle"));
        assertTrue(a.stopped());
        assertEquals("A", a.emitted());
        assertEquals("A", String.join("", deltas));
    }

    @Test
    void theEarliestStopWins() {
        AnswerText a = new AnswerText(List.of("d", "bc"));
        feed(a, List.of("\nabcd"));
        assertEquals("a", a.emitted());
    }

    // ------------------------------------------------------------------ property: prefix consistency

    /**
     * The final text the rules above give for a sequence of decoded prefixes, written out
     * independently: a stop is looked for in each fed prefix's content (metadata line dropped,
     * leading whitespace stripped when the metadata is blank) and cut at its earliest
     * occurrence; the answer's trailing whitespace goes when the metadata is blank.
     */
    private static String expected(List<String> prefixes, List<String> stops) {
        for (String p : prefixes) {
            int nl = p.indexOf('\n');
            if (nl < 0) {
                continue;
            }
            boolean blank = p.substring(0, nl).isBlank();
            String content = blank ? p.substring(nl + 1).stripLeading() : p.substring(nl + 1);
            int cut = -1;
            for (String s : stops) {
                int i = content.indexOf(s);
                if (i >= 0 && (cut < 0 || i < cut)) {
                    cut = i;
                }
            }
            if (cut >= 0) {
                String c = content.substring(0, cut);
                return blank ? c.stripTrailing() : c;
            }
        }
        String full = prefixes.get(prefixes.size() - 1);
        int nl = full.indexOf('\n');
        String content = nl < 0 ? full.stripLeading() : full.substring(nl + 1);
        boolean blank = nl < 0 || full.substring(0, nl).isBlank();
        if (nl < 0) {
            int cut = -1;
            for (String s : stops) {
                int i = content.indexOf(s);
                if (i >= 0 && (cut < 0 || i < cut)) {
                    cut = i;
                }
            }
            content = cut >= 0 ? content.substring(0, cut) : content;
        }
        return blank ? content.strip() : content;
    }

    @Test
    void deltasAreAlwaysAPrefixOfTheFinalText() {
        String alphabet = "ab x\n";
        SplittableRandom r = new SplittableRandom(2024);
        for (int trial = 0; trial < 20_000; trial++) {
            StringBuilder text = new StringBuilder(trial % 3 == 0 ? "m" : "");  // sometimes non-blank metadata
            int len = 1 + r.nextInt(14);
            for (int i = 0; i < len; i++) {
                text.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            List<String> stops = new ArrayList<>();
            for (int k = r.nextInt(3); k > 0; k--) {
                StringBuilder s = new StringBuilder();
                for (int i = 1 + r.nextInt(3); i > 0; i--) {
                    s.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                stops.add(s.toString());
            }
            // feed in chunks of 1..3 characters, as tokens would arrive
            List<String> prefixes = new ArrayList<>();
            for (int end = 0; end < text.length(); ) {
                end = Math.min(text.length(), end + 1 + r.nextInt(3));
                prefixes.add(text.substring(0, end));
            }
            AnswerText a = new AnswerText(stops);
            String want = expected(prefixes, stops);
            StringBuilder streamed = new StringBuilder();
            String what = "text " + text.toString().replace("\n", "\\n") + " stops " + stops.toString()
                    .replace("\n", "\\n") + " fed " + prefixes.size() + " chunks";
            for (String p : prefixes) {
                streamed.append(a.update(p, false));
                assertTrue(want.startsWith(streamed.toString()),
                        what + ": streamed '" + streamed + "' is not a prefix of '" + want + "'");
                if (a.stopped()) {
                    break;
                }
            }
            if (!a.stopped()) {
                streamed.append(a.update(text.toString(), true));
            }
            assertEquals(want, streamed.toString(), what);
            assertEquals(want, a.emitted(), what);
        }
    }
}
