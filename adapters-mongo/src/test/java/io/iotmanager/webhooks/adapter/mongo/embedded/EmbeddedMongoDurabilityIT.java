package io.iotmanager.webhooks.adapter.mongo.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the embedded store promises beyond functionality: an acknowledged write survives {@code kill -9},
 * and the single file does not grow without bound under a stream of small commits.
 */
@ExtendWith(VertxExtension.class)
class EmbeddedMongoDurabilityIT {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongoDurabilityIT.class);

    private static final int KILL_ROUNDS = 3;
    private static final Duration WRITE_BEFORE_KILL = Duration.ofSeconds(2);
    private static final Duration CHILD_START_TIMEOUT = Duration.ofSeconds(60);

    private static final int UPDATES = 2_000;
    /**
     * Measured: 36 KB after 2,000 single-document updates; 22.6 MB with MVStore's default 45 s retention
     * time. The bound leaves two orders of magnitude of margin and still catches that regression.
     */
    private static final long MAX_FILE_BYTES_AFTER_UPDATES = 4L * 1024 * 1024;

    @TempDir
    Path dataDir;

    @TempDir
    Path logDir;

    @Test
    void noAcknowledgedWriteIsLostOnKill9(Vertx vertx) throws Exception {
        Map<String, Long> acknowledged = new LinkedHashMap<>();
        for (int round = 1; round <= KILL_ROUNDS; round++) {
            String tag = "round" + round;
            long acked = writeUntilKilled(tag);
            assertTrue(acked > 0, tag + ": the child acknowledged nothing");
            acknowledged.put(tag, acked);
            assertAllPresent(vertx, acknowledged);
        }
        log.info("kill -9 rounds: acknowledged per round {}, all present", acknowledged);
        // the format under test: documents as BSON with checksums (every restart above passed the start-up
        // checks, commit record included, after a kill in the middle of writing)
        MVStore store = new MVStore.Builder().fileName(dataDir.resolve(EmbeddedMongoServer.FILE_NAME).toString())
                .readOnly().open();
        try {
            assertEquals(BsonDocumentType.FORMAT, DocumentFormat.recorded(store));
        } finally {
            store.closeImmediately();
        }
    }

    /** Runs {@link CrashWriterMain} in a child JVM, SIGKILLs it after a while; returns the last acknowledged n. */
    private long writeUntilKilled(String tag) throws Exception {
        // stdout goes to a file, not a pipe: a pipe read racing the process exit can fail with "Stream closed"
        Path childOut = logDir.resolve(tag + ".stdout.log");
        Path childErr = logDir.resolve(tag + ".stderr.log");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"),
                        CrashWriterMain.class.getName(), dataDir.toString(), tag)
                .redirectOutput(childOut.toFile())
                .redirectError(childErr.toFile())
                .start();
        try {
            Awaitility.await(tag + ": an acknowledged write from the child").atMost(CHILD_START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        assertTrue(child.isAlive(), () -> tag + ": the child died\n" + tail(childErr));
                        return lastAck(childOut) != 0;
                    });
            Thread.sleep(WRITE_BEFORE_KILL.toMillis());
            assertTrue(child.isAlive(), () -> tag + ": the child died on its own\n" + tail(childErr));

            // while the child runs, its file lock keeps a second server away
            IllegalStateException locked = assertThrows(IllegalStateException.class,
                    () -> EmbeddedMongoServer.start(dataDir));
            assertTrue(locked.getMessage().contains(dataDir.toAbsolutePath().resolve(EmbeddedMongoServer.FILE_NAME).toString()),
                    locked.getMessage());
        } finally {
            child.destroyForcibly(); // SIGKILL on Unix
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), tag + ": the child did not die");
        }
        long acked = lastAck(childOut); // everything printed before the kill
        log.info("{}: child killed after {} acknowledged inserts (exit {})", tag, acked, child.exitValue());
        return acked;
    }

    /** The last n the child acknowledged so far, checking they came in order 1, 2, 3, ... */
    private static long lastAck(Path childOut) throws IOException {
        long last = 0;
        String output = Files.readString(childOut, StandardCharsets.UTF_8);
        // only complete lines: the last one may still be being written
        String complete = output.substring(0, output.lastIndexOf('\n') + 1);
        for (String line : complete.split("\n")) {
            if (!line.startsWith(CrashWriterMain.ACK)) {
                continue;
            }
            long n = Long.parseLong(line.substring(CrashWriterMain.ACK.length()).trim());
            assertEquals(last + 1, n, "acknowledgements out of order");
            last = n;
        }
        return last;
    }

    private void assertAllPresent(Vertx vertx, Map<String, Long> acknowledged) throws Exception {
        long started = System.nanoTime();
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir)) {
            MongoClient client = MongoClient.create(vertx, EmbeddedMongoServerIT.clientConfig(server));
            try {
                List<JsonObject> documents = await(client.findWithOptions(CrashWriterMain.COLLECTION, new JsonObject(),
                        new FindOptions().setFields(new JsonObject().put("_id", 1))));
                Set<String> present = new HashSet<>();
                documents.forEach(d -> present.add(d.getString("_id")));
                List<String> missing = new ArrayList<>();
                acknowledged.forEach((tag, last) -> {
                    for (long n = 1; n <= last; n++) {
                        if (!present.contains(tag + "-" + n)) {
                            missing.add(tag + "-" + n);
                        }
                    }
                });
                assertEquals(List.of(), missing, () -> "acknowledged but lost (" + missing.size() + ")");
                log.info("reopened after kill in {} ms: {} documents, every acknowledged one present",
                        Duration.ofNanos(System.nanoTime() - started).toMillis(), documents.size());
            } finally {
                await(client.close());
            }
        }
    }

    @Test
    void fileStaysBoundedUnderManySmallCommits(Vertx vertx) throws Exception {
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir)) {
            MongoClient client = MongoClient.create(vertx, EmbeddedMongoServerIT.clientConfig(server));
            try {
                await(client.insert("counters", new JsonObject().put("_id", "c").put("value", 0)));
                long started = System.nanoTime();
                long maxSize = 0;
                for (int batch = 0; batch < 4; batch++) {
                    int from = batch * (UPDATES / 4) + 1;
                    await(updateSequentially(client, from, from + UPDATES / 4 - 1));
                    long size = Files.size(server.file());
                    maxSize = Math.max(maxSize, size);
                    log.info("after {} updates: file {} bytes", from + UPDATES / 4 - 1, size);
                }
                long elapsedMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
                JsonObject counter = await(client.findOne("counters", new JsonObject().put("_id", "c"), null));
                assertEquals(UPDATES, counter.getInteger("value"));
                log.info("{} sequential updates in {} ms; largest file size {} bytes", UPDATES, elapsedMillis, maxSize);
                long finalMax = maxSize;
                assertTrue(maxSize < MAX_FILE_BYTES_AFTER_UPDATES,
                        () -> "file grew to " + finalMax + " bytes after " + UPDATES + " updates");
            } finally {
                await(client.close());
            }
        }
    }

    /** One update at a time; each starts from the previous one's callback, so no future chain nests. */
    private static Future<Void> updateSequentially(MongoClient client, int from, int to) {
        Promise<Void> done = Promise.promise();
        updateFrom(client, from, to, done);
        return done.future();
    }

    private static void updateFrom(MongoClient client, int n, int to, Promise<Void> done) {
        if (n > to) {
            done.complete();
            return;
        }
        JsonObject update = new JsonObject().put("$set", new JsonObject()
                .put("value", n)
                .put("note", "update number " + n + " " + "y".repeat(200)));
        client.updateCollection("counters", new JsonObject().put("_id", "c"), update)
                .onSuccess(result -> updateFrom(client, n + 1, to, done))
                .onFailure(done::fail);
    }

    private static <T> T await(Future<T> future) throws TimeoutException {
        return future.await(60, TimeUnit.SECONDS);
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no child log: " + e + ")";
        }
    }
}
