package io.iotmanager.webhooks.adapter.mongo.embedded;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * How documents are stored in the MVStore: their BSON bytes (the MongoDB wire encoding, as
 * mongo-java-server reads them off the wire), each followed by a CRC-32C of those bytes, instead of
 * H2's default Java serialization. Compact and fast to write and read; the checksum lets a read of a
 * damaged page fail loudly ({@link StoreFileCheck} reads every document at start-up) instead of yielding
 * a different document. In memory a value stays those bytes ({@link StoredDocument}), decoded when a
 * collection reads it.
 *
 * <p>Layout of one value: {@code varint length, length bytes of BSON, int CRC-32C}.
 */
final class BsonDocumentType extends BasicDataType<StoredDocument> {
    static final BsonDocumentType INSTANCE = new BsonDocumentType();
    /** Documents decoded so far in this JVM: lets tests see whether a query scanned. */
    static final LongAdder DECODED = new LongAdder();
    /** The value of {@link DocumentFormat#KEY} for files whose documents are stored this way. */
    static final String FORMAT = "bson+crc32c/1";

    private BsonDocumentType() {
    }

    @Override
    public int getMemory(StoredDocument document) {
        return document.memory();
    }

    @Override
    public void write(WriteBuffer buffer, StoredDocument document) {
        document.writeTo(buffer);
    }

    @Override
    public StoredDocument read(ByteBuffer buffer) {
        int length = DataUtils.readVarInt(buffer);
        if (length < 5 || length > buffer.remaining() - 4) {
            throw new IllegalStateException("damaged document: length " + length + " with " + buffer.remaining()
                    + " bytes left in the page");
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return StoredDocument.read(bytes, buffer.getInt());
    }

    @Override
    public StoredDocument[] createStorage(int size) {
        return new StoredDocument[size];
    }
}
