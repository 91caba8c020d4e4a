package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.bson.Document;

/**
 * Whether an update left an indexed top-level field as it was, the check every memory index makes on
 * every update of every document: a plain comparison, without building key values. Conservative: values
 * that are equal only after the stock normalization (1 and 1.0) count as changed, so the index does the
 * full work then, as before.
 */
final class TopLevelField {
    private TopLevelField() {
    }

    /** Both absent, or both present with equal values of the same class. */
    static boolean same(Document a, Document b, String field) {
        Object x = a.get(field);
        Object y = b.get(field);
        if (x == null || y == null) {
            return x == null && y == null && a.containsKey(field) == b.containsKey(field);
        }
        return x.getClass() == y.getClass() && x.equals(y);
    }
}
