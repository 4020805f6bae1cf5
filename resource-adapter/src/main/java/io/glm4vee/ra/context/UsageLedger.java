package io.glm4vee.ra.context;

import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.api.UsageReport;

import java.util.HashMap;
import java.util.Map;

/**
 * Tokens (prompt + completion) per caller. A request reserves promptTokens + maxTokens before it
 * runs, against the caller's quota; when it ends the reservation shrinks to what it used; its unit
 * of work books that on commit or releases it on rollback. booked + reserved never exceeds the
 * quota, so concurrent requests cannot overrun it together.
 */
public final class UsageLedger {
    private final long quota;
    private final Map<String, long[]> accounts = new HashMap<>();   // caller -> {booked, reserved}

    public UsageLedger(long quota) {
        this.quota = quota;
    }

    /** Tokens held for one request until its unit of work completes. */
    public final class Reservation {
        private final String caller;
        private long tokens;
        private boolean done;

        private Reservation(String caller, long tokens) {
            this.caller = caller;
            this.tokens = tokens;
        }

        public String caller() {
            return caller;
        }

        public long tokens() {
            synchronized (UsageLedger.this) {
                return tokens;
            }
        }

        /** The request used this many (normally fewer than reserved). */
        public void settle(long used) {
            synchronized (UsageLedger.this) {
                if (!done) {
                    account(caller)[1] += used - tokens;
                    tokens = used;
                }
            }
        }

        public void book() {
            synchronized (UsageLedger.this) {
                if (!done) {
                    done = true;
                    long[] a = account(caller);
                    a[0] += tokens;
                    a[1] -= tokens;
                }
            }
        }

        public void release() {
            synchronized (UsageLedger.this) {
                if (!done) {
                    done = true;
                    account(caller)[1] -= tokens;
                }
            }
        }
    }

    /** @throws InferenceException QUOTA_EXCEEDED when booked + reserved + tokens would pass the quota */
    public synchronized Reservation reserve(String caller, long tokens) {
        long[] a = account(caller);
        if (quota > 0 && a[0] + a[1] + tokens > quota) {
            throw new InferenceException(Code.QUOTA_EXCEEDED, "caller '" + caller + "' has booked " + a[0]
                    + " and reserved " + a[1] + " tokens; this request may need " + tokens
                    + " more (prompt + max tokens), over the quota of " + quota + " tokens (quotaTokensPerCaller)",
                    null, null);
        }
        a[1] += tokens;
        return new Reservation(caller, tokens);
    }

    public synchronized UsageReport report(String caller) {
        long[] a = accounts.getOrDefault(caller, new long[2]);
        return new UsageReport(caller, quota, a[0], a[1]);
    }

    private long[] account(String caller) {
        return accounts.computeIfAbsent(caller, c -> new long[2]);
    }
}
