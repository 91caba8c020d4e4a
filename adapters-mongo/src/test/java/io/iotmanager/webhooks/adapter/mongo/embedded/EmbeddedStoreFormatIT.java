package io.iotmanager.webhooks.adapter.mongo.embedded;

import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.await;
import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.awaitAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents are stored as BSON with a checksum each, not Java-serialized; a file written the old way
 * is converted when opened; a damaged document is caught at start-up.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedStoreFormatIT {
    private static final String DATABASE = "format_it";
    private static final String THINGS = "things";

    @TempDir
    Path dataDir;

    private Path file() {
        return dataDir.resolve(EmbeddedMongoServer.FILE_NAME);
    }

    @Test
    void documentsAreStoredAsBsonNotJavaSerialized() throws Exception {
        EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            await(client.getDatabase(DATABASE).getCollection(THINGS)
                    .insertOne(new Document("_id", "a").append("needle", "needle-value-0123456789")));
        } finally {
            server.close();
        }
        byte[] bytes = Files.readAllBytes(file());
        // BSON of {needle: "needle-value-0123456789"}: type 0x02, the key, NUL, int32 length 24, the text, NUL
        byte[] bson = bsonString("needle", "needle-value-0123456789");
        assertTrue(indexOf(bytes, bson) >= 0, "the document's BSON bytes are in the file");
        assertTrue(indexOf(bytes, "de.bwaldvogel.mongo.bson.Document".getBytes(StandardCharsets.US_ASCII)) < 0,
                "no Java-serialized document in the file");
        MVStore store = new MVStore.Builder().fileName(file().toString()).readOnly().open();
        try {
            assertEquals(BsonDocumentType.FORMAT, DocumentFormat.recorded(store));
        } finally {
            store.closeImmediately();
        }
    }

    @Test
    void aFileWrittenWithJavaSerializedDocumentsIsConvertedWhenOpened() throws Exception {
        Files.createDirectories(dataDir);
        // the stock backend, as earlier versions wrote the file
        MVStore legacyStore = new MVStore.Builder().fileName(file().toString()).open();
        MongoServer legacy = new MongoServer(new H2Backend(legacyStore));
        String url = legacy.bindAndGetConnectionString();
        try (MongoClient client = MongoClients.create(url)) {
            for (int i = 0; i < 50; i++) {
                await(client.getDatabase(DATABASE).getCollection(THINGS)
                        .insertOne(new Document("_id", i).append("text", "t" + i).append("nested", new Document("n", i))));
            }
        } finally {
            legacy.shutdown();
        }
        assertTrue(indexOf(Files.readAllBytes(file()), "de.bwaldvogel.mongo.bson.Document".getBytes(StandardCharsets.US_ASCII)) >= 0,
                "the legacy file holds Java-serialized documents");

        EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            List<Document> all = awaitAll(client.getDatabase(DATABASE).getCollection(THINGS).find());
            assertEquals(50, all.size());
            Document seven = all.stream().filter(d -> d.getInteger("_id") == 7).findFirst().orElseThrow();
            assertEquals("t7", seven.getString("text"));
            assertEquals(7, seven.get("nested", Document.class).getInteger("n"));
            // the unique _id index still works after the conversion
            assertThrows(Exception.class, () -> await(client.getDatabase(DATABASE).getCollection(THINGS)
                    .insertOne(new Document("_id", 7))));
        } finally {
            server.close();
        }
        assertEquals(List.of(), indexMaps(), "the legacy file's unique index maps were removed (now in memory)");
        // and it opens again, now as BSON
        EmbeddedMongoServer again = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(again.connectionString())) {
            assertEquals(50L, (long) await(client.getDatabase(DATABASE).getCollection(THINGS).countDocuments()));
        } finally {
            again.close();
        }
    }

    /**
     * Unique indexes live in memory (the stock H2 index maps wrote every key with Java serialization at
     * every commit) and are rebuilt from the documents at each start: still enforced after a restart,
     * and a unique index that existing documents break is refused and leaves nothing behind.
     */
    @Test
    void uniqueIndexesAreKeptInMemoryAndStillHoldAfterARestart() throws Exception {
        EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            var things = client.getDatabase(DATABASE).getCollection(THINGS);
            await(things.createIndex(new Document("email", 1), new com.mongodb.client.model.IndexOptions().unique(true)));
            for (int i = 0; i < 20; i++) {
                await(things.insertOne(new Document("_id", "t" + i).append("email", i + "@example.com")
                        .append("team", i % 2)));
            }
            assertThrows(Exception.class, () -> await(things.insertOne(new Document("_id", "t3"))));
            assertThrows(Exception.class, () -> await(things.insertOne(new Document("_id", "x").append("email", "4@example.com"))));
        } finally {
            server.close();
        }
        assertEquals(List.of(), indexMaps(), "no index map in the file");

        EmbeddedMongoServer again = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(again.connectionString())) {
            var things = client.getDatabase(DATABASE).getCollection(THINGS);
            assertThrows(Exception.class, () -> await(things.insertOne(new Document("_id", "t5"))));
            assertThrows(Exception.class, () -> await(things.insertOne(new Document("_id", "y").append("email", "6@example.com"))));
            await(things.insertOne(new Document("_id", "t20").append("email", "20@example.com")));
            // ten documents share each team: a unique index on it is refused, and the collection carries on
            assertThrows(Exception.class, () -> await(things.createIndex(new Document("team", 1),
                    new com.mongodb.client.model.IndexOptions().unique(true))));
            await(things.insertOne(new Document("_id", "t21").append("email", "21@example.com").append("team", 1)));
            assertEquals(22L, (long) await(things.countDocuments()));
            assertEquals(2L, (long) await(things.countDocuments(new Document("_id", new Document("$in", List.of("t20", "t21"))))));
        } finally {
            again.close();
        }
    }

    /** Names of the stock backend's unique index maps in the closed store file. */
    private List<String> indexMaps() {
        MVStore store = new MVStore.Builder().fileName(file().toString()).readOnly().open();
        try {
            return store.getMapNames().stream().filter(name -> name.contains("._index_")).sorted().toList();
        } finally {
            store.closeImmediately();
        }
    }

    @Test
    void aDamagedDocumentIsCaughtByItsChecksumAtStartUp() throws Exception {
        EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            await(client.getDatabase(DATABASE).getCollection(THINGS)
                    .insertOne(new Document("_id", "a").append("needle", "needle-value-0123456789")));
        } finally {
            server.close();
        }
        byte[] bytes = Files.readAllBytes(file());
        int at = indexOf(bytes, "needle-value-0123456789".getBytes(StandardCharsets.US_ASCII));
        assertTrue(at >= 0);
        // one character of the value changed: still a well-formed string, only the checksum can tell
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.seek(at + 7);
            raf.write('X');
        }
        byte[] before = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file()));
        StoreFileException refused = assertThrows(StoreFileException.class, () -> EmbeddedMongoServer.start(dataDir));
        assertTrue(refused.getMessage().contains("checksum"), refused.getMessage());
        assertArrayEquals(before, MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file())));
    }

    private static byte[] bsonString(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[1 + k.length + 1 + 4 + v.length + 1];
        int i = 0;
        out[i++] = 0x02;
        System.arraycopy(k, 0, out, i, k.length);
        i += k.length + 1;
        int length = v.length + 1;
        out[i++] = (byte) length;
        out[i++] = (byte) (length >> 8);
        out[i++] = (byte) (length >> 16);
        out[i++] = (byte) (length >> 24);
        System.arraycopy(v, 0, out, i, v.length);
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
