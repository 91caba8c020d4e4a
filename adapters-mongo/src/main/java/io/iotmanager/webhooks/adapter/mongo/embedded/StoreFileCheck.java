package io.iotmanager.webhooks.adapter.mongo.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * Decides, before anything writes to it, whether an existing store file can be opened: a missing file
 * is a new store; an empty file, one H2 cannot open, one whose maps cannot all be read back, and one
 * older than the last commit recorded beside it ({@link CommitMarker}: what a truncated file or a
 * damaged newest chunk looks like, since H2 then silently opens an older version) are refused with a
 * {@link StoreFileException}. The check opens the file read-only and reads every entry of every map
 * once; nothing is written.
 */
final class StoreFileCheck {

    private StoreFileCheck() {
    }

    /**
     * @param file      the store file
     * @param h2Name    the name H2 opens it by (the path, possibly behind a file-system prefix)
     * @throws StoreFileException if the file exists and cannot be trusted
     * @throws MVStoreException   with {@link DataUtils#ERROR_FILE_LOCKED} if another process holds it
     */
    static void verify(Path file, String h2Name) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return; // a new store
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
        if (size == 0) {
            throw new StoreFileException(file, "is empty (0 bytes): it holds no store at all, not even an empty one",
                    null);
        }
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(h2Name).readOnly().open();
        } catch (MVStoreException e) {
            if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                throw e;
            }
            throw new StoreFileException(file, "(" + size + " bytes) is truncated or damaged: H2 MVStore cannot open"
                    + " it (" + e.getMessage() + ")", e);
        }
        try {
            long version = store.getFileStore().lastChunkVersion();
            Optional<Long> recorded = CommitMarker.read(CommitMarker.pathFor(file));
            if (recorded.isPresent() && recorded.get() > version) {
                throw new StoreFileException(file, "(" + size + " bytes) is truncated or damaged: its newest readable"
                        + " version is " + version + ", but version " + recorded.get() + " was committed (recorded"
                        + " in " + CommitMarker.pathFor(file) + "; if you restored an older copy of the file on"
                        + " purpose, delete that record too)", null);
            }
            readEverything(file, size, store);
        } finally {
            store.closeImmediately();
        }
    }

    private static void readEverything(Path file, long size, MVStore store) {
        String format;
        try {
            format = DocumentFormat.recorded(store);
        } catch (RuntimeException e) {
            throw new StoreFileException(file, "(" + size + " bytes) is damaged: its format record cannot be read ("
                    + e + ")", e);
        }
        for (String name : store.getMapNames()) {
            try {
                MVMap<?, ?> map = DocumentFormat.open(store, format, name);
                long entries = 0;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    entry.getValue();
                    entries++;
                }
                if (entries != map.sizeAsLong()) {
                    throw new IllegalStateException(entries + " entries readable, " + map.sizeAsLong() + " counted");
                }
            } catch (RuntimeException e) {
                throw new StoreFileException(file, "(" + size + " bytes) is damaged: the map " + name
                        + " cannot be read back (" + e + ")", e);
            }
        }
    }

}
