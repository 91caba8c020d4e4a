package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import java.util.List;
import org.h2.mvstore.MVStore;

/**
 * mongo-java-server's H2 database with its documents stored as BSON ({@link BsonDocumentType}): the
 * collection's data map is opened with that value type first, so that the stock code, which opens it by
 * name, gets this instance.
 */
final class BsonH2Database extends H2Database {
    /**
     * The store, for the collections the stock constructor opens before this class's fields are set;
     * set by {@link #open} around the constructor.
     */
    private static final ThreadLocal<MVStore> CONSTRUCTING = new ThreadLocal<>();
    private final MVStore store;

    private BsonH2Database(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
        super(databaseName, store, cursorRegistry);
        this.store = store;
    }

    static BsonH2Database open(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
        CONSTRUCTING.set(store);
        try {
            return new BsonH2Database(databaseName, store, cursorRegistry);
        } finally {
            CONSTRUCTING.remove();
        }
    }

    /**
     * A single-field secondary index is a real index here ({@link MemoryIndex}); others (compound) are
     * still accepted and ignored, as by the stock code.
     */
    @Override
    protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
            boolean sparse) {
        return MemoryIndex.supports(keys) ? new MemoryIndex(indexName, keys, sparse)
                : super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        MVStore mvStore = store != null ? store : CONSTRUCTING.get();
        mvStore.openMap(DocumentFormat.DATA_MAP_PREFIX + getFullCollectionNamespace(collectionName),
                DocumentFormat.bsonMap());
        return super.openOrCreateCollection(collectionName, options);
    }
}
