package io.iotmanager.webhooks.adapter.mongo.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Only this process's own client can use the embedded store: a stock MongoDB driver on the same host
 * reaches the port but every read and write is refused, with no credentials, with guessed credentials,
 * and over TLS.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedStorePrivacyIT {
    private static final String DATABASE = "privacy_it";
    private static final String THINGS = "things";

    @TempDir
    Path dataDir;

    private EmbeddedMongoServer server;
    private MongoClient owner;

    @BeforeEach
    void start() throws Exception {
        server = EmbeddedMongoServer.start(dataDir);
        owner = MongoClients.create(server.connectionString());
        await(owner.getDatabase(DATABASE).getCollection(THINGS).insertOne(new Document("_id", "a").append("secret", "s3cr3t")));
    }

    @AfterEach
    void stop() {
        owner.close();
        server.close();
    }

    private String hostAndPort() {
        return "127.0.0.1:" + server.address().getPort();
    }

    @Test
    void aStockClientWithoutCredentialsIsRefusedForReadsAndWrites() throws Exception {
        try (MongoClient stranger = MongoClients.create(settings("mongodb://" + hostAndPort() + "/?directConnection=true", null))) {
            MongoCollection<Document> things = stranger.getDatabase(DATABASE).getCollection(THINGS);
            assertUnauthorized(assertThrows(ExecutionException.class, () -> await(things.find().first())));
            assertUnauthorized(assertThrows(ExecutionException.class,
                    () -> await(things.insertOne(new Document("_id", "intruder")))));
            assertUnauthorized(assertThrows(ExecutionException.class,
                    () -> await(things.updateOne(new Document("_id", "a"), new Document("$set", new Document("secret", "x"))))));
            assertUnauthorized(assertThrows(ExecutionException.class,
                    () -> await(stranger.listDatabaseNames())));
        }
        assertUntouched();
    }

    @Test
    void aStockClientWithGuessedCredentialsIsRefused() throws Exception {
        for (MongoCredential guess : List.of(
                MongoCredential.createPlainCredential("svc-guess", "$external", "password".toCharArray()),
                MongoCredential.createScramSha256Credential("admin", "admin", "admin".toCharArray()),
                MongoCredential.createScramSha1Credential("admin", "admin", "admin".toCharArray()))) {
            try (MongoClient stranger = MongoClients.create(settings("mongodb://" + hostAndPort() + "/?directConnection=true", guess))) {
                MongoCollection<Document> things = stranger.getDatabase(DATABASE).getCollection(THINGS);
                ExecutionException read = assertThrows(ExecutionException.class, () -> await(things.find().first()));
                assertRefusedAtAuthentication(read);
                ExecutionException write = assertThrows(ExecutionException.class,
                        () -> await(things.insertOne(new Document("_id", "intruder"))));
                assertRefusedAtAuthentication(write);
            }
        }
        assertUntouched();
    }

    @Test
    void aStockClientOverTlsIsRefused() throws Exception {
        try (MongoClient stranger = MongoClients.create(settings("mongodb://" + hostAndPort()
                + "/?directConnection=true&tls=true&tlsAllowInvalidCertificates=true&tlsAllowInvalidHostnames=true", null))) {
            MongoCollection<Document> things = stranger.getDatabase(DATABASE).getCollection(THINGS);
            ExecutionException read = assertThrows(ExecutionException.class, () -> await(things.find().first()));
            assertInstanceOf(MongoTimeoutException.class, read.getCause(), read.toString());
            ExecutionException write = assertThrows(ExecutionException.class,
                    () -> await(things.insertOne(new Document("_id", "intruder"))));
            assertInstanceOf(MongoTimeoutException.class, write.getCause(), write.toString());
        }
        assertUntouched();
    }

    @Test
    void theConnectionStringIsTheOnlyWayInAndChangesPerStart() throws Exception {
        String first = server.connectionString();
        assertTrue(first.startsWith("mongodb://svc-"), "carries a user");
        owner.close();
        server.close();
        server = EmbeddedMongoServer.start(dataDir);
        owner = MongoClients.create(server.connectionString());
        assertFalse(first.equals(server.connectionString()), "fresh credentials per start");
        // the previous start's credentials no longer open the store
        try (MongoClient stale = MongoClients.create(settings(first.replaceFirst(":\\d+/", ":" + server.address().getPort() + "/"), null))) {
            ExecutionException read = assertThrows(ExecutionException.class,
                    () -> await(stale.getDatabase(DATABASE).getCollection(THINGS).find().first()));
            assertRefusedAtAuthentication(read);
        }
        assertUntouched();
    }

    private void assertUntouched() throws Exception {
        List<Document> all = awaitAll(owner.getDatabase(DATABASE).getCollection(THINGS).find());
        assertEquals(1, all.size(), all::toString);
        assertEquals("s3cr3t", all.get(0).getString("secret"));
    }

    private static void assertUnauthorized(ExecutionException failure) {
        MongoCommandException refused = assertInstanceOf(MongoCommandException.class, failure.getCause(), failure.toString());
        assertEquals(PrivateBackend.UNAUTHORIZED, refused.getErrorCode(), refused.toString());
    }

    /** Refused while authenticating: the driver reports it as a security exception or gives up on the server. */
    private static void assertRefusedAtAuthentication(ExecutionException failure) {
        Throwable cause = failure.getCause();
        assertTrue(cause instanceof MongoSecurityException || cause instanceof MongoTimeoutException,
                () -> "not an authentication failure: " + cause);
        assertFalse(cause instanceof MongoCommandException, cause::toString);
        assertInstanceOf(MongoException.class, cause);
    }

    private static MongoClientSettings settings(String url, MongoCredential credential) {
        MongoClientSettings.Builder builder = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(url))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(2, TimeUnit.SECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS));
        if (credential != null) {
            builder.credential(credential);
        }
        return builder.build();
    }

    static <T> T await(Publisher<T> publisher) throws Exception {
        List<T> all = awaitAll(publisher);
        return all.isEmpty() ? null : all.get(0);
    }

    static <T> List<T> awaitAll(Publisher<T> publisher) throws Exception {
        CompletableFuture<List<T>> done = new CompletableFuture<>();
        List<T> items = new ArrayList<>();
        publisher.subscribe(new Subscriber<T>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(T item) {
                synchronized (items) {
                    items.add(item);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                synchronized (items) {
                    done.complete(new ArrayList<>(items));
                }
            }
        });
        return done.get(30, TimeUnit.SECONDS);
    }
}
