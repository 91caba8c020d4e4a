package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The gate in front of the store: a connection may only say {@code hello} (the handshake, which reveals
 * nothing stored) until it has authenticated with SASL {@code PLAIN} using this process's random
 * credentials; every other command on an unauthenticated connection is refused with {@code Unauthorized}
 * (code 13) <em>before</em> it reaches the store, and a failed authentication closes the connection.
 *
 * <p>The credentials are generated per process ({@link EmbeddedCredentials}) and exist only in this
 * process's memory, in the connection string handed to the service's own MongoDB client. The password
 * travels over the loopback interface, which only the host's root can observe (and root can read this
 * process's memory anyway).
 *
 * <p>Legacy {@code OP_QUERY} entry points that carry no connection ({@code serverStatus},
 * {@code $cmd.sys.inprog}) are refused outright: the service's client never uses them.
 */
final class PrivateBackend implements MongoBackend {

    /** MongoDB's error code for "command requires authentication". */
    static final int UNAUTHORIZED = 13;
    /** MongoDB's error code for "authentication failed". */
    static final int AUTHENTICATION_FAILED = 18;
    private static final AttributeKey<Boolean> AUTHENTICATED = AttributeKey.valueOf("iot-webhooks.authenticated");
    /** What an unauthenticated connection may send: the handshake. */
    private static final Set<String> HANDSHAKE = Set.of("hello", "ismaster");

    private final MongoBackend store;
    private final EmbeddedCredentials credentials;

    PrivateBackend(MongoBackend store, EmbeddedCredentials credentials) {
        this.store = store;
        this.credentials = credentials;
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        Document reply = gate(message.getChannel(), firstKey(message.getDocument()), message.getDocument());
        return reply != null ? reply : store.handleMessage(message);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        Document reply = gate(channel, command, query);
        return reply != null ? reply : store.handleCommand(channel, databaseName, command, query);
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        requireAuthenticated(query.getChannel(), "find");
        return store.handleQuery(query);
    }

    /**
     * Returns the reply to an authentication command, {@code null} when the command may proceed to the
     * store; throws {@code Unauthorized} otherwise.
     */
    private Document gate(Channel channel, String command, Document body) {
        String name = command == null ? "" : command.toLowerCase(Locale.ROOT);
        if (name.equals("saslstart")) {
            return authenticate(channel, body);
        }
        if (name.equals("saslcontinue")) {
            throw refuse(channel, AUTHENTICATION_FAILED, "AuthenticationFailed", "Authentication failed.");
        }
        if (HANDSHAKE.contains(name)) {
            return null;
        }
        requireAuthenticated(channel, command);
        return null;
    }

    private void requireAuthenticated(Channel channel, String command) {
        if (channel == null || !Boolean.TRUE.equals(channel.attr(AUTHENTICATED).get())) {
            throw new MongoServerError(UNAUTHORIZED, "Unauthorized",
                    "command " + command + " requires authentication");
        }
    }

    private Document authenticate(Channel channel, Document body) {
        Object mechanism = body.get("mechanism");
        Object payload = body.get("payload");
        byte[] given = payload instanceof BinData binData ? binData.getData()
                : payload instanceof byte[] bytes ? bytes : null;
        if (channel == null || !"PLAIN".equals(mechanism) || given == null
                || !credentials.acceptsPlain(given)) {
            throw refuse(channel, AUTHENTICATION_FAILED, "AuthenticationFailed", "Authentication failed.");
        }
        channel.attr(AUTHENTICATED).set(Boolean.TRUE);
        Document reply = new Document();
        reply.put("conversationId", 1);
        reply.put("done", Boolean.TRUE);
        reply.put("payload", new BinData(new byte[0]));
        reply.put("ok", 1.0);
        return reply;
    }

    /** The error to answer with; the connection is closed once the answer is written. */
    private static MongoServerError refuse(Channel channel, int code, String codeName, String message) {
        if (channel != null) {
            // after the reply (written by the caller on this same event loop) has been flushed
            channel.eventLoop().execute(channel::close);
        }
        return new MongoServerError(code, codeName, message);
    }

    private static String firstKey(Document document) {
        return document == null || document.isEmpty() ? null : document.keySet().iterator().next();
    }

    @Override
    public Collection<Document> getCurrentOperations(MongoQuery query) {
        throw new MongoServerError(UNAUTHORIZED, "Unauthorized", "command currentOp requires authentication");
    }

    @Override
    public Document getServerStatus() {
        throw new MongoServerError(UNAUTHORIZED, "Unauthorized", "command serverStatus requires authentication");
    }

    @Override
    public void handleClose(Channel channel) {
        store.handleClose(channel);
    }

    @Override
    public void dropDatabase(String databaseName) {
        store.dropDatabase(databaseName);
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public void closeCursors(List<Long> cursorIds) {
        store.closeCursors(cursorIds);
    }

    @Override
    public Clock getClock() {
        return store.getClock();
    }

    @Override
    public void enableOplog() {
        store.enableOplog();
    }

    @Override
    public void disableOplog() {
        store.disableOplog();
    }

    @Override
    public MongoDatabase resolveDatabase(String database) {
        return store.resolveDatabase(database);
    }

    @Override
    public MongoBackend version(MongoVersion version) {
        store.version(version);
        return this;
    }
}
