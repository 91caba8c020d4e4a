package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * How documents are stored in the MVStore: their BSON bytes (the MongoDB wire encoding, as
 * mongo-java-server reads them off the wire), each followed by a CRC-32C of those bytes, instead of
 * H2's default Java serialization. Compact and fast to write and read; the checksum lets a read of a
 * damaged page fail loudly ({@link StoreFileCheck} reads every document at start-up) instead of yielding
 * a different document.
 *
 * <p>Layout of one value: {@code varint length, length bytes of BSON, int CRC-32C}.
 */
final class BsonDocumentType extends BasicDataType<Document> {
    static final BsonDocumentType INSTANCE = new BsonDocumentType();
    /** Documents decoded so far in this JVM: lets tests see whether a query scanned. */
    static final LongAdder DECODED = new LongAdder();
    /** The value of {@link DocumentFormat#KEY} for files whose documents are stored this way. */
    static final String FORMAT = "bson+crc32c/1";

    private BsonDocumentType() {
    }

    @Override
    public int getMemory(Document document) {
        return 24 + estimate(document);
    }

    /** A rough size in memory, for H2's cache and page-split accounting; never exact, never costly. */
    private static int estimate(Object value) {
        if (value instanceof Map<?, ?> map) {
            int size = 48;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                size += 40 + 2 * String.valueOf(entry.getKey()).length() + estimate(entry.getValue());
            }
            return size;
        }
        if (value instanceof Collection<?> collection) {
            int size = 32;
            for (Object element : collection) {
                size += 8 + estimate(element);
            }
            return size;
        }
        if (value instanceof CharSequence text) {
            return 40 + 2 * text.length();
        }
        if (value instanceof byte[] bytes) {
            return 16 + bytes.length;
        }
        return 24;
    }

    @Override
    public void write(WriteBuffer buffer, Document document) {
        ByteBuf bson = Unpooled.buffer(256);
        try {
            BsonEncoder.encodeDocument(document, bson);
            int length = bson.readableBytes();
            byte[] bytes = new byte[length];
            bson.readBytes(bytes);
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            buffer.putVarInt(length).put(bytes).putInt((int) crc.getValue());
        } finally {
            bson.release();
        }
    }

    @Override
    public Document read(ByteBuffer buffer) {
        int length = DataUtils.readVarInt(buffer);
        if (length < 5 || length > buffer.remaining() - 4) {
            throw new IllegalStateException("damaged document: length " + length + " with " + buffer.remaining()
                    + " bytes left in the page");
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        int stored = buffer.getInt();
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        if ((int) crc.getValue() != stored) {
            throw new IllegalStateException("damaged document: checksum mismatch");
        }
        ByteBuf bson = Unpooled.wrappedBuffer(bytes);
        DECODED.increment();
        try {
            return BsonDecoder.decodeBson(bson);
        } finally {
            bson.release();
        }
    }

    @Override
    public Document[] createStorage(int size) {
        return new Document[size];
    }
}
