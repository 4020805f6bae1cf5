package io.glm4vee.ra.spi;

import jakarta.resource.spi.ManagedConnectionMetaData;

import java.nio.file.Path;

/** What the admin console shows about the EIS behind a connection. */
public class Glm4vManagedConnectionMetaData implements ManagedConnectionMetaData {
    private final String modelPath;

    Glm4vManagedConnectionMetaData(String modelPath) {
        this.modelPath = modelPath;
    }

    @Override
    public String getEISProductName() {
        return "GLM-4V (glm4v-ee)";
    }

    @Override
    public String getEISProductVersion() {
        Path name = Path.of(modelPath).getFileName();
        return "glm4v-ee 0.1.0, model " + (name == null ? modelPath : name.toString());
    }

    /** No limit of its own: the pool size in server.xml bounds connections. */
    @Override
    public int getMaxConnections() {
        return 0;
    }

    @Override
    public String getUserName() {
        return "";
    }
}
