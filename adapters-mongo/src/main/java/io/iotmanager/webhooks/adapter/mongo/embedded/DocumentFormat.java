package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which encoding the documents of a store file use, recorded in the file itself (map
 * {@value #MAP}, key {@value #KEY}): {@link BsonDocumentType#FORMAT}, or nothing for files written
 * before it (H2's Java serialization). Such files are converted once, when opened for writing.
 */
final class DocumentFormat {
    private static final Logger log = LoggerFactory.getLogger(DocumentFormat.class);
    static final String MAP = "iot-webhooks.format";
    static final String KEY = "documents";
    /** mongo-java-server's H2 backend keeps each collection's documents in a map named like this. */
    static final String DATA_MAP_PREFIX = "databases.";
    private static final String CONVERTING_SUFFIX = ".converting";

    private DocumentFormat() {
    }

    static MVMap.Builder<Object, StoredDocument> bsonMap() {
        return new MVMap.Builder<Object, StoredDocument>().valueType(BsonDocumentType.INSTANCE);
    }

    static boolean isDataMap(String name) {
        return name.startsWith(DATA_MAP_PREFIX) && !name.endsWith(CONVERTING_SUFFIX);
    }

    /** The recorded format, or null for a file written before formats were recorded. */
    static String recorded(MVStore store) {
        if (!store.hasMap(MAP)) {
            return null;
        }
        MVMap<String, String> formats = store.openMap(MAP);
        return formats.get(KEY);
    }

    /** Opens a map with the types its file records (for the read-only check of a file). */
    static MVMap<?, ?> open(MVStore store, String format, String name) {
        return isDataMap(name) && BsonDocumentType.FORMAT.equals(format) ? store.openMap(name, bsonMap())
                : store.openMap(name);
    }

    /**
     * Before the backend opens the databases: records the format in a new file, or converts the document
     * maps of a file written before it (each copied into a map of the new type, which then takes the old
     * one's name). The caller commits.
     */
    static void prepare(MVStore store) {
        String format = recorded(store);
        if (BsonDocumentType.FORMAT.equals(format)) {
            return;
        }
        if (format != null) {
            throw new IllegalStateException("the store file records document format " + format
                    + ", which this build does not know; run a newer build");
        }
        List<String> dataMaps = store.getMapNames().stream().filter(DocumentFormat::isDataMap).sorted().toList();
        long converted = 0;
        for (String name : dataMaps) {
            MVMap<Object, Object> legacy = store.openMap(name);
            String temporary = name + CONVERTING_SUFFIX;
            if (store.hasMap(temporary)) {
                store.removeMap(temporary); // left by a conversion that did not finish
            }
            MVMap<Object, StoredDocument> fresh = store.openMap(temporary, bsonMap());
            for (Map.Entry<Object, Object> entry : legacy.entrySet()) {
                fresh.put(entry.getKey(), StoredDocument.of((Document) entry.getValue()));
                converted++;
            }
            store.removeMap(legacy);
            store.renameMap(fresh, name);
        }
        MVMap<String, String> formats = store.openMap(MAP);
        formats.put(KEY, BsonDocumentType.FORMAT);
        if (!dataMaps.isEmpty()) {
            log.info("converted {} documents in {} collections of the embedded store to {}", converted,
                    dataMaps.size(), BsonDocumentType.FORMAT);
        }
    }
}
