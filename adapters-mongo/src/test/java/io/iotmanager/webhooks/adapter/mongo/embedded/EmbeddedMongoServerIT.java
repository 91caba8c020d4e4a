package io.iotmanager.webhooks.adapter.mongo.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class EmbeddedMongoServerIT {

    static final String DATABASE = "iot_webhooks_it";
    private static final String THINGS = "things";

    @TempDir
    Path dataDir;

    private EmbeddedMongoServer server;
    private MongoClient client;

    static JsonObject clientConfig(EmbeddedMongoServer server) {
        return new JsonObject()
                .put("connection_string", server.connectionString())
                .put("db_name", DATABASE);
    }

    @BeforeEach
    void start(Vertx vertx) {
        // the JUnit thread is not an event loop, so the blocking start is fine here
        server = EmbeddedMongoServer.start(dataDir);
        client = MongoClient.create(vertx, clientConfig(server));
    }

    @AfterEach
    void stop(Vertx vertx, VertxTestContext ctx) {
        closeClientAndServer(vertx).onComplete(ctx.succeedingThenComplete());
    }

    private Future<Void> closeClientAndServer(Vertx vertx) {
        MongoClient closingClient = client;
        EmbeddedMongoServer closingServer = server;
        return closingClient.close()
                .eventually(() -> vertx.executeBlocking(() -> {
                    closingServer.close();
                    return null;
                }));
    }

    @Test
    void describesItself() {
        assertTrue(server.connectionString().matches(
                "mongodb://svc-[\\w-]+:[\\w-]+@127\\.0\\.0\\.1:\\d+/\\?authMechanism=PLAIN&authSource=%24external"),
                "per-process credentials");
        assertEquals(dataDir.toAbsolutePath().resolve("iot-webhooks.mv.db"), server.file());
        assertTrue(server.version().startsWith("mongo-java-server 1.47.0 (H2 MVStore " + org.h2.engine.Constants.VERSION + ", file "), server.version());
        assertTrue(server.version().contains(server.file().toString()), server.version());
    }

    @Test
    void insertsFindsAndUpdates(VertxTestContext ctx) {
        client.insert(THINGS, new JsonObject().put("_id", "a").put("name", "alpha").put("count", 1))
                .compose(id -> client.insert(THINGS, new JsonObject().put("_id", "b").put("name", "beta").put("count", 1)))
                .compose(id -> client.find(THINGS, new JsonObject().put("name", "alpha")))
                .compose(found -> {
                    ctx.verify(() -> {
                        assertEquals(1, found.size());
                        assertEquals("a", found.get(0).getString("_id"));
                    });
                    return client.updateCollection(THINGS, new JsonObject().put("_id", "a"),
                            new JsonObject()
                                    .put("$inc", new JsonObject().put("count", 1))
                                    .put("$set", new JsonObject().put("status", "updated")));
                })
                .compose(updated -> {
                    ctx.verify(() -> {
                        assertEquals(1, updated.getDocMatched());
                        assertEquals(1, updated.getDocModified());
                    });
                    return client.findOne(THINGS, new JsonObject().put("_id", "a"), null);
                })
                .onComplete(ctx.succeeding(doc -> ctx.verify(() -> {
                    assertEquals(2, doc.getInteger("count"));
                    assertEquals("updated", doc.getString("status"));
                    ctx.completeNow();
                })));
    }

    @Test
    void uniqueIndexRejectsDuplicateKey(VertxTestContext ctx) {
        client.createIndexWithOptions(THINGS, new JsonObject().put("name", 1), new IndexOptions().unique(true))
                // a non-unique index is accepted (and ignored by the embedded server)
                .compose(v -> client.createIndex(THINGS, new JsonObject().put("count", 1)))
                .compose(v -> client.insert(THINGS, new JsonObject().put("_id", "a").put("name", "same")))
                .compose(id -> client.insert(THINGS, new JsonObject().put("_id", "b").put("name", "same")))
                .onComplete(ctx.failing(error -> ctx.verify(() -> {
                    assertDuplicateKey(error);
                    ctx.completeNow();
                })));
    }

    static void assertDuplicateKey(Throwable error) {
        assertTrue(error instanceof MongoException, () -> "not a MongoException: " + error);
        assertEquals(11000, ((MongoException) error).getCode(), error::toString);
    }

    @Test
    void deletesManyByDateRange(VertxTestContext ctx) {
        Future.all(List.of(
                        client.insert(THINGS, expiring("old-1", "2024-01-01T00:00:00Z")),
                        client.insert(THINGS, expiring("old-2", "2024-05-31T23:59:59.999Z")),
                        client.insert(THINGS, expiring("new-1", "2024-06-01T00:00:00Z"))))
                .compose(all -> client.removeDocuments(THINGS, new JsonObject().put("expire_at",
                        new JsonObject().put("$lt", new JsonObject().put("$date", "2024-06-01T00:00:00Z")))))
                .compose(removed -> {
                    ctx.verify(() -> assertEquals(2, removed.getRemovedCount()));
                    return client.find(THINGS, new JsonObject());
                })
                .onComplete(ctx.succeeding(left -> ctx.verify(() -> {
                    assertEquals(List.of("new-1"), ids(left));
                    assertEquals("2024-06-01T00:00:00Z",
                            left.get(0).getJsonObject("expire_at").getString("$date"));
                    ctx.completeNow();
                })));
    }

    private static JsonObject expiring(String id, String instant) {
        return new JsonObject().put("_id", id).put("expire_at", new JsonObject().put("$date", instant));
    }

    static List<String> ids(List<JsonObject> documents) {
        return documents.stream().map(d -> d.getString("_id")).sorted().collect(Collectors.toList());
    }

    @Test
    void keepsDataAcrossCloseAndReopen(Vertx vertx, VertxTestContext ctx) {
        AtomicReference<MongoClient> reopened = new AtomicReference<>();
        client.createIndexWithOptions(THINGS, new JsonObject().put("name", 1), new IndexOptions().unique(true))
                .compose(v -> client.insert(THINGS, new JsonObject().put("_id", "a").put("name", "alpha").put("count", 1)))
                .compose(id -> client.insert(THINGS, new JsonObject().put("_id", "b").put("name", "beta")))
                .compose(id -> client.updateCollection(THINGS, new JsonObject().put("_id", "a"),
                        new JsonObject().put("$set", new JsonObject().put("count", 7))))
                .compose(updated -> closeClientAndServer(vertx))
                .compose(closed -> vertx.executeBlocking(() -> EmbeddedMongoServer.start(dataDir)))
                .compose(restarted -> {
                    server = restarted;
                    client = MongoClient.create(vertx, clientConfig(restarted));
                    return client.find(THINGS, new JsonObject());
                })
                .compose(found -> {
                    ctx.verify(() -> {
                        assertEquals(List.of("a", "b"), ids(found));
                        assertEquals(7, found.stream().filter(d -> d.getString("_id").equals("a"))
                                .findFirst().orElseThrow().getInteger("count"));
                    });
                    // the unique index survived the restart too
                    return client.insert(THINGS, new JsonObject().put("_id", "c").put("name", "alpha"));
                })
                .onComplete(ctx.failing(error -> ctx.verify(() -> {
                    assertDuplicateKey(error);
                    ctx.completeNow();
                })));
    }

    @Test
    void refusesAFileThatIsAlreadyOpen() {
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> EmbeddedMongoServer.start(dataDir));
        assertTrue(error.getMessage().contains(server.file().toString()), error.getMessage());
        assertTrue(error.getMessage().contains("locked"), error.getMessage());
    }
}
