package io.glm4vee.engine.generate;

import java.util.List;

/**
 * Turns the decoded output into the answer, incrementally. GLM-4V first writes a metadata
 * line (normally empty, so just "\n"); HF process_response drops it and strips the content.
 * Stop strings cut the answer. Text that could still change (trailing whitespace, a possible
 * start of a stop string) is held back, so the streamed deltas always add up to the final text.
 */
final class AnswerText {
    private final List<String> stopStrings;
    private String emitted = "";
    private boolean stopped;

    AnswerText(List<String> stopStrings) {
        this.stopStrings = stopStrings;
    }

    /** The answer as HF process_response gives it for the whole decoded output. */
    static String answerOf(String decoded) {
        int nl = decoded.indexOf('\n');
        if (nl < 0) {
            return decoded.strip();
        }
        String metadata = decoded.substring(0, nl);
        String content = decoded.substring(nl + 1);
        return metadata.isBlank() ? content.strip() : content;
    }

    boolean stopped() {
        return stopped;
    }

    /** Feeds the whole decoded output so far; returns the new final text (possibly empty). */
    String update(String decodedSoFar, boolean last) {
        int nl = decodedSoFar.indexOf('\n');
        if (nl < 0 && !last) {
            return "";                          // still inside the metadata line
        }
        String answer = nl < 0 ? decodedSoFar.stripLeading() : stripContentStart(decodedSoFar.substring(nl + 1),
                decodedSoFar.substring(0, nl));
        int cut = firstStop(answer);
        if (cut >= 0) {
            answer = answer.substring(0, cut);
            stopped = true;
            last = true;
        }
        String stable;
        if (last) {
            stable = nl < 0 || decodedSoFar.substring(0, nl).isBlank() ? answer.stripTrailing() : answer;
        } else {
            stable = answer.stripTrailing();
            // whitespace before a held stop prefix ("A red" held as "A ") may still be trailing
            stable = stable.substring(0, stable.length() - heldForStop(stable)).stripTrailing();
        }
        if (!stable.startsWith(emitted)) {
            // cannot happen with the hold-back rules above; keep the stream consistent anyway
            return "";
        }
        String delta = stable.substring(emitted.length());
        emitted = stable;
        return delta;
    }

    String emitted() {
        return emitted;
    }

    private static String stripContentStart(String content, String metadata) {
        return metadata.isBlank() ? content.stripLeading() : content;
    }

    private int firstStop(String s) {
        int best = -1;
        for (String stop : stopStrings) {
            int i = s.indexOf(stop);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /** Length of the longest suffix of s that is a proper prefix of some stop string. */
    private int heldForStop(String s) {
        int hold = 0;
        for (String stop : stopStrings) {
            for (int k = Math.min(stop.length() - 1, s.length()); k > hold; k--) {
                if (s.endsWith(stop.substring(0, k))) {
                    hold = k;
                    break;
                }
            }
        }
        return hold;
    }
}
