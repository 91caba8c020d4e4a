package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.backend.EmptyIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import java.util.List;

/**
 * A declared index this backend does not keep (a compound one): accepted, listed, and never used for a
 * query, as by the stock code. Unlike the stock {@link EmptyIndex} it does not report itself empty, so
 * adding it at every start does not decode every document of the collection twice to fill nothing.
 */
final class IgnoredIndex extends EmptyIndex<Object> {
    IgnoredIndex(String name, List<IndexKey> keys) {
        super(name, keys);
    }

    @Override
    public boolean isEmpty() {
        return false;
    }
}
