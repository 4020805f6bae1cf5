package io.glm4vee.web.resources;

/** Names shared by the OpenAPI annotations of the native resources. */
final class ApiDocs {
    /** The Bearer API key scheme (security scheme of the OpenAPI document). */
    static final String API_KEY = "apiKey";
    /** HTTP Basic of the admin user. */
    static final String ADMIN_BASIC = "adminBasic";
    static final String PROBLEM = "application/problem+json";

    private ApiDocs() {
    }
}
