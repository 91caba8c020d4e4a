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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.h2.store.fs.FilePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * <p>It also keeps the store honest about its disk: when a commit cannot be written or forced (disk full,
 * I/O error), every command is refused at once with {@code store unavailable: <reason>} until a probe
 * write in the data directory succeeds again; then the file is opened anew (with the start-up checks)
 * and the store is back in service, without a restart. Nothing acknowledged is lost: each reply follows
 * the forced commit that covers it.
 *
 * <p>Legacy {@code OP_QUERY} entry points that carry no connection ({@code serverStatus},
 * {@code $cmd.sys.inprog}) are refused outright: the service's client never uses them.
 */
final class PrivateBackend implements MongoBackend {
    private static final Logger log = LoggerFactory.getLogger(PrivateBackend.class);

    /** MongoDB's error code for "command requires authentication". */
    static final int UNAUTHORIZED = 13;
    /** MongoDB's error code for "authentication failed". */
    static final int AUTHENTICATION_FAILED = 18;
    private static final AttributeKey<Boolean> AUTHENTICATED = AttributeKey.valueOf("iot-webhooks.authenticated");
    /** What an unauthenticated connection may send: the handshake. */
    private static final Set<String> HANDSHAKE = Set.of("hello", "ismaster");

    /** MongoDB's error code for "the host cannot be reached / is not usable"; the driver reports it as such. */
    static final int STORE_UNAVAILABLE = 6;
    static final Duration RECOVERY_INTERVAL = Duration.ofSeconds(1);
    private static final Duration RECOVERY_STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int PROBE_BYTES = 1024 * 1024;

    private final EmbeddedCredentials credentials;
    private final Path file;
    private final String h2FileSystemPrefix;
    private final Supplier<DurableH2Backend> reopen;
    private final ScheduledExecutorService recovery;
    /** The backend in use; replaced (under this object's lock) when the file is opened anew after a write failure. */
    private volatile DurableH2Backend store;
    /** Why the store cannot be used now; null while it can. */
    private volatile String fault;

    /**
     * @param reopen opens the file anew (checks included); called on the recovery thread after a write
     *               failure, once a probe write in the data directory succeeds
     */
    PrivateBackend(DurableH2Backend store, EmbeddedCredentials credentials, Path file, String h2FileSystemPrefix,
            Supplier<DurableH2Backend> reopen) {
        this.store = store;
        this.credentials = credentials;
        this.file = file;
        this.h2FileSystemPrefix = h2FileSystemPrefix;
        this.reopen = reopen;
        this.recovery = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "embedded-mongo-recovery");
            thread.setDaemon(true);
            return thread;
        });
        long millis = RECOVERY_INTERVAL.toMillis();
        recovery.scheduleWithFixedDelay(this::recoverOnce, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        Document reply = gate(message.getChannel(), firstKey(message.getDocument()), message.getDocument());
        return reply != null ? reply : call(backend -> backend.handleMessage(message));
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        Document reply = gate(channel, command, query);
        return reply != null ? reply : call(backend -> backend.handleCommand(channel, databaseName, command, query));
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        requireAuthenticated(query.getChannel(), "find");
        return call(backend -> backend.handleQuery(query));
    }

    /** Why the store cannot be used now (it cannot write its file), or empty while it can. */
    Optional<String> fault() {
        return Optional.ofNullable(fault);
    }

    /** The backend in use now. */
    DurableH2Backend current() {
        return store;
    }

    /**
     * Runs a command on the current backend, unless the store is faulted: then it is refused at once
     * with the reason. A write failure during the command faults the store.
     */
    private <T> T call(Function<DurableH2Backend, T> command) {
        String reason = fault;
        if (reason != null) {
            throw new MongoServerError(STORE_UNAVAILABLE, "HostUnreachable", "store unavailable: " + reason);
        }
        DurableH2Backend backend = store;
        try {
            return command.apply(backend);
        } finally {
            backend.writeFailure().ifPresent(failure -> onWriteFailure(backend, failure));
        }
    }

    private synchronized void onWriteFailure(DurableH2Backend failed, Throwable failure) {
        if (failed != store || fault != null) {
            return; // an old backend's late failure, or already known
        }
        fault = "the embedded store cannot write its file " + file + ": " + rootMessage(failure)
                + "; it retries every " + RECOVERY_INTERVAL.toSeconds() + " s and recovers on its own once it can";
        log.error("{}", fault);
    }

    /**
     * On the recovery thread, once a second while faulted: a probe write (forced) in the data directory;
     * when it succeeds, the failed backend lets go of the file and the file is opened anew, checks
     * included. Everything acknowledged was forced to disk before its reply, so it is all there.
     */
    private void recoverOnce() {
        if (fault == null) {
            return;
        }
        try {
            probeWrite();
            DurableH2Backend failed = store;
            failed.close(); // closes the failed store without writing; idempotent
            DurableH2Backend fresh = reopen.get();
            synchronized (this) {
                store = fresh;
                fault = null;
            }
            log.info("the embedded store can write its file {} again and is back in service", file);
        } catch (RuntimeException | IOException e) {
            String reason = "the embedded store cannot write its file " + file + ": " + rootMessage(e)
                    + "; it retries every " + RECOVERY_INTERVAL.toSeconds() + " s and recovers on its own once it can";
            if (e instanceof StoreFileException refused) {
                reason = refused.getMessage();
            }
            fault = reason;
            log.debug("embedded store still unavailable: {}", reason);
        }
    }

    /** Writes and forces {@value #PROBE_BYTES} bytes next to the store file, then deletes them. */
    private void probeWrite() throws IOException {
        FilePath probe = FilePath.get(h2FileSystemPrefix + file.resolveSibling(file.getFileName() + ".probe"));
        try (FileChannel channel = probe.open("rw")) {
            ByteBuffer zeros = ByteBuffer.allocate(PROBE_BYTES);
            while (zeros.hasRemaining()) {
                channel.write(zeros, zeros.position());
            }
            channel.force(true);
        } finally {
            try {
                probe.delete();
            } catch (RuntimeException ignored) {
                // nothing was created
            }
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
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
        try {
            store.handleClose(channel);
        } catch (RuntimeException e) {
            log.debug("closing a connection's cursors failed: {}", e.toString());
        }
    }

    @Override
    public void dropDatabase(String databaseName) {
        call(backend -> {
            backend.dropDatabase(databaseName);
            return null;
        });
    }

    /** Stops the recovery thread (waiting for a running attempt), then closes the backend in use. */
    @Override
    public void close() {
        recovery.shutdown();
        boolean interrupted = false;
        try {
            long deadline = System.nanoTime() + RECOVERY_STOP_TIMEOUT.toNanos();
            while (true) {
                try {
                    if (recovery.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                            || System.nanoTime() >= deadline) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: closing under a running reopen would leak the file
                }
            }
            store.close();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
