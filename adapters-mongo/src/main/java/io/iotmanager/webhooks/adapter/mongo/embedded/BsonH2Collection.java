package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.exception.IndexBuildFailedException;
import de.bwaldvogel.mongo.exception.MongoServerError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;

/**
 * The stock H2 collection over documents kept as bytes ({@link StoredDocument}: each read decodes a fresh
 * copy, each write encodes once), with query plans the stock code lacks; they only choose which
 * documents to decode, and the stock matcher still applies the whole query to each, so results do not
 * change. A top-level {@code $and} of conditions on distinct fields is planned as one document.
 *
 * <ul>
 *   <li><b>By {@code _id} whatever else the query says.</b> The stock {@code _id} index serves a query
 *       only when {@code _id} is its one condition, so the shapes the repositories use on every
 *       delivery ({@code {_id: {$in: [...]}, lease_owner: ...}} to renew leases, {@code {_id: {$in:
 *       [...]}, claim: ...}} to read a claim back, {@code {_id: ..., tenant_id: ...}}) decoded the whole
 *       collection under its lock: with 100,000 events stored, one lease renewal took seconds and
 *       stalled intake. Here a query with an {@code _id} equality or {@code $in} of plain values (UUIDs,
 *       strings, object ids) reads just those documents.</li>
 *   <li><b>Sorted by an indexed field, with a limit.</b> When the sort is one ascending field with a
 *       {@link MemoryIndex} that serves the query (the claim's {@code due_at <= now}, sorted, limited),
 *       documents are decoded in index order until the limit is reached, instead of decoding and sorting
 *       the whole range (a backlog of due events).</li>
 *   <li><b>One partition, in order.</b> When an {@link OrderedMemoryIndex} serves the query's first key
 *       and the sort is exactly its other keys (one tenant's events, newest first), the tenant's
 *       documents are decoded in that order until the skip and the limit are reached.</li>
 * </ul>
 *
 * <p>Called under the collection's lock, like every stock query.
 */
final class BsonH2Collection extends H2Collection {
    /** The documents by position (their {@code _id}), as bytes: every access to the map goes through here. */
    private final MVMap<Object, StoredDocument> dataMap;

    /** Indexes declared while the database opens, filled together afterwards; null once it is open. */
    private List<Index<Object>> deferred;

    /**
     * @param deferIndexFill whether the database is opening: the indexes it declares are then filled in
     *                       one pass by {@link #fillDeferredIndexes}, not one pass each
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    BsonH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
            MVMap<Object, StoredDocument> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry,
            boolean deferIndexFill) {
        // the stock class gets the map too, but every method of it that touches the map is overridden below
        super(database, collectionName, options, (MVMap) dataMap, metaMap, cursorRegistry);
        this.dataMap = dataMap;
        this.deferred = deferIndexFill ? new ArrayList<>() : null;
    }

    private static boolean keptInMemory(Index<Object> index) {
        return index instanceof MemoryUniqueIndex || index instanceof MemoryIndex || index instanceof OrderedMemoryIndex;
    }

    /**
     * Fills an index this backend keeps in memory ({@link MemoryUniqueIndex}, {@link MemoryIndex},
     * {@link OrderedMemoryIndex}) with one pass over the documents, checking each before adding it (a
     * unique index built on documents that break it fails and stays empty, as in the stock code, which
     * decodes every document twice for that); while the database opens, the pass is deferred and shared
     * by all its indexes. An index that serves no query ({@link IgnoredIndex}) needs no pass at all.
     */
    @Override
    public void addIndex(Index<Object> index) {
        boolean known = getIndexes().stream().anyMatch(existing -> existing.getName().equals(index.getName()));
        if (!known && keptInMemory(index) && index.isEmpty()) {
            if (deferred != null) {
                deferred.add(index);
                // what the stock addIndex does for an index it need not fill: the list is the collection's own
                getIndexes().add(index);
                return;
            }
            fill(List.of(index));
        }
        super.addIndex(index);
    }

