package io.iotmanager.webhooks.adapter.mongo.embedded;

import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.await;
import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.awaitAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.MongoCommandException;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two commands that create one collection at the same time (two instances starting together on one
 * store, or two inserts into a collection that does not exist yet) create it once: an explicit create
 * that loses gets MongoDB's {@code NamespaceExists} (48), an implicit one uses the collection the other
 * made, and the collection keeps one {@code _id_} index. Before, the loser failed with an unknown error
 * (the namespace was already recorded) and replaced the winner's collection object.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedCollectionCreationIT {
    private static final String DATABASE = "creation_it";
    private static final int ROUNDS = 40;
    private static final int RACERS = 6;

    @TempDir
    Path dataDir;

    @Test
    void racingCreatesMakeOneCollectionAndTheLosersGetNamespaceExists() throws Exception {
        EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir);
        ExecutorService threads = Executors.newFixedThreadPool(RACERS);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            MongoDatabase db = client.getDatabase(DATABASE);
            await(db.runCommand(new Document("ping", 1))); // connected before the first round
            Map<String, Integer> outcomes = new TreeMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                String explicit = "explicit_" + round;
                String implicit = "implicit_" + round;
                List<CompletableFuture<String>> racing = new ArrayList<>();
                for (int i = 0; i < RACERS; i++) {
                    int racer = i;
                    racing.add(CompletableFuture.supplyAsync(() -> outcome(() -> await(db.createCollection(explicit))),
                            threads));
                    racing.add(CompletableFuture.supplyAsync(() -> outcome(() -> await(db.getCollection(implicit)
                            .insertOne(new Document("_id", racer)))), threads));
                }
                List<String> results = new ArrayList<>();
                for (CompletableFuture<String> result : racing) {
                    results.add(result.get(30, TimeUnit.SECONDS));
                }
                long created = results.stream().filter("ok"::equals).count();
                assertEquals(RACERS + 1, created, "round " + round + ": one create and every insert: " + results);
                results.forEach(r -> outcomes.merge(r, 1, Integer::sum));

                assertEquals(List.of("_id_"), indexNames(db, explicit), explicit);
                assertEquals(List.of("_id_"), indexNames(db, implicit), implicit);
                assertEquals((long) RACERS, (long) await(db.getCollection(implicit).countDocuments()), implicit);
                await(db.getCollection(explicit).insertOne(new Document("_id", "after")));
                assertEquals(1L, (long) await(db.getCollection(explicit).countDocuments()), explicit);
            }
            assertEquals(Map.of("ok", ROUNDS * (RACERS + 1), "NamespaceExists", ROUNDS * (RACERS - 1)), outcomes);
            List<String> names = awaitAll(db.listCollectionNames());
            assertEquals(2 * ROUNDS, names.size(), "each collection listed once: " + names);
        } finally {
            threads.shutdownNow();
            server.close();
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static String outcome(Call call) {
        try {
            call.run();
            return "ok";
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return cause instanceof MongoCommandException failed && !failed.getErrorCodeName().isEmpty()
                    ? failed.getErrorCodeName()
                    : cause.toString();
        }
    }

    private static List<String> indexNames(MongoDatabase db, String collection) throws Exception {
        return awaitAll(db.getCollection(collection).listIndexes()).stream().map(i -> i.getString("name")).toList();
    }
}
