package io.iotmanager.webhooks.adapter.mongo.embedded;

import java.nio.file.Path;

/**
 * The embedded store's file exists but cannot be trusted (empty, truncated, damaged, or older than the
 * last commit this data directory recorded): the service refuses to start on it and leaves it exactly
 * as it was. The message names the file, says what was found and how to recover. The fat jar exits
 * with its own code for it (see the README).
 */
public final class StoreFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    StoreFileException(Path file, String found, Throwable cause) {
        super("the embedded store file " + file + " " + found + ". The service does not start on it and has not"
                + " changed it. To start with an empty store, move it aside (for example: mv " + file + " "
                + file + ".damaged) and restart; to get the data back, put a backup copy of the file in its"
                + " place.", cause);
        this.file = file;
    }

    /** The file that was refused. */
    public Path file() {
        return file;
    }
}
