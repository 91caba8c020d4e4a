package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.MongoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;

/**
 * The in-process MongoDB used when no {@code mongo_url} is configured: a mongo-java-server speaking the
 * MongoDB wire protocol on {@code 127.0.0.1} (ephemeral port), keeping its data in one H2 MVStore file
 * under the data directory, durable per command (see {@link DurableH2Backend}). The service talks to it
 * through the normal MongoDB client, exactly as to a real server.
 *
 * <p>Private: only a client holding this process's random credentials may run any command but the
 * handshake ({@link PrivateBackend}); a stock client on the same host is refused.
 *
 * <p>Indexes live in memory and are rebuilt from the documents at every start: unique ones
 * ({@link MemoryUniqueIndex}), single-field ones ({@link MemoryIndex}) and compound ones on top-level
 * fields ({@link OrderedMemoryIndex}); a query that names {@code _id} reads only those documents,
 * whatever else it says ({@link BsonH2Collection}). What it is not: indexes on nested fields are accepted
 * and ignored (queries on them alone scan); TTL indexes never expire anything; there are no transactions.
 *
 * <p><strong>Blocking:</strong> {@link #start} and {@link #close} do file I/O and wait for threads; call
 * them off the event loop ({@code vertx.executeBlocking(...)}).
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    /** The single file holding all databases, inside the data directory. */
    public static final String FILE_NAME = "iot-webhooks.mv.db";
    /**
     * Pinned in the parent pom: documents are stored as BSON ({@link BsonDocumentType}) through its
     * encoder and decoder, and index maps still hold its key objects Java-serialized.
     */
    static final String MONGO_JAVA_SERVER_VERSION = "1.47.0";
    private static final String LOOPBACK = "127.0.0.1";

    private final MongoServer server;
    private final PrivateBackend backend;
    private final Path file;
    private final InetSocketAddress address;
    private final EmbeddedCredentials credentials;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedMongoServer(MongoServer server, PrivateBackend backend, Path file, InetSocketAddress address,
            EmbeddedCredentials credentials) {
        this.server = server;
        this.backend = backend;
        this.file = file;
        this.address = address;
        this.credentials = credentials;
    }

    /**
     * Creates {@code dataDir} if needed, opens (or creates) {@code dataDir/iot-webhooks.mv.db} and starts
     * listening on {@code 127.0.0.1} on an ephemeral port. Blocking.
     *
     * @throws StoreFileException if the file exists but is empty, truncated or damaged (it is left as it was)
     * @throws IllegalStateException if the file is locked by another process (or another server in this
     *         one), naming the file
     * @throws UncheckedIOException if the directory cannot be created
     * @throws org.h2.mvstore.MVStoreException if the file cannot be opened otherwise (unreadable)
     */
    public static EmbeddedMongoServer start(Path dataDir) {
        return start(dataDir, "");
    }

    /**
     * As {@link #start(Path)}, opening the file through an H2 file-system prefix: tests register an H2
     * {@code FilePath} that fails writes on demand (a full disk) and pass its prefix, e.g. {@code "failing:"}.
     */
    public static EmbeddedMongoServer start(Path dataDir, String h2FileSystemPrefix) {
        Objects.requireNonNull(dataDir, "dataDir");
        Path directory = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + directory, e);
        }
        Path file = directory.resolve(FILE_NAME);
        String h2Name = h2FileSystemPrefix + file;
        DurableH2Backend durable;
        try {
            durable = DurableH2Backend.open(file, h2Name);
        } catch (MVStoreException e) {
            if (isFileLocked(e)) {
                throw new IllegalStateException("The embedded MongoDB store file " + file + " is locked by another"
                        + " process or server instance; only one instance at a time may use a data_dir", e);
            }
            throw e;
        }
        EmbeddedCredentials credentials = EmbeddedCredentials.random();
        PrivateBackend backend = new PrivateBackend(durable, credentials, file, h2FileSystemPrefix,
                () -> DurableH2Backend.open(file, h2Name));
        MongoServer server = new MongoServer(backend);
        try {
            server.bind(LOOPBACK, 0);
            return new EmbeddedMongoServer(server, backend, file, server.getLocalAddress(), credentials);
        } catch (RuntimeException | Error e) {
            // a failed bind already shuts the server down (closing the backend); make sure of both
            try {
                server.shutdown();
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            backend.close();
            throw e;
        }
    }

    private static boolean isFileLocked(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MVStoreException mvStoreException
                    && mvStoreException.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code mongodb://<user>:<password>@127.0.0.1:<port>/?authMechanism=PLAIN&authSource=$external}, for
     * this process's MongoDB client only: the user and password are random per process and every
     * connection without them is refused (see {@link PrivateBackend}). Contains a secret: never log it
     * unredacted.
     */
    public String connectionString() {
        return "mongodb://" + credentials.userInfo() + LOOPBACK + ":" + address.getPort()
                + "/?authMechanism=PLAIN&authSource=%24external";
    }

    /** {@code 127.0.0.1:<port>}, without credentials: for tests that check that strangers are refused. */
    public InetSocketAddress address() {
        return address;
    }

    /** For the health/status output, e.g. {@code mongo-java-server 1.47.0 (H2 MVStore 2.4.240, file /data/iot-webhooks.mv.db)}. */
    public String version() {
        return "mongo-java-server " + MONGO_JAVA_SERVER_VERSION + " (H2 MVStore " + org.h2.engine.Constants.VERSION
                + ", file " + file + ")";
    }

    /** The absolute path of the store file. */
    public Path file() {
        return file;
    }

    /** Current size of the store file in bytes (0 once closed). */
    public long fileSize() {
        return backend.current().fileSize();
    }

    /**
     * Why the store cannot be used right now (it cannot write its file: disk full, I/O error), naming the
     * file and the cause; empty while it works. It recovers on its own once it can write again.
     */
    public Optional<String> fault() {
        return backend.fault();
    }

    /**
     * Stops listening, closes client connections, waits for the worker threads, then commits and closes the
     * store file (releasing its lock). Idempotent. Blocking.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.shutdown(); // ends with backend.close()
        } finally {
            backend.close(); // idempotent; makes sure the file lock is released even if shutdown failed
        }
    }
}
