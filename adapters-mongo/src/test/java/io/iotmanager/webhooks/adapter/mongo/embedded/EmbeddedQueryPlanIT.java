package io.iotmanager.webhooks.adapter.mongo.embedded;

import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.await;
import static io.iotmanager.webhooks.adapter.mongo.embedded.EmbeddedStorePrivacyIT.awaitAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoClientSettings;
import com.mongodb.ConnectionString;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.UuidRepresentation;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query shapes of every delivery decode only the documents they name, however many are stored:
 * {@code _id} with other conditions (lease renewal, a claim read back, one tenant's event), and a sorted,
 * limited range over a large backlog (the claim). Results are those of a scan.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedQueryPlanIT {
    private static final int STORED = 3_000;

    @TempDir
    Path dataDir;
    private EmbeddedMongoServer server;
    private MongoClient client;
    private MongoCollection<Document> events;
    private final List<UUID> ids = new ArrayList<>();

    @BeforeEach
    void fill() throws Exception {
        server = EmbeddedMongoServer.start(dataDir);
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(server.connectionString()))
                .uuidRepresentation(UuidRepresentation.STANDARD).build());
        events = client.getDatabase("plan_it").getCollection("log");
        await(events.createIndex(Indexes.ascending("due_at"),
                new IndexOptions().name("due").partialFilterExpression(Filters.exists("due_at"))));
        await(events.createIndex(new Document("tenant_id", 1).append("event_ts", -1).append("_id", -1),
                new IndexOptions().name("tenant_time")));
        List<Document> batch = new ArrayList<>();
        for (int i = 0; i < STORED; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            // every event due (a backlog), in order of i; the first half leased to "a"
            batch.add(new Document("_id", id).append("tenant_id", "t" + (i % 3))
                    .append("due_at", new Date(1_000_000L + i))
                    .append("event_ts", new Date(2_000_000L + i))
                    .append("lease_owner", i < STORED / 2 ? "a" : null)
                    .append("payload", "x".repeat(300)));
        }
        await(events.insertMany(batch));
    }

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    @Test
    void queriesByIdWithOtherConditionsDecodeOnlyThoseDocuments() throws Exception {
        List<UUID> some = List.of(ids.get(10), ids.get(20), ids.get(STORED - 1));

        long before = BsonDocumentType.DECODED.sum();
        List<Document> mine = awaitAll(events.find(Filters.and(Filters.in("_id", some), Filters.eq("lease_owner", "a"))));
        // no sort: in no particular order
        assertEquals(java.util.Set.of(ids.get(10), ids.get(20)), java.util.Set.copyOf(idsOf(mine)));

        long renewed = await(events.updateMany(Filters.and(Filters.in("_id", some), Filters.eq("lease_owner", "a")),
                Updates.max("lease_until", new Date(5_000L)))).getModifiedCount();
        assertEquals(2, renewed);

        Document one = await(events.find(Filters.and(Filters.eq("_id", ids.get(7)), Filters.eq("tenant_id", "t1"))).first());
        assertEquals(ids.get(7), one.get("_id", UUID.class));
        List<Document> wrongTenant = awaitAll(events.find(Filters.and(Filters.eq("_id", ids.get(7)), Filters.eq("tenant_id", "t0"))));
        assertEquals(List.of(), wrongTenant);
        List<Document> unknown = awaitAll(events.find(Filters.and(Filters.in("_id", List.of(UUID.randomUUID())),
                Filters.eq("lease_owner", "a"))));
        assertEquals(List.of(), unknown);
        long decoded = BsonDocumentType.DECODED.sum() - before;
        // a scan decodes all 3,000 per query (15,000 for these five); by _id, 8 and what the store's
        // background compaction happens to re-read meanwhile (tens)
        assertTrue(decoded <= 200, "decoded " + decoded + " documents for five queries by _id");
    }

    @Test
    void aSortedLimitedRangeOverABacklogDecodesAboutTheLimit() throws Exception {
        Bson claimable = Filters.and(Filters.lte("due_at", new Date(9_000_000L)), Filters.eq("lease_owner", null));
        long before = BsonDocumentType.DECODED.sum();
        List<Document> first = awaitAll(events.find(claimable).sort(Sorts.ascending("due_at")).limit(5)
                .projection(new Document("_id", 1)));
        long decoded = BsonDocumentType.DECODED.sum() - before;
        // the first 1,500 are leased, so the first five claimable ones are 1,500..1,504
        assertEquals(ids.subList(STORED / 2, STORED / 2 + 5), first.stream().map(d -> d.get("_id", UUID.class)).toList());
        assertTrue(decoded <= STORED / 2 + 10, "decoded " + decoded + " documents (leased ones are read and skipped)");

        before = BsonDocumentType.DECODED.sum();
        List<Document> due = awaitAll(events.find(Filters.lte("due_at", new Date(9_000_000L)))
                .sort(Sorts.ascending("due_at")).limit(5));
        decoded = BsonDocumentType.DECODED.sum() - before;
        assertEquals(ids.subList(0, 5), due.stream().map(d -> d.get("_id", UUID.class)).toList());
        assertTrue(decoded <= 10, "decoded " + decoded + " documents for the first 5 of a backlog of " + STORED);

        // a descending sort, or no limit, still gives the scan's answer
        List<Document> last = awaitAll(events.find(Filters.lte("due_at", new Date(9_000_000L)))
                .sort(Sorts.descending("due_at")).limit(2));
        assertEquals(List.of(ids.get(STORED - 1), ids.get(STORED - 2)), last.stream().map(d -> d.get("_id", UUID.class)).toList());
        assertEquals(STORED, awaitAll(events.find(Filters.lte("due_at", new Date(9_000_000L)))
                .sort(Sorts.ascending("due_at"))).size());
    }

    @Test
    void onePageOfATenantsNewestEventsDecodesAboutThePage() throws Exception {
        Bson newestFirst = Sorts.orderBy(Sorts.descending("event_ts"), Sorts.descending("_id"));
        long before = BsonDocumentType.DECODED.sum();
        List<Document> page = awaitAll(events.find(Filters.eq("tenant_id", "t1")).sort(newestFirst).skip(2).limit(3));
        long decoded = BsonDocumentType.DECODED.sum() - before;
        // tenant t1 holds i = 1, 4, ..., 2998; newest first, after skipping two: 2992, 2989, 2986
        assertEquals(List.of(ids.get(2992), ids.get(2989), ids.get(2986)), idsOf(page));
        assertTrue(decoded <= 20, "decoded " + decoded + " documents for a page of 3 (a scan: " + STORED + ")");

        // another condition is applied to each document in order: t1's newest leased ones are 1498, 1495
        before = BsonDocumentType.DECODED.sum();
        List<Document> leased = awaitAll(events.find(Filters.and(Filters.eq("tenant_id", "t1"), Filters.eq("lease_owner", "a")))
                .sort(newestFirst).limit(2));
        decoded = BsonDocumentType.DECODED.sum() - before;
        assertEquals(List.of(ids.get(1498), ids.get(1495)), idsOf(leased));
        assertTrue(decoded <= STORED / 3 / 2 + 50, "decoded " + decoded);

        // kept in order through updates and deletes
        await(events.updateOne(Filters.eq("_id", ids.get(1)), Updates.set("event_ts", new Date(9_000_000L))));
        await(events.deleteOne(Filters.eq("_id", ids.get(2998))));
        await(events.updateOne(Filters.eq("_id", ids.get(2995)), Updates.set("tenant_id", "t0")));
        List<Document> first = awaitAll(events.find(Filters.eq("tenant_id", "t1")).sort(newestFirst).limit(3));
        assertEquals(List.of(ids.get(1), ids.get(2992), ids.get(2989)), idsOf(first));
        assertEquals(STORED / 3 - 2, awaitAll(events.find(Filters.eq("tenant_id", "t1")).sort(newestFirst)).size());
        // the same answer as a scan (a sort the index does not give)
        List<Document> scanned = awaitAll(events.find(Filters.eq("tenant_id", "t1"))
                .sort(Sorts.orderBy(Sorts.descending("event_ts"), Sorts.ascending("_id"))).limit(3));
        assertEquals(idsOf(first), idsOf(scanned));
    }

    private static List<UUID> idsOf(List<Document> documents) {
        return documents.stream().map(d -> d.get("_id", UUID.class)).toList();
    }

    @Test
    void aRestartFillsEveryIndexInOnePassOverTheDocuments() throws Exception {
        client.close();
        server.close();
        long before = BsonDocumentType.DECODED.sum();
        server = EmbeddedMongoServer.start(dataDir);
        long decoded = BsonDocumentType.DECODED.sum() - before;
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(server.connectionString()))
                .uuidRepresentation(UuidRepresentation.STANDARD).build());
        events = client.getDatabase("plan_it").getCollection("log");
        // three indexes kept in memory (_id, due_at, tenant_time): one pass fills them all, where one pass
        // each (or two, as the stock code does) decoded the collection three (six) times; the start-up
        // check of the file may read the documents once more
        assertTrue(decoded <= 2L * STORED + 100, "decoded " + decoded + " documents to open " + STORED);
        // and they work
        assertThrows(Exception.class, () -> await(events.insertOne(new Document("_id", ids.get(5)))));
        assertEquals(List.of(ids.get(0)), idsOf(awaitAll(events.find(Filters.lte("due_at", new Date(9_000_000L)))
                .sort(Sorts.ascending("due_at")).limit(1))));
        assertEquals(List.of(ids.get(2998)), idsOf(awaitAll(events.find(Filters.eq("tenant_id", "t1"))
                .sort(Sorts.orderBy(Sorts.descending("event_ts"), Sorts.descending("_id"))).limit(1))));
    }
}
