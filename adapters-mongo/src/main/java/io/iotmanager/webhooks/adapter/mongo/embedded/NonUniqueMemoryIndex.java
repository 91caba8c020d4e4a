package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;

/**
 * What the non-unique indexes kept in memory ({@link MemoryIndex}, {@link OrderedMemoryIndex}) share:
 * nothing to check on a write, no single position for a key, a document found by its {@code _id} (the
 * collection stores each document under it), and an update as a removal plus an addition.
 */
abstract class NonUniqueMemoryIndex extends Index<Object> {

    NonUniqueMemoryIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
    }

    /** Forgets the document at {@code position}, if indexed. */
    abstract void unindex(Object position);

    @Override
    public Object getPosition(Document document) {
        return null; // not unique: no single position for a key
    }

    @Override
    public void checkAdd(Document document, MongoCollection<Object> collection) {
        // not unique: nothing to check
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
        // not unique: nothing to check
    }

    /**
     * Returns the document's position (its {@code _id}), also when the document was not indexed: the
     * collection checks that every index agrees on it.
     */
    @Override
    public synchronized Object remove(Document document) {
        Object id = document.get("_id");
        if (id != null) {
            unindex(id);
        }
        return id;
    }

    /**
     * An update that leaves the indexed fields as they were (most: a delivery outcome changes statuses
     * and the lease, not the tenant or the time) leaves the index alone; otherwise it is a removal plus
     * an addition. Re-indexing unchanged values would allocate the document's entries anew on every
     * update, and the garbage collector then copies them again until they are old.
     */
    @Override
    public synchronized void updateInPlace(Document oldDocument, Document newDocument, Object position,
            MongoCollection<Object> collection) {
        if (sameIndexedValues(oldDocument, newDocument)) {
            return;
        }
        unindex(position);
        add(newDocument, position, collection);
    }

    /**
     * Whether the fields this index keeps have the same values in both documents (conservative: false
     * when unsure; see {@link TopLevelField#same}).
     */
    abstract boolean sameIndexedValues(Document oldDocument, Document newDocument);


    @Override
    public long getDataSize() {
        return 0;
    }
}
