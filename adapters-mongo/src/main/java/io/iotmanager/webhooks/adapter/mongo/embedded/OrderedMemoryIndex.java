package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A compound index kept in memory, for the shape "one tenant's events, newest first": the first key
 * partitions the documents by a string value (a tenant id), and within a partition the documents are
 * kept in the order of the remaining keys, with each key's direction ({@code event_ts} descending, then
 * {@code _id} descending). A query with an equality on the first key reads only that partition; when it
 * is also sorted by exactly the remaining keys, {@link BsonH2Collection} decodes the partition in order
 * and stops at the limit, so a page of the newest events costs the page, not the tenant's whole history
 * (the stock code ignores compound indexes, so every page decoded and sorted every stored event under the
 * collection's lock).
 *
 * <p>Documents whose first key is not a string are not in the index; a string equality never matches
 * them. Values are compared as the stock sort compares them ({@link ValueComparator}). Like {@link MemoryIndex}, it is built from one pass over the
 * collection when the collection adds it (at every start) and maintained on every write. Every method is
 * synchronized.
 */
final class OrderedMemoryIndex extends NonUniqueMemoryIndex {
    private record Entry(String partition, Object[] values, Object position) {}

    private final String partitionKey;
    private final List<IndexKey> orderKeys;
    private final Comparator<Entry> order;
    private final Map<String, NavigableSet<Entry>> partitions = new HashMap<>();
    private final Map<Object, Entry> entriesByPosition = new HashMap<>();

    OrderedMemoryIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        if (!supports(keys)) {
            throw new IllegalArgumentException("not an ordered memory index: " + keys);
        }
        this.partitionKey = keys.get(0).getKey();
        this.orderKeys = List.copyOf(keys.subList(1, keys.size()));
        Comparator<Entry> byValues = (a, b) -> {
            for (int i = 0; i < orderKeys.size(); i++) {
                int c = ascending(a.values()[i], b.values()[i]);
                if (c != 0) {
                    return orderKeys.get(i).isAscending() ? c : -c;
                }
            }
            return 0;
        };
        this.order = byValues.thenComparing(Entry::position, ValueComparator.asc());
    }

    /**
     * The stock sort's ascending order ({@link ValueComparator}), without its type dispatch for the
     * values these indexes hold (dates, strings, UUIDs): building the index at start-up spent most of
     * its time there.
     */
    static int ascending(Object a, Object b) {
        if (a instanceof Instant x && b instanceof Instant y) {
            return x.compareTo(y);
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof UUID x && b instanceof UUID y) {
            // the stock order compares their text, whose fixed-width hex orders as the unsigned 128 bits
            int high = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
            return high != 0 ? high : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
        }
        return ValueComparator.asc().compare(a, b);
    }

    /**
     * Two or more keys, all top-level fields, the first not {@code _id} and the last {@code _id}: a
     * total order, which a sort on the keys after the first can use as it is. (A compound index without
     * {@code _id} at its end, iot-manager's {@code tenant_id, event_ts} say, is not kept: no query sorts by
     * its keys alone, and each would cost memory per document.)
     */
    static boolean supports(List<IndexKey> keys) {
        return keys.size() >= 2 && keys.stream().noneMatch(k -> k.getKey().contains("."))
                && !keys.get(0).getKey().equals("_id") && keys.get(keys.size() - 1).getKey().equals("_id");
    }

    /** The keys after the first, in order, with their directions: the sort this index can give. */
    boolean sortsBy(Document orderBy) {
        if (orderBy == null || orderBy.size() != orderKeys.size()) {
            return false;
        }
        int i = 0;
        for (Map.Entry<String, Object> sort : orderBy.entrySet()) {
            IndexKey key = orderKeys.get(i++);
            if (!sort.getKey().equals(key.getKey()) || !(sort.getValue() instanceof Number direction)
                    || (direction.intValue() > 0) != key.isAscending() || direction.intValue() == 0) {
                return false;
            }
        }
        return true;
    }

    private Entry entryOf(String partition, Document document, Object position) {
        Object[] values = new Object[orderKeys.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Utils.getSubdocumentValueCollectionAware(document, orderKeys.get(i).getKey());
        }
        return new Entry(partition, values, position);
    }

    @Override
    public synchronized void add(Document document, Object position, MongoCollection<Object> collection) {
        if (!(document.get(partitionKey) instanceof String partition)) {
            return;
        }
        Entry entry = entryOf(partition, document, position);
        partitions.computeIfAbsent(partition, p -> new TreeSet<>(order)).add(entry);
        entriesByPosition.put(position, entry);
    }

    @Override
    boolean sameIndexedValues(Document oldDocument, Document newDocument) {
        if (!TopLevelField.same(oldDocument, newDocument, partitionKey)) {
            return false;
        }
        for (int i = 0; i < orderKeys.size(); i++) { // no iterator: this runs for every update
            if (!TopLevelField.same(oldDocument, newDocument, orderKeys.get(i).getKey())) {
                return false;
            }
        }
        return true;
    }

    @Override
    void unindex(Object position) {
        Entry entry = entriesByPosition.remove(position);
        if (entry == null) {
            return;
        }
        NavigableSet<Entry> entries = partitions.get(entry.partition());
        if (entries != null) {
            entries.remove(entry);
            if (entries.isEmpty()) {
                partitions.remove(entry.partition());
            }
        }
    }

    /** A query with a plain string equality on the first key. */
    @Override
    public synchronized boolean canHandle(Document query) {
        return query.get(partitionKey) instanceof String;
    }

    /** The partition's positions, in the index's order. */
    @Override
    public synchronized List<Object> getPositions(Document query) {
        NavigableSet<Entry> entries = partitions.get((String) query.get(partitionKey));
        List<Object> positions = new ArrayList<>(entries == null ? 0 : entries.size());
        if (entries != null) {
            entries.forEach(e -> positions.add(e.position()));
        }
        return positions;
    }

    @Override
    public synchronized long getCount() {
        return entriesByPosition.size();
    }

    @Override
    public synchronized void drop() {
        partitions.clear();
        entriesByPosition.clear();
    }
}
