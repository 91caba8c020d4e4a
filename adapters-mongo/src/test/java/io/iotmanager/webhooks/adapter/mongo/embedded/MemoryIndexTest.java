package io.iotmanager.webhooks.adapter.mongo.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The indexes the embedded store keeps in memory: right answers through adds, updates and removals,
 * and lean on the heap, since their entries live as long as the documents: an entry per document that
 * holds one value, and an update that leaves the indexed fields as they were touches nothing.
 */
class MemoryIndexTest {
    private static final int DOCUMENTS = 10_000;

    private static Document doc(UUID id, Object due) {
        Document document = new Document("_id", id).append("tenant_id", "t");
        if (due != null) {
            document.append("due_at", due);
        }
        return document;
    }

    private static MemoryIndex dueIndex() {
        return new MemoryIndex("due", List.of(new IndexKey("due_at", true)), false);
    }

    private static Document before(Instant bound) {
        return new Document("due_at", new Document("$lte", bound));
    }

    @Test
    void answersStayRightThroughSharedValuesArraysUpdatesAndRemovals() {
        MemoryIndex index = dueIndex();
        Instant t1 = Instant.ofEpochSecond(100);
        Instant t2 = Instant.ofEpochSecond(200);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        index.add(doc(a, t1), a, null);
        index.add(doc(b, t1), b, null); // two documents under one value
        index.add(doc(c, List.of(t1, t2)), c, null); // an array: under each element
        assertEquals(List.of(a, b, c), index.getPositions(new Document("due_at", t1)));
        assertEquals(List.of(c), index.getPositions(new Document("due_at", t2)));
        assertEquals(3, index.getCount());

        index.updateInPlace(doc(a, t1), doc(a, t2), a, null);
        assertEquals(List.of(b, c), index.getPositions(new Document("due_at", t1)));
        assertEquals(Set.of(a, c), Set.copyOf(index.getPositions(new Document("due_at", t2))));
        index.updateInPlace(doc(b, t1), doc(b, null), b, null); // the field removed: out of the index
        assertEquals(List.of(c), index.getPositions(new Document("due_at", t1)));
        index.updateInPlace(doc(c, List.of(t1, t2)), doc(c, List.of(t1, t2)), c, null); // unchanged
        assertEquals(List.of(c), index.getPositions(new Document("due_at", t1)));
        assertEquals(Set.of(a, c), Set.copyOf(index.getPositions(before(t2))));

        index.remove(doc(c, List.of(t1, t2)));
        assertEquals(List.of(a), index.getPositions(before(t2)));
        index.remove(doc(a, t2));
        assertEquals(List.of(), index.getPositions(before(t2)));
        assertEquals(0, index.getCount());
    }

    @Test
    void eachDocumentWithOneValueCostsOneLeanEntry() {
        MemoryIndex index = dueIndex();
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            documents.add(doc(UUID.randomUUID(), Instant.ofEpochMilli(1_000_000L + i)));
        }
        long bytes = allocated(() -> {
            documents.forEach(d -> index.add(d, d.get("_id"), null));
            return null;
        });
        assertEquals(DOCUMENTS, index.getPositions(before(Instant.ofEpochMilli(2_000_000L))).size());
        // a set and a list per document, as the index kept them before, took about 280 bytes
        assertTrue(bytes / DOCUMENTS < 150, bytes / DOCUMENTS + " bytes per document");
    }

    @Test
    void anUpdateThatLeavesTheIndexedFieldsAsTheyWereAllocatesNothingInTheIndexes() {
        MemoryIndex due = dueIndex();
        MemoryUniqueIndex ids = new MemoryUniqueIndex("_id_", List.of(new IndexKey("_id", true)), false);
        OrderedMemoryIndex tenantTime = new OrderedMemoryIndex("tenant_time",
                List.of(new IndexKey("tenant_id", true), new IndexKey("due_at", false), new IndexKey("_id", false)), false);
        List<Document> before = new ArrayList<>();
        List<Document> after = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            UUID id = UUID.randomUUID();
            Instant time = Instant.ofEpochMilli(1_000_000L + i);
            Document stored = doc(id, time).append("lease_owner", "a");
            due.add(stored, id, null);
            ids.add(stored, id, null);
            tenantTime.add(stored, id, null);
            before.add(stored);
            // what a delivery outcome changes: statuses and the lease, not the indexed fields
            after.add(doc(UUID.fromString(id.toString()), Instant.ofEpochMilli(time.toEpochMilli()))
                    .append("status", List.of(new Document("state", "delivered"))));
        }
        long bytes = allocated(() -> {
            for (int i = 0; i < DOCUMENTS; i++) {
                Object id = before.get(i).get("_id");
                ids.checkUpdate(before.get(i), after.get(i), null);
                ids.updateInPlace(before.get(i), after.get(i), id, null);
                due.updateInPlace(before.get(i), after.get(i), id, null);
                tenantTime.updateInPlace(before.get(i), after.get(i), id, null);
            }
            return null;
        });
        assertTrue(bytes < 64 * 1024, bytes + " bytes allocated for " + DOCUMENTS + " updates");
        assertEquals(before.get(7).get("_id"), ids.getPosition(after.get(7)));
        assertEquals(DOCUMENTS, due.getPositions(before(Instant.ofEpochMilli(2_000_000L))).size());
    }

    /** Bytes the current thread allocated while {@code work} ran. */
    private static long allocated(Supplier<Object> work) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadAllocatedBytes();
        work.get();
        return threads.getCurrentThreadAllocatedBytes() - start;
    }
}
