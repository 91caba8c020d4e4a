package io.iotmanager.webhooks.adapter.mongo.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.ValueComparator;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The index's fast comparisons order exactly as the stock sort does, and which indexes it keeps. */
class OrderedMemoryIndexTest {
    private final Random random = new Random(42);

    @Test
    void theFastComparisonsOrderAsTheStockSort() {
        for (int i = 0; i < 20_000; i++) {
            UUID a = new UUID(random.nextLong(), random.nextLong());
            UUID b = i % 7 == 0 ? new UUID(a.getMostSignificantBits(), random.nextLong()) : new UUID(random.nextLong(), random.nextLong());
            assertEquals(Integer.signum(ValueComparator.asc().compare(a, b)), Integer.signum(OrderedMemoryIndex.ascending(a, b)),
                    a + " vs " + b);
            Instant x = Instant.ofEpochMilli(random.nextLong() >> 20);
            Instant y = i % 5 == 0 ? x : Instant.ofEpochMilli(random.nextLong() >> 20);
            assertEquals(Integer.signum(ValueComparator.asc().compare(x, y)), Integer.signum(OrderedMemoryIndex.ascending(x, y)));
            String s = Long.toString(random.nextLong(), 36);
            String t = Long.toString(random.nextLong(), 36);
            assertEquals(Integer.signum(ValueComparator.asc().compare(s, t)), Integer.signum(OrderedMemoryIndex.ascending(s, t)));
        }
        // mixed types go to the stock comparison
        assertEquals(Integer.signum(ValueComparator.asc().compare("a", 1)), Integer.signum(OrderedMemoryIndex.ascending("a", 1)));
    }

    @Test
    void onlyCompoundIndexesOnTopLevelFieldsEndingInIdAreKept() {
        assertTrue(OrderedMemoryIndex.supports(List.of(key("tenant_id"), key("event_ts"), key("_id"))));
        assertTrue(OrderedMemoryIndex.supports(List.of(key("tenant_id"), key("provider"), key("_id"))));
        assertFalse(OrderedMemoryIndex.supports(List.of(key("tenant_id"), key("event_ts"))));
        assertFalse(OrderedMemoryIndex.supports(List.of(key("tenant_id"), key("status.integration_id"), key("_id"))));
        assertFalse(OrderedMemoryIndex.supports(List.of(key("_id"), key("lease_owner"))));
        assertFalse(OrderedMemoryIndex.supports(List.of(key("_id"))));
    }

    private static IndexKey key(String field) {
        return new IndexKey(field, true);
    }
}
