package io.iotmanager.webhooks.adapter.mongo.embedded;

import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.await;
import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.awaitAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A declared single-field index is a real one on the embedded store: a range query on it (the delivery
 * engine's claim shape: {@code due <= now}, sorted, limited) decodes only the matching documents, not
 * the collection, and gives the same answers as a scan through inserts, updates, deletes and a restart.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedMemoryIndexIT {
    private static final String DATABASE = "index_it";
    private static final int SETTLED = 3_000;
    private static final int DUE = 20;

    @TempDir
    Path dataDir;

    @Test
    void aRangeQueryOnADeclaredIndexReadsOnlyTheMatchingDocumentsAndStaysRight() throws Exception {
        EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            MongoCollection<Document> work = client.getDatabase(DATABASE).getCollection("work");
            await(work.createIndex(Indexes.ascending("due"),
                    new IndexOptions().name("due_pending").partialFilterExpression(Filters.exists("due"))));
            List<Document> batch = new ArrayList<>();
            for (int i = 0; i < SETTLED; i++) {
                batch.add(new Document("_id", "settled-" + i).append("payload", "x".repeat(200)));
            }
            for (int i = 0; i < DUE; i++) {
                batch.add(new Document("_id", "due-" + i).append("due", new Date(1_000_000L + i)));
            }
            for (int i = 0; i < DUE; i++) {
                batch.add(new Document("_id", "later-" + i).append("due", new Date(9_000_000L + i)));
            }
            await(work.insertMany(batch));

            Bson claimable = Filters.lte("due", new Date(5_000_000L));
            long before = BsonDocumentType.DECODED.sum();
            List<Document> first = awaitAll(work.find(claimable).sort(Sorts.ascending("due")).limit(5));
            long decoded = BsonDocumentType.DECODED.sum() - before;
            assertEquals(List.of("due-0", "due-1", "due-2", "due-3", "due-4"), ids(first));
            assertTrue(decoded <= 2 * DUE, "decoded " + decoded + " documents for a query matching " + DUE
                    + " of " + (SETTLED + 2 * DUE));

            // kept right through updates (moved out of range, unset), deletes and inserts
            await(work.updateOne(Filters.eq("_id", "due-0"), Updates.set("due", new Date(9_500_000L))));
            await(work.updateOne(Filters.eq("_id", "due-1"), Updates.unset("due")));
            await(work.deleteOne(Filters.eq("_id", "due-2")));
            await(work.updateOne(Filters.eq("_id", "settled-7"), Updates.set("due", new Date(500_000L))));
            await(work.updateMany(Filters.lte("due", new Date(1_000_005L)), Updates.set("touched", true)));
            List<String> expected = List.of("settled-7", "due-3", "due-4", "due-5", "due-6");
            assertEquals(expected, ids(awaitAll(work.find(claimable).sort(Sorts.ascending("due")).limit(5))));
            assertEquals(DUE - 3 + 1, (long) await(work.countDocuments(claimable)));
            assertEquals(4L, (long) await(work.countDocuments(Filters.eq("touched", true))));
        } finally {
            server.close();
        }

        // rebuilt at start-up from the file: same answers, still without a scan per query
        EmbeddedMongoServer again = EmbeddedMongoServer.start(dataDir);
        try (MongoClient client = MongoClients.create(again.connectionString())) {
            MongoCollection<Document> work = client.getDatabase(DATABASE).getCollection("work");
            // the repository declares its indexes at every start (idempotently), which builds this one
            await(work.createIndex(Indexes.ascending("due"),
                    new IndexOptions().name("due_pending").partialFilterExpression(Filters.exists("due"))));
            Bson claimable = Filters.lte("due", new Date(5_000_000L));
            long before = BsonDocumentType.DECODED.sum();
            List<Document> found = awaitAll(work.find(claimable).sort(Sorts.ascending("due")).limit(5));
            long decoded = BsonDocumentType.DECODED.sum() - before;
            assertEquals(List.of("settled-7", "due-3", "due-4", "due-5", "due-6"), ids(found));
            assertTrue(decoded <= 2 * DUE, "decoded " + decoded);
        } finally {
            again.close();
        }
    }

    private static List<String> ids(List<Document> documents) {
        return documents.stream().map(d -> d.getString("_id")).toList();
    }
}
