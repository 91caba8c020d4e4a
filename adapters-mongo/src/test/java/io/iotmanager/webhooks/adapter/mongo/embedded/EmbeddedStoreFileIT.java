package io.iotmanager.webhooks.adapter.mongo.embedded;

import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.await;
import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.awaitAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A missing file starts a new store; an empty, truncated or damaged one is refused with a
 * {@link StoreFileException} that names the file, says what was found and how to recover, and the file
 * is left byte for byte as it was.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedStoreFileIT {
    private static final String DATABASE = "file_it";
    private static final String THINGS = "things";
    private static final int DOCUMENTS = 200;

    @TempDir
    static Path shared;
    @TempDir
    Path dataDir;

    /** A store file (and its commit record) holding {@value #DOCUMENTS} documents, written one command each. */
    private static Path goodDir;

    @BeforeAll
    static void writeAGoodStore() throws Exception {
        goodDir = shared.resolve("good");
        EmbeddedMongoServer server = EmbeddedMongoServer.start(goodDir);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            for (int i = 0; i < DOCUMENTS; i++) {
                await(client.getDatabase(DATABASE).getCollection(THINGS)
                        .insertOne(new Document("_id", i).append("payload", "p".repeat(400) + i)));
            }
        } finally {
            server.close();
        }
    }

    private Path copyOfGoodStore() throws IOException {
        Files.createDirectories(dataDir);
        try (var files = Files.list(goodDir)) {
            for (Path f : files.toList()) {
                Files.copy(f, dataDir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dataDir.resolve(EmbeddedMongoServer.FILE_NAME);
    }

    @Test
    void aMissingFileStartsANewStore() throws Exception {
        EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            assertEquals(0, awaitAll(client.getDatabase(DATABASE).getCollection(THINGS).find()).size());
        } finally {
            server.close();
        }
        assertTrue(Files.size(dataDir.resolve(EmbeddedMongoServer.FILE_NAME)) > 0);
    }

    @Test
    void anIntactCopyOpensWithEveryDocument() throws Exception {
        copyOfGoodStore();
        assertEquals(DOCUMENTS, countDocuments());
    }

    @Test
    void anEmptyFileIsRefusedAndLeftEmpty() throws Exception {
        Files.createDirectories(dataDir);
        Path file = Files.createFile(dataDir.resolve(EmbeddedMongoServer.FILE_NAME));
        StoreFileException refused = assertRefusedUnchanged(file);
        assertTrue(refused.getMessage().contains("is empty (0 bytes)"), refused.getMessage());
        assertEquals(0, Files.size(file));
    }

    @Test
    void aTruncatedFileIsRefusedAndLeftAsItWas() throws Exception {
        Path file = copyOfGoodStore();
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size / 2);
        }
        StoreFileException refused = assertRefusedUnchanged(file);
        assertTrue(refused.getMessage().contains("truncated"), refused.getMessage());
    }

    @Test
    void aFileCutToItsHeaderIsRefused() throws Exception {
        Path file = copyOfGoodStore();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8192);
        }
        assertRefusedUnchanged(file);
    }

    @Test
    void aFileDamagedInTheMiddleOfItsDataIsRefusedAndLeftAsItWas() throws Exception {
        Path file = copyOfGoodStore();
        // 4 KiB of noise over a document in the middle of the collection (over every copy of it in the file:
        // dead copies in free space harm nothing and are rightly not noticed, the live one must be)
        byte[] bytes = Files.readAllBytes(file);
        byte[] needle = ("p".repeat(20) + (DOCUMENTS / 2) + "\0").getBytes(StandardCharsets.US_ASCII);
        List<Integer> copies = new ArrayList<>();
        for (int i = 0; i <= bytes.length - needle.length; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                copies.add(i);
            }
        }
        assertTrue(!copies.isEmpty(), "the document is in the file");
        Random random = new Random(11);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            for (int at : copies) {
                byte[] noise = new byte[4096];
                random.nextBytes(noise);
                long offset = Math.max(8192, at - 2048);
                raf.seek(offset);
                raf.write(noise, 0, (int) Math.min(noise.length, bytes.length - offset));
            }
        }
        StoreFileException refused = assertRefusedUnchanged(file);
        assertTrue(refused.getMessage().contains("damaged"), refused.getMessage());
    }

    @Test
    void aFileWhoseNewestChunkIsDamagedIsRefusedRatherThanOpenedAtAnOlderVersion() throws Exception {
        long newestChunkEnd = newestChunkEnd(goodDir.resolve(EmbeddedMongoServer.FILE_NAME));
        Path file = copyOfGoodStore();
        // the last block of the newest chunk, where its footer is (H2 may place a new chunk in free space
        // before the end of the file, so the file's own last block is not always it)
        byte[] noise = new byte[BLOCK];
        new Random(12).nextBytes(noise);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(newestChunkEnd - BLOCK);
            raf.write(noise);
        }
        assertRefusedUnchanged(file);
    }

    private static final int BLOCK = 4096;

    /** Where the chunk with the highest id ends, in bytes, read from the store's layout (read-only). */
    private static long newestChunkEnd(Path file) {
        MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            int newest = -1;
            long end = -1;
            for (var entry : store.getLayoutMap().entrySet()) {
                if (!entry.getKey().startsWith("chunk.")) {
                    continue;
                }
                int id = -1;
                long block = -1;
                long length = -1;
                for (String field : entry.getValue().split(",")) {
                    String[] kv = field.split(":", 2);
                    switch (kv[0]) {
                        case "chunk" -> id = Integer.parseInt(kv[1], 16);
                        case "block" -> block = Long.parseLong(kv[1], 16);
                        case "len" -> length = Long.parseLong(kv[1], 16);
                        default -> { }
                    }
                }
                if (id > newest && block >= 0 && length > 0) {
                    newest = id;
                    end = (block + length) * BLOCK;
                }
            }
            assertTrue(end > 0, "the store's layout names its chunks");
            return end;
        } finally {
            store.close();
        }
    }

    /** Starts on the file, expects the refusal, checks the message and that not a byte changed. */
    private StoreFileException assertRefusedUnchanged(Path file) throws Exception {
        byte[] before = sha256(file);
        long sizeBefore = Files.size(file);
        List<Path> filesBefore = listing();
        StoreFileException refused = assertThrows(StoreFileException.class, () -> EmbeddedMongoServer.start(dataDir));
        String message = refused.getMessage();
        assertTrue(message.contains(file.toAbsolutePath().toString()), message);
        assertTrue(message.contains("move it aside"), message);
        assertTrue(message.contains("has not changed it"), message);
        assertEquals(file.toAbsolutePath(), refused.file());
        assertArrayEquals(before, sha256(file), "the file was changed");
        assertEquals(sizeBefore, Files.size(file));
        assertEquals(filesBefore, listing(), "files were added or removed");
        // and again: a refusal leaves nothing behind that would let a second start succeed
        assertThrows(StoreFileException.class, () -> EmbeddedMongoServer.start(dataDir));
        assertArrayEquals(before, sha256(file), "the file was changed by a second attempt");
        return refused;
    }

    private List<Path> listing() throws IOException {
        try (var files = Files.list(dataDir)) {
            return new ArrayList<>(files.map(Path::getFileName).sorted().toList());
        }
    }

    private long countDocuments() throws Exception {
        EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            return await(client.getDatabase(DATABASE).getCollection(THINGS).countDocuments());
        } finally {
            server.close();
        }
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
