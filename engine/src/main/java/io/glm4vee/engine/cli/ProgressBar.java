package io.glm4vee.engine.cli;

import io.glm4vee.engine.model.LoadProgress;

import java.io.PrintWriter;

/** A one-line progress bar on stderr for loading weights. */
final class ProgressBar implements LoadProgress {
    private final PrintWriter err;
    private final String label;
    private int lastPercent = -1;

    ProgressBar(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public void update(long done, long total) {
        int percent = total == 0 ? 100 : (int) (100 * done / total);
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int width = 30;
        int filled = percent * width / 100;
        err.printf("\r%s [%s%s] %3d%% %s / %s", label, "#".repeat(filled), ".".repeat(width - filled), percent,
                Units.bytes(done), Units.bytes(total));
        if (percent == 100) {
            err.println();
        }
        err.flush();
    }
}
