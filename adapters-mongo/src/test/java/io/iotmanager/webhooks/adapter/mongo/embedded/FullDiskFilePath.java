package io.iotmanager.webhooks.adapter.mongo.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * An H2 file system ({@value #PREFIX}) over the real disk that, while {@link #full} is set, fails every
 * write and force with {@code IOException("No space left on device")}, as a full disk does. Register it
 * once with {@link #register()}; open the store through it with
 * {@code EmbeddedMongoServer.start(dir, FullDiskFilePath.PREFIX)}.
 */
public final class FullDiskFilePath extends FilePathWrapper {
    public static final String PREFIX = "fulldisk:";
    static volatile boolean full;
    private static volatile boolean registered;

    public static synchronized void register() {
        if (!registered) {
            FilePath.register(new FullDiskFilePath());
            registered = true;
        }
    }

    /** Sets whether the disk is full. */
    public static void full(boolean isFull) {
        full = isFull;
    }

    @Override
    public String getScheme() {
        return "fulldisk";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        return new FullDiskChannel(getBase().open(mode));
    }

    private static IOException noSpace() {
        return new IOException("No space left on device");
    }

    /** Delegates to the real channel, failing writes while the disk is "full". */
    private static final class FullDiskChannel extends FileChannel {
        private final FileChannel base;

        FullDiskChannel(FileChannel base) {
            this.base = base;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return base.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return base.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (full) {
                throw noSpace();
            }
            return base.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (full) {
                throw noSpace();
            }
            return base.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            base.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (full) {
                throw noSpace();
            }
            base.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return base.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            if (full) {
                throw noSpace();
            }
            return base.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (full) {
                throw noSpace();
            }
            return base.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return base.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return base.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }
    }
}
