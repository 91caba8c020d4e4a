package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * A real secondary index on one top-level field, kept in memory, for the non-unique single-field indexes
 * a client declares (mongo-java-server ignores those, so every query on them scanned and decoded the
 * whole collection). It is filled from one scan of the collection when the index is created, which
 * happens at every start-up (the repositories declare their indexes idempotently), and maintained on
 * every insert, update and delete. Queries with an equality or a range ({@code $lt, $lte, $gt, $gte,
 * $eq}) on the field read only the matching documents; the query's other conditions, its sort and its
 * limit are then applied by the stock code as before, so results are the same as with a scan.
 *
 * <p>Documents without the field (or with {@code null}) are not in the index, as in a sparse or
 * {@code $exists} partial index: a range or a non-null equality never matches them. Arrays are indexed
 * by element. Thread safety: every method is synchronized (the collection also serializes its writes).
 */
final class MemoryIndex extends NonUniqueMemoryIndex {
    private static final Set<String> RANGE_OPERATORS = Set.of("$lt", "$lte", "$gt", "$gte", "$eq");

    private final String field;
    /**
     * The positions under each value: the position itself when there is one (most values: a time, a due
     * time), a {@link PositionSet} when there are more. Kept lean: these entries live as long as their
     * documents, and the garbage collector copies each one several times before it is old.
     */
    private final TreeMap<Object, Object> positionsByValue = new TreeMap<>(ValueComparator.asc());
    /** What each indexed position is indexed under, for removal and update: the value, or a {@link ValueList}. */
    private final Map<Object, Object> valuesByPosition = new HashMap<>();

    /** Several positions under one value, in insertion order (never a position itself: those are ids). */
    private static final class PositionSet extends LinkedHashSet<Object> {
        private static final long serialVersionUID = 1L;
    }

    /** Several values of one document (an array field). */
    private static final class ValueList extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;

        ValueList(List<Object> values) {
            super(values);
        }
    }

    MemoryIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        if (keys.size() != 1) {
            throw new IllegalArgumentException("a memory index has one key: " + keys);
        }
        this.field = keys.get(0).getKey();
    }

    /** Whether an index on these keys can be a memory index: one top-level field. */
    static boolean supports(List<IndexKey> keys) {
        return keys.size() == 1 && !keys.get(0).getKey().contains(".") && !keys.get(0).getKey().equals("_id");
    }

    private static List<Object> valuesOf(Document document, String field) {
        Object value = document.get(field);
        if (value == null || !document.containsKey(field)) {
            return List.of();
        }
        if (value instanceof Collection<?> elements) {
            List<Object> values = new ArrayList<>();
            for (Object element : elements) {
                if (element != null) {
                    values.add(element);
                }
            }
            return values;
        }
        if (value.getClass().getName().equals("de.bwaldvogel.mongo.backend.Missing")) {
            return List.of();
        }
        return List.of(value);
    }

    @Override
    public synchronized void add(Document document, Object position, MongoCollection<Object> collection) {
        List<Object> values = valuesOf(document, field);
        if (values.isEmpty()) {
            return;
        }
        valuesByPosition.put(position, values.size() == 1 ? values.get(0) : new ValueList(values));
        for (Object value : values) {
            positionsByValue.merge(value, position, (present, added) -> {
                if (present instanceof PositionSet set) {
                    set.add(added);
                    return set;
                }
                if (present.equals(added)) {
                    return present;
                }
                PositionSet set = new PositionSet();
                set.add(present);
                set.add(added);
                return set;
            });
        }
    }

    @Override
    boolean sameIndexedValues(Document oldDocument, Document newDocument) {
        return TopLevelField.same(oldDocument, newDocument, field);
    }

    @Override
    void unindex(Object position) {
        Object indexed = valuesByPosition.remove(position);
        if (indexed == null) {
            return;
        }
        if (indexed instanceof ValueList values) {
            values.forEach(value -> unindex(value, position));
        } else {
            unindex(indexed, position);
        }
    }

    private void unindex(Object value, Object position) {
        Object present = positionsByValue.get(value);
        if (present instanceof PositionSet set) {
            set.remove(position);
            if (set.size() == 1) {
                positionsByValue.put(value, set.iterator().next());
            } else if (set.isEmpty()) {
                positionsByValue.remove(value);
            }
        } else if (present != null && present.equals(position)) {
            positionsByValue.remove(value);
        }
    }

    @Override
    public synchronized boolean canHandle(Document query) {
        if (!query.containsKey(field)) {
            return false;
        }
        Object condition = query.get(field);
        if (condition == null || condition instanceof Collection<?>) {
            return false;
        }
        if (condition instanceof Document operators) {
            if (operators.isEmpty()) {
                return false;
            }
            for (Map.Entry<String, Object> entry : operators.entrySet()) {
                if (!RANGE_OPERATORS.contains(entry.getKey()) || entry.getValue() == null
                        || entry.getValue() instanceof Collection<?> || entry.getValue() instanceof Document) {
                    return false;
                }
            }
            return true;
        }
        return !condition.getClass().getName().startsWith("java.util.regex") && !(condition instanceof Map<?, ?>);
    }

    /** The indexed field. */
    String field() {
        return field;
    }

    /**
     * The positions of the documents the query's condition on the field selects, in ascending order of
     * the field's value (a document indexed under several values, an array, at its smallest one, as an
     * ascending sort orders it); the query must be one this index {@linkplain #canHandle can handle}.
     */
    List<Object> positionsInOrder(Document query) {
        return getPositions(query);
    }

    @Override
    public synchronized List<Object> getPositions(Document query) {
        Object condition = query.get(field);
        NavigableMap<Object, Object> range = positionsByValue;
        if (condition instanceof Document operators) {
            for (Map.Entry<String, Object> entry : operators.entrySet()) {
                Object bound = entry.getValue();
                range = switch (entry.getKey()) {
                    case "$lt" -> range.headMap(bound, false);
                    case "$lte" -> range.headMap(bound, true);
                    case "$gt" -> range.tailMap(bound, false);
                    case "$gte" -> range.tailMap(bound, true);
                    default -> range.subMap(bound, true, bound, true); // $eq
                };
            }
        } else {
            range = range.subMap(condition, true, condition, true);
        }
        // values of other types sort elsewhere but compare as unequal, so the stock matcher drops them
        Set<Object> positions = new LinkedHashSet<>();
        for (Object atValue : range.values()) {
            if (atValue instanceof PositionSet set) {
                positions.addAll(set);
            } else {
                positions.add(atValue);
            }
        }
        return new ArrayList<>(positions);
    }

    @Override
    public synchronized long getCount() {
        return valuesByPosition.size();
    }

    @Override
    public synchronized void drop() {
        positionsByValue.clear();
        valuesByPosition.clear();
    }
}
