package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A unique index (the {@code _id} index and any declared unique index) kept in memory and rebuilt from
 * one pass over the collection at every start ({@link BsonH2Collection#addIndex}), instead of the stock
 * H2 index map in the store file.
 *
 * <p>Why: the stock map keeps its keys with H2's generic type, which writes each key with Java
 * serialization (an {@code ObjectOutputStream} per key); every commit rewrote the index pages an insert
 * touched (with random ids, about one page per insert, each holding dozens of keys), and that took most
 * of the store's CPU: with two unique indexes on the events, 60 % of a bulk insert's CPU samples were in
 * Java serialization. The index holds no data of its own (it is derived from the documents, which are
 * durable), so keeping it in memory loses nothing.
 *
 * <p>Thread safety: the stock base class synchronizes every public method; the map is only touched there.
 */
final class MemoryUniqueIndex extends AbstractUniqueIndex<Object> {
    private final Map<KeyValue, Object> positions = new HashMap<>();

    MemoryUniqueIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
    }

    /**
     * Whether an update left the indexed fields as they were. The stock check builds and normalizes both
     * documents' key values (splitting each key's path with regular expressions) on every update of
     * every document; for top-level keys the plain comparison says the same at once. When it finds a
     * difference, or a key is a path, the stock check decides.
     */
    @Override
    protected boolean nullAwareEqualsKeys(Document oldDocument, Document newDocument) {
        List<IndexKey> keys = getKeys();
        for (int i = 0; i < keys.size(); i++) { // no iterator: this runs for every update of every document
            String field = keys.get(i).getKey();
            if (field.indexOf('.') >= 0 || !TopLevelField.same(oldDocument, newDocument, field)) {
                return super.nullAwareEqualsKeys(oldDocument, newDocument);
            }
        }
        return true;
    }

    @Override
    protected synchronized Object removeDocument(KeyValue keyValue) {
        return positions.remove(keyValue);
    }

    @Override
    protected synchronized boolean putKeyPosition(KeyValue keyValue, Object position) {
        return positions.putIfAbsent(keyValue, position) == null;
    }

    @Override
    protected synchronized Iterable<Map.Entry<KeyValue, Object>> getIterable() {
        return List.copyOf(positions.entrySet());
    }

    @Override
    protected synchronized Object getPosition(KeyValue keyValue) {
        return positions.get(keyValue);
    }

    @Override
    public synchronized long getCount() {
        return positions.size();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    @Override
    public synchronized void drop() {
        positions.clear();
    }
}
