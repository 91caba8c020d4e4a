package io.iotmanager.webhooks.adapter.mongo.embedded;

import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.await;
import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.awaitAll;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (injected: every write and force of the store's file fails with "No space left on
 * device"): the store says so, refuses every command at once, and is back in service on its own when
 * space returns, with every acknowledged write intact.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedStoreDiskFullIT {
    private static final String DATABASE = "disk_it";

    @TempDir
    Path dataDir;

    private EmbeddedMongoServer server;

    @BeforeAll
    static void register() {
        FullDiskFilePath.register();
    }

    @AfterEach
    void stop() {
        FullDiskFilePath.full(false);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aFullDiskIsReportedAndRefusedThenTheStoreRecoversOnItsOwnWithEveryAcknowledgedWrite() throws Exception {
        server = EmbeddedMongoServer.start(dataDir, FullDiskFilePath.PREFIX);
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(server.connectionString()))
                .retryWrites(false)
                .build();
        Set<Integer> acknowledged = new TreeSet<>();
        try (MongoClient client = MongoClients.create(settings)) {
            MongoCollection<Document> things = client.getDatabase(DATABASE).getCollection("things");
            for (int i = 0; i < 50; i++) {
                await(things.insertOne(new Document("_id", i)));
                acknowledged.add(i);
            }
            assertTrue(server.fault().isEmpty());

            FullDiskFilePath.full(true);
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> await(things.insertOne(new Document("_id", 1000))));
            assertTrue(server.fault().isPresent(), "the failed commit faults the store");
            String fault = server.fault().orElseThrow();
            assertTrue(fault.contains("No space left on device"), fault);
            assertTrue(fault.contains(server.file().toString()), fault);
            assertTrue(fault.contains("recovers on its own"), fault);
            // from now on every command is refused at once, with the reason, reads and pings included
            for (int attempt = 0; attempt < 3; attempt++) {
                MongoCommandException write = assertInstanceOf(MongoCommandException.class, assertThrows(
                        ExecutionException.class, () -> await(things.insertOne(new Document("_id", 2000)))).getCause());
                assertTrue(write.getErrorMessage().contains("No space left on device"), write.getErrorMessage());
                assertInstanceOf(MongoCommandException.class, assertThrows(ExecutionException.class,
                        () -> await(things.find().first())).getCause());
                assertInstanceOf(MongoCommandException.class, assertThrows(ExecutionException.class,
                        () -> await(client.getDatabase("admin").runCommand(new Document("ping", 1)))).getCause());
            }
            // still full after a few recovery rounds: still refused
            Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> server.fault().isPresent());

            FullDiskFilePath.full(false);
            Awaitility.await("recovered within 10 s of space returning").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> server.fault().isEmpty());

            await(things.insertOne(new Document("_id", 3000)));
            acknowledged.add(3000);
            List<Document> all = awaitAll(things.find());
            Set<Integer> stored = new TreeSet<>();
            all.forEach(d -> stored.add(d.getInteger("_id")));
            assertTrue(stored.containsAll(acknowledged), "lost: " + minus(acknowledged, stored));
            // the refused writes of the full disk are not there (the one whose commit failed may be)
            assertTrue(!stored.contains(2000), stored.toString());
            assertInstanceOf(MongoCommandException.class, refused.getCause());
        }
        // and after a restart, from the file alone
        server.close();
        server = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            Set<Integer> stored = new TreeSet<>();
            awaitAll(client.getDatabase(DATABASE).getCollection("things").find())
                    .forEach(d -> stored.add(d.getInteger("_id")));
            assertTrue(stored.containsAll(acknowledged), "lost after restart: " + minus(acknowledged, stored));
        }
    }

    private static Set<Integer> minus(Set<Integer> a, Set<Integer> b) {
        Set<Integer> result = new TreeSet<>(a);
        result.removeAll(b);
        return result;
    }
}
