package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.oplog.Oplog;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * mongo-java-server's H2 database with its documents stored as BSON ({@link BsonDocumentType}): the
 * collection's data map is opened with that value type (the stock code, which may open it by name too,
 * then gets this instance), and its collections find documents by {@code _id} and in index order
 * without a scan ({@link BsonH2Collection}).
 */
final class BsonH2Database extends H2Database {
    /** Where the stock code keeps a collection's metadata (its data size): the same map name. */
    private static final String META_MAP_PREFIX = "meta.";
    /** Where the stock code keeps a unique index: the collection's namespace, this, the index name. */
    private static final String INDEX_MAP_INFIX = "._index_";

    /**
     * While {@link #open} constructs a database: its store (the stock constructor opens the collections
     * before this class's fields are set), and the collections opened, whose indexes are filled after.
     */
    private record Opening(MVStore store, List<BsonH2Collection> collections) {}

    private static final ThreadLocal<Opening> OPENING = new ThreadLocal<>();
    private final MVStore store;

    private BsonH2Database(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
        super(databaseName, store, cursorRegistry);
        this.store = store;
    }

    /**
     * Opens the database; the indexes of its existing collections are filled with one pass over each
     * collection's documents once all are declared ({@link BsonH2Collection#fillDeferredIndexes}).
     */
    static BsonH2Database open(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
        Opening opening = new Opening(store, new ArrayList<>());
        OPENING.set(opening);
        BsonH2Database database;
        try {
            database = new BsonH2Database(databaseName, store, cursorRegistry);
        } finally {
            OPENING.remove();
        }
        opening.collections().forEach(BsonH2Collection::fillDeferredIndexes);
        return database;
    }

    private MVStore store() {
        return store != null ? store : OPENING.get().store();
    }

    /**
     * Checks and creates under the database's monitor, as the stock code already does for a collection
     * created by an insert ({@code resolveOrCreateCollection}): two {@code create} commands for one name
     * at the same time (two instances starting on one store) made it twice, and the second failed with
     * an unknown error instead of {@code NamespaceExists}, after replacing the first one's collection.
     */
    @Override
    public synchronized MongoCollection<Object> createCollectionOrThrowIfExists(String collectionName,
            CollectionOptions options) {
        return super.createCollectionOrThrowIfExists(collectionName, options);
    }

    /** Under the same monitor as creating, so that a drop and a create of one name do not interleave. */
    @Override
    public synchronized void dropCollection(String collectionName, Oplog oplog) {
        super.dropCollection(collectionName, oplog);
    }

    /**
     * A single-field secondary index is a real index here ({@link MemoryIndex}), and so is a compound one
     * on top-level fields ending in {@code _id} ({@link OrderedMemoryIndex}); others are accepted and
     * ignored, as by the stock code, but without its pass over every document.
     */
    @Override
    protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
            boolean sparse) {
        if (MemoryIndex.supports(keys)) {
            return new MemoryIndex(indexName, keys, sparse);
        }
        return OrderedMemoryIndex.supports(keys) ? new OrderedMemoryIndex(indexName, keys, sparse)
                : new IgnoredIndex(indexName, keys);
    }

    /**
     * A unique index is kept in memory ({@link MemoryUniqueIndex}) and filled from the documents when the
     * collection adds it. The H2 map an older version kept it in, if any, is removed: it is derived data,
     * and a version that still uses such maps rebuilds a missing one from the documents.
     */
    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
            boolean sparse) {
        MVStore mvStore = store();
        String persisted = getFullCollectionNamespace(collectionName) + INDEX_MAP_INFIX + indexName;
        if (mvStore.hasMap(persisted)) {
            mvStore.removeMap(mvStore.openMap(persisted));
        }
        return new MemoryUniqueIndex(indexName, keys, sparse);
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        MVStore mvStore = store();
        String fullName = getFullCollectionNamespace(collectionName);
        MVMap<Object, StoredDocument> dataMap = mvStore.openMap(DocumentFormat.DATA_MAP_PREFIX + fullName,
                DocumentFormat.bsonMap());
        MVMap<String, Object> metaMap = mvStore.openMap(META_MAP_PREFIX + fullName);
        Opening opening = store == null ? OPENING.get() : null;
        BsonH2Collection collection = new BsonH2Collection(this, collectionName, options, dataMap, metaMap,
                cursorRegistry, opening != null);
        if (opening != null) {
            opening.collections().add(collection);
        }
        return collection;
    }
}
