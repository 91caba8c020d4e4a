package io.iotmanager.webhooks.adapter.mongo.embedded;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The per-process random user name and password of the embedded store: 128 and 256 bits from
 * {@link SecureRandom}, generated when the server starts, never written anywhere, never logged (the
 * connection string carrying them is redacted in every log line).
 */
final class EmbeddedCredentials {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String user;
    private final byte[] password;

    private EmbeddedCredentials(String user, byte[] password) {
        this.user = user;
        this.password = password;
    }

    static EmbeddedCredentials random() {
        return new EmbeddedCredentials("svc-" + token(16), token(32).getBytes(StandardCharsets.US_ASCII));
    }

    private static String token(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** {@code user:password@}, URL-encoded, for the connection string. */
    String userInfo() {
        return URLEncoder.encode(user, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(new String(password, StandardCharsets.US_ASCII), StandardCharsets.UTF_8) + "@";
    }

    /**
     * Whether a SASL {@code PLAIN} message ({@code [authzid] NUL authcid NUL passwd}, RFC 4616) carries
     * these credentials; the authorization identity must be empty or the user. Constant time in the
     * password.
     */
    boolean acceptsPlain(byte[] message) {
        int first = indexOf(message, 0);
        int second = first < 0 ? -1 : indexOf(message, first + 1);
        if (first < 0 || second < 0 || indexOf(message, second + 1) >= 0) {
            return false;
        }
        byte[] userBytes = user.getBytes(StandardCharsets.UTF_8);
        byte[] authzid = Arrays.copyOfRange(message, 0, first);
        byte[] authcid = Arrays.copyOfRange(message, first + 1, second);
        byte[] given = Arrays.copyOfRange(message, second + 1, message.length);
        boolean userMatches = MessageDigest.isEqual(authcid, userBytes)
                && (authzid.length == 0 || MessageDigest.isEqual(authzid, userBytes));
        return MessageDigest.isEqual(given, password) & userMatches;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "EmbeddedCredentials[<hidden>]";
    }
}
