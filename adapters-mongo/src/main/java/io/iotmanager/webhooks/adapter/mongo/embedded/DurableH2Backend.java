package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mongo-java-server H2 backend made durable: every command that changed the store is committed to
 * the MVStore file <em>before</em> its reply is written, so a {@code kill -9} never loses an acknowledged
 * write.
 *
 * <p>Why: the stock {@code H2Backend(String file)} leaves commits to MVStore's background writer (about
 * once a second, after the reply), which lost 398 of 3,655 acknowledged writes over five kills.
 *
 * <p>How:
 * <ul>
 *   <li>The MVStore is opened with auto-commit disabled and an auto-commit buffer of 0, so there is no
 *       background writer and no commit triggered from inside a map write; only the commits below write,
 *       synchronously on the calling thread.</li>
 *   <li>Every entry point of the wire handler ({@link #handleMessage} for OP_MSG, which delegates to
 *       {@link #handleCommand}; {@link #handleCommand} for OP_QUERY commands; {@link #handleQuery} for
 *       legacy queries) runs under the <em>read</em> lock of a {@link ReentrantReadWriteLock}; commands
 *       therefore still run concurrently with each other, as in the stock backend.</li>
 *   <li>When the command finished and the store has unsaved changes, the command takes a ticket
 *       (still under the read lock), releases the read lock, and commits under the <em>write</em> lock.
 *       Holding the write lock means no command is half-way through, so a commit never captures a
 *       half-applied command (a document without its unique-index entry, say). The read lock cannot be
 *       upgraded in place, hence release-then-acquire.</li>
 *   <li>Group commit: a commit covers every ticket handed out before it started; a command whose ticket
 *       was covered by someone else's commit returns without committing again.</li>
 *   <li>Read-only commands leave no unsaved changes, take no ticket, and never wait for the write lock.</li>
 * </ul>
 *
 * <p>Space: every commit writes a new chunk. The retention time is 0, so chunks freed by a commit are
 * reusable at once (2,000 updates of one document: 36 KB file, against 22.6 MB with the default 45 s).
 * A compaction pass ({@link MVStore#compact(int, int)}, then a commit) runs every 250 ms under the
 * write lock and rewrites the live pages of sparse chunks so that they can be freed too (10,000 inserts of
 * ~0.7 KB documents: 30-40 MB instead of 98 MB without it). Small, frequent passes (256 KB each) hold the
 * write lock for a short time: with 1 MB once a second, single inserts at 200/s with 100,000 events
 * stored waited behind them (intake p99 54-783 ms against 38-47 ms, back to back).
 *
 * <p>Durable means forced to disk: each (group) commit calls {@code FileChannel.force(true)} before any
 * reply it covers, as MongoDB's {@code j: true} journal does, so an acknowledged write survives a power
 * loss too; then the commit's version is recorded beside the file ({@link CommitMarker}), which lets the
 * next start notice a file that lost commits. H2 is pinned to
 * 2.4.240 in the parent pom: 2.3.232, which mongo-java-server 1.47.0 brings, has a compaction data-loss
 * bug (h2database/h2database#4247).
 *
 * <p>Threads: nothing here ever interrupts a thread that touches the store (MVStore's {@code FileChannel}
 * is interruptible; an interrupt closes the file for everyone). The compactor is stopped with
 * {@code shutdown()} + {@code awaitTermination}, never {@code shutdownNow()}.
 *
 * <p>All methods block on file I/O; none may run on a Vert.x event loop.
 */
final class DurableH2Backend extends H2Backend {

    private static final Logger log = LoggerFactory.getLogger(DurableH2Backend.class);

    /** A compaction pass does something only while the live fill rate of all chunks is below this (percent). */
    static final int COMPACTION_TARGET_FILL_RATE = 80;
    /** Upper bound of live bytes one compaction pass rewrites, which bounds how long it holds the write lock. */
    static final int COMPACTION_WRITE_LIMIT_BYTES = 256 * 1024;
    static final Duration COMPACTION_INTERVAL = Duration.ofMillis(250);
    private static final Duration COMPACTOR_STOP_TIMEOUT = Duration.ofSeconds(30);

    private final MVStore store;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Ticket counter: incremented (under the read lock) by each command that left unsaved changes. */
    private final AtomicLong tickets = new AtomicLong();
    /** Every ticket up to this value is on disk. Written only under the write lock. */
    private volatile long committedThrough;
    private final ScheduledExecutorService compactor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final CommitMarker marker;
    private volatile Throwable writeFailure;

    private DurableH2Backend(MVStore store, Clock clock, CommitMarker marker) {
        super(store, clock);
        this.store = store;
        this.marker = marker;
        this.compactor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "embedded-mongo-compactor");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Checks an existing file ({@link StoreFileCheck}, read-only), then opens (or creates) it, commits
     * what re-opening the databases touched, and starts the compactor.
     *
     * @param file   the store file
     * @param h2Name the name H2 opens it by: the path, possibly behind an H2 file-system prefix (tests
     *               inject write failures that way)
     * @throws StoreFileException if the file exists but cannot be trusted; nothing was written to it
     * @throws org.h2.mvstore.MVStoreException if the file cannot be opened otherwise, for example because
     *         another process holds its lock (error code {@code DataUtils.ERROR_FILE_LOCKED})
     */
    static DurableH2Backend open(Path file, String h2Name) {
        StoreFileCheck.verify(file, h2Name);
        CommitMarker marker;
        try {
            marker = CommitMarker.open(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the commit record beside " + file, e);
        }
        MVStore store;
        try {
            store = new MVStore.Builder()
                    .fileName(h2Name)
                    // no background writer: nothing is written except by the commits below
                    .autoCommitDisabled()
                    // and no commit from inside a map write once ~1 MB is unsaved (autoCommitDisabled() leaves
                    // that on), which would write a half-applied command
                    .autoCommitBufferSize(0)
                    .open();
        } catch (RuntimeException | Error e) {
            marker.close();
            throw e;
        }
        DurableH2Backend backend;
        try {
            // chunks freed by a commit are reusable at once (the default 45 s made the file grow ~20 KB per
            // commit); versionsToKeep stays at H2's default of 5, which keeps the last few versions' chunks
            // intact for crash recovery (0 for both is known to corrupt: nitrite-java#1303)
            store.setRetentionTime(0);
            // documents as BSON: record the format in a new file, convert one written before it
            DocumentFormat.prepare(store);
            backend = new DurableH2Backend(store, Clock.systemUTC(), marker);
            // re-opening the existing databases may have touched the store
            backend.commitAndForce();
        } catch (RuntimeException | Error e) {
            store.closeImmediately();
            marker.close();
            throw e;
        }
        long intervalMillis = COMPACTION_INTERVAL.toMillis();
        backend.compactor.scheduleWithFixedDelay(backend::compactOnce, intervalMillis, intervalMillis,
                TimeUnit.MILLISECONDS);
        return backend;
    }

    /**
     * Commits, forces the file to disk ({@code FileChannel.force(true)}), then records the version in the
     * commit record. Only under the write lock (or before the server starts).
     */
    private void commitAndForce() {
        try {
            store.commit();
            store.sync();
        } catch (RuntimeException | Error e) {
            if (writeFailure == null) {
                writeFailure = e;
            }
            throw e;
        }
        marker.record(store.getFileStore().lastChunkVersion());
    }

    /**
     * The first failure to write or force the file, if any. From then on this backend must not be used:
     * H2 closes the store when a write fails, and what was not forced is not known to be on disk. The
     * caller ({@link PrivateBackend}) refuses commands and opens the file anew once it can write.
     */
    Optional<Throwable> writeFailure() {
        return Optional.ofNullable(writeFailure);
    }

    /** Databases whose collections keep their documents as BSON. Runs inside the super constructor too. */
    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return BsonH2Database.open(databaseName, getMvStore(), getCursorRegistry());
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        return durably(() -> super.handleMessage(message));
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        return durably(() -> super.handleCommand(channel, databaseName, command, query));
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        return durably(() -> super.handleQuery(query));
    }

    @Override
    public void dropDatabase(String databaseName) {
        durably(() -> {
            super.dropDatabase(databaseName);
            return null;
        });
    }

    /**
     * Runs one command under the read lock and, if it left unsaved changes, commits them before
     * returning, so the reply (written by the caller after this returns) is never ahead of the file.
     * A failed command is committed too: it may have applied part of its writes (an ordered
     * {@code insertMany} stopping at a duplicate key), and its error reply reports them.
     */
    private <T> T durably(Supplier<T> command) {
        if (lock.getReadHoldCount() > 0) {
            // nested entry (handleMessage -> handleCommand): the outermost call commits; taking the write
            // lock here while holding the read lock would deadlock
            return command.get();
        }
        lock.readLock().lock();
        T result;
        try {
            result = command.get();
        } catch (RuntimeException | Error failure) {
            try {
                commitThrough(ticketAndReleaseReadLock());
            } catch (RuntimeException | Error commitFailure) {
                failure.addSuppressed(commitFailure);
            }
            throw failure;
        }
        commitThrough(ticketAndReleaseReadLock());
        return result;
    }

    /**
     * Still under the command's read lock (so no commit runs concurrently and the check is exact): takes a
     * ticket if the store has unsaved changes, 0 if not; then releases the read lock.
     */
    private long ticketAndReleaseReadLock() {
        try {
            return !store.isClosed() && store.hasUnsavedChanges() ? tickets.incrementAndGet() : 0;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void commitThrough(long ticket) {
        if (ticket == 0 || committedThrough >= ticket) {
            return;
        }
        lock.writeLock().lock();
        try {
            if (committedThrough >= ticket) {
                return; // a commit that started after this command finished has covered it
            }
            // no command holds the read lock: every ticket handed out so far belongs to a finished command
            long covered = tickets.get();
            commitAndForce();
            committedThrough = covered;
        } catch (RuntimeException | Error e) {
            log.error("Commit of the embedded MongoDB store failed; the write is not durable", e);
            throw e;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * One compaction pass: rewrite the live pages of sparsely filled chunks and commit, so the emptied
     * chunks are freed (retention time 0) and their space is reused by later commits. Runs under the
     * write lock, because the commit must not capture a half-applied command.
     */
    private void compactOnce() {
        lock.writeLock().lock();
        try {
            if (store.isClosed() || writeFailure != null) {
                return;
            }
            if (store.compact(COMPACTION_TARGET_FILL_RATE, COMPACTION_WRITE_LIMIT_BYTES)) {
                commitAndForce();
            }
        } catch (RuntimeException e) {
            // never let an exception cancel the periodic task
            log.warn("Compaction of the embedded MongoDB store failed", e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Size of the store file in bytes (0 once closed). */
    long fileSize() {
        lock.readLock().lock();
        try {
            return store.isClosed() ? 0 : store.getFileStore().size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Stops the compactor (waiting for a running pass, never interrupting it), commits what is left and
     * closes the store. Idempotent. Called by {@code MongoServer.shutdown()} after its worker threads have
     * stopped.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // an interrupt flag on this thread would make the FileChannel close itself mid-write
        boolean interrupted = Thread.interrupted();
        try {
            compactor.shutdown();
            interrupted |= awaitCompactorTermination();
            lock.writeLock().lock();
            try {
                try {
                    if (writeFailure != null) {
                        // nothing more can be written: let go of the file (and its lock) as it is
                        store.closeImmediately();
                    } else {
                        if (!store.isClosed()) {
                            commitAndForce();
                        }
                        super.close();
                    }
                } finally {
                    marker.close();
                }
            } finally {
                lock.writeLock().unlock();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the compactor to finish; returns whether this thread was interrupted while waiting. */
    private boolean awaitCompactorTermination() {
        boolean interrupted = false;
        long deadline = System.nanoTime() + COMPACTOR_STOP_TIMEOUT.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            try {
                if (compactor.awaitTermination(Math.max(remaining, 0), TimeUnit.NANOSECONDS)) {
                    return interrupted;
                }
                if (remaining <= 0) {
                    // the pass holds the write lock, so close() below waits for it anyway
                    log.warn("Compactor of the embedded MongoDB store still running after {}", COMPACTOR_STOP_TIMEOUT);
                    return interrupted;
                }
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting: closing the store under a running pass would corrupt it
            }
        }
    }
}