    /** Fills the indexes declared while the database opened, in one pass over the documents. */
    void fillDeferredIndexes() {
        List<Index<Object>> indexes = deferred;
        deferred = null;
        if (indexes != null && !indexes.isEmpty()) {
            fill(indexes);
        }
    }

    private void fill(List<Index<Object>> indexes) {
        try {
            for (Map.Entry<Object, StoredDocument> entry : dataMap.entrySet()) {
                Document document = entry.getValue().decode();
                for (Index<Object> index : indexes) {
                    index.checkAdd(document, this);
                    index.add(document, entry.getKey(), this);
                }
            }
        } catch (MongoServerError e) {
            indexes.forEach(Index::drop);
            throw new IndexBuildFailedException(e, this);
        }
    }

    // The stock class's access to the documents, over bytes: each read decodes a fresh copy (which the
    // stock update code then changes in place before handing it back through handleUpdate), each write
    // encodes once.

    @Override
    protected Object addDocumentInternal(Document document) {
        Object key = getIdField() != null ? Utils.getSubdocumentValue(document, getIdField()) : UUID.randomUUID();
        StoredDocument previous = dataMap.put(Missing.ofNullable(key), StoredDocument.of(document));
        if (previous != null) {
            throw new IllegalStateException("document with key '" + key + "' already existed in " + this);
        }
        return key;
    }

    @Override
    public int count() {
        return dataMap.size();
    }

    @Override
    public boolean isEmpty() {
        return dataMap.isEmpty();
    }

    @Override
    protected Document getDocument(Object position) {
        StoredDocument stored = dataMap.get(position);
        return stored == null ? null : stored.decode();
    }

    @Override
    protected void removeDocument(Object position) {
        if (dataMap.remove(position) == null) {
            throw new NoSuchElementException("No document with key " + position);
        }
    }

    @Override
    protected Stream<DocumentWithPosition<Object>> streamAllDocumentsWithPosition() {
        return dataMap.entrySet().stream()
                .map(entry -> new DocumentWithPosition<>(entry.getValue().decode(), entry.getKey()));
    }

