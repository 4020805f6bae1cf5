package io.glm4vee.engine.model;

/** Reports weight bytes paged in while a model loads. */
@FunctionalInterface
public interface LoadProgress {
    void update(long bytesDone, long bytesTotal);

    LoadProgress NONE = (done, total) -> { };
}
