package io.iotmanager.webhooks.adapter.mongo.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small file beside the store ({@code iot-webhooks.mv.db.commit}) holding the version of the last
 * commit that was forced to disk, rewritten in place after each one (no fsync of its own: it is written
 * after the store file's {@code force}, so after a crash or power loss it can only be behind the store,
 * never ahead). At start-up a store whose newest readable version is older than this record has lost
 * acknowledged commits (truncated, or its newest chunk damaged, so that H2 would silently open an older
 * version), and is refused.
 */
final class CommitMarker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommitMarker.class);
    static final String SUFFIX = ".commit";
    private static final int WIDTH = 20;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(WIDTH + 1);
    private boolean failed;

    private CommitMarker(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static Path pathFor(Path storeFile) {
        return storeFile.resolveSibling(storeFile.getFileName() + SUFFIX);
    }

    static CommitMarker open(Path storeFile) throws IOException {
        Path path = pathFor(storeFile);
        return new CommitMarker(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    /** The recorded version; empty when there is no record or it is unreadable (then it proves nothing). */
    static Optional<Long> read(Path path) {
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            log.warn("ignoring the unreadable commit record {}: {}", path, e.toString());
            return Optional.empty();
        }
    }

    /** Records {@code version}; a failure is logged once and otherwise ignored (the record is only a check). */
    void record(long version) {
        String text = String.format("%" + WIDTH + "d\n", version);
        buffer.clear();
        buffer.put(text.getBytes(StandardCharsets.US_ASCII)).flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
            failed = false;
        } catch (IOException e) {
            if (!failed) {
                log.warn("cannot update the commit record {}: {}", path, e.toString());
                failed = true;
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("cannot close the commit record {}: {}", path, e.toString());
        }
    }
}