    @Override
    protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int limit,
            int batchSize, Document fieldSelector) {
        Stream<Document> documents;
        if (isNaturalDescending(orderBy)) {
            documents = streamAllDocumentsWithPosition()
                    .sorted((a, b) -> ValueComparator.desc().compare(a.getPosition(), b.getPosition()))
                    .map(DocumentWithPosition::getDocument);
        } else {
            documents = dataMap.values().stream().map(StoredDocument::decode);
        }
        return matchDocumentsFromStream(documents, query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    @Override
    protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
        dataMap.put(Missing.ofNullable(position), StoredDocument.of(newDocument));
    }

    /**
     * No running total of the documents' BSON size ({@code collStats}' {@code size}, which nothing here
     * reads): the stock code encodes each document once more per insert, twice per update, and writes the
     * total to a map of its own at every change, for it.
     */
    @Override
    protected boolean tracksDataSize() {
        return false;
    }

    @Override
    protected QueryResult queryDocuments(Document given, Document orderBy, int numberToSkip, int limit, int batchSize,
            Document fieldSelector) {
        Document query = flattened(given);
        Optional<List<Object>> ids = idsOf(query);
        if (ids.isPresent()) {
            // in the order of the data map, as a scan meets them (the natural order without a sort)
            List<Object> inMapOrder = new ArrayList<>(ids.get());
            inMapOrder.sort(dataMap.getKeyType()::compare);
            Stream<Document> documents = inMapOrder.stream().map(this::getDocument).filter(Objects::nonNull);
            return matchDocumentsFromStream(documents, query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
        Optional<OrderedMemoryIndex> partition = partitionIndexFor(query, orderBy);
        if (partition.isPresent()) {
            Stream<Document> inOrder = partition.get().getPositions(query).stream()
                    .map(this::getDocument).filter(Objects::nonNull);
            // already in sort order: no sort, so the stream stops decoding at the skip plus the limit
            return matchDocumentsFromStream(inOrder, query, null, numberToSkip, limit, batchSize, fieldSelector);
        }
        Optional<MemoryIndex> ordered = orderedIndexFor(query, orderBy, limit);
        if (ordered.isPresent()) {
            Stream<Document> inOrder = ordered.get().positionsInOrder(query).stream()
                    .map(this::getDocument).filter(Objects::nonNull);
            // already in sort order: no sort, so the stream stops decoding at the limit
            return matchDocumentsFromStream(inOrder, query, null, numberToSkip, limit, batchSize, fieldSelector);
        }
        return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    /**
     * The same query without a top-level {@code $and} whose clauses name different fields (what the
     * MongoDB Java driver's {@code Filters.and} sends): one document with all their conditions, which
     * means the same and which the plans above recognise. Any other query is returned as it is.
     */
    static Document flattened(Document query) {
        if (query.size() != 1 || !(query.get("$and") instanceof List<?> clauses) || clauses.isEmpty()) {
            return query;
        }
        Document merged = new Document();
        for (Object clause : clauses) {
            if (!(clause instanceof Document conditions)) {
                return query;
            }
            for (Map.Entry<String, Object> condition : conditions.entrySet()) {
                if (merged.containsKey(condition.getKey())) {
                    return query; // two conditions on one field: kept as the client wrote them
                }
                merged.put(condition.getKey(), condition.getValue());
            }
        }
        return merged;
    }

    /**
     * The {@code _id} values a query is limited to, when it has an equality or {@code $in} on
     * {@code _id} with values that are stored keys as they are (documents are kept under their
     * {@code _id}); empty when the query does not limit {@code _id} that way.
     */
    static Optional<List<Object>> idsOf(Document query) {
        if (!query.containsKey("_id")) {
            return Optional.empty();
        }
        Object condition = query.get("_id");
        if (isPlainKey(condition)) {
            return Optional.of(List.of(condition));
        }
        if (condition instanceof Document operators && operators.size() == 1
                && operators.get("$in") instanceof Collection<?> values) {
            Set<Object> ids = new LinkedHashSet<>();
            for (Object value : values) {
                if (!isPlainKey(value)) {
                    return Optional.empty();
                }
                ids.add(value);
            }
            return Optional.of(new ArrayList<>(ids));
        }
        return Optional.empty();
    }

    /**
     * Values equal as keys exactly when equal as query values: no numbers (1 and 1.0 match in a query
     * but are different keys), no documents, arrays or regular expressions.
     */
    private static boolean isPlainKey(Object value) {
        return value instanceof UUID || value instanceof String || value instanceof ObjectId;
    }

    private Optional<OrderedMemoryIndex> partitionIndexFor(Document query, Document orderBy) {
        for (Index<Object> index : getIndexes()) {
            if (index instanceof OrderedMemoryIndex ordered && ordered.sortsBy(orderBy) && ordered.canHandle(query)) {
                return Optional.of(ordered);
            }
        }
        return Optional.empty();
    }

    private Optional<MemoryIndex> orderedIndexFor(Document query, Document orderBy, int limit) {
        if (limit <= 0 || orderBy == null || orderBy.size() != 1) {
            return Optional.empty();
        }
        Map.Entry<String, Object> sort = orderBy.entrySet().iterator().next();
        if (!(sort.getValue() instanceof Number direction) || direction.intValue() != 1) {
            return Optional.empty();
        }
        for (Index<Object> index : getIndexes()) {
            if (index instanceof MemoryIndex memory && memory.field().equals(sort.getKey()) && memory.canHandle(query)) {
                return Optional.of(memory);
            }
        }
        return Optional.empty();
    }
}
