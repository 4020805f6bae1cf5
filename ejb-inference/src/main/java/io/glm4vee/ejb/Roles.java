package io.glm4vee.ejb;

/** The security roles of glm4v-ee. Map them to users and groups in the server configuration. */
public final class Roles {
    /** May run inference, open sessions, submit jobs and read status and its own usage. */
    public static final String USER = "inference-user";
    /** May also drain and rebuild device contexts. */
    public static final String ADMIN = "inference-admin";

    private Roles() {
    }
}
