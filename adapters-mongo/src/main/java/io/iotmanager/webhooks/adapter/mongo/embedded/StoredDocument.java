package io.iotmanager.webhooks.adapter.mongo.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.zip.CRC32C;
import org.h2.mvstore.WriteBuffer;

/**
 * One document as the embedded store keeps it, in its file and in memory: its BSON bytes and their
 * CRC-32C. Encoded once when it is written; decoded into a fresh {@link Document} each time it is read.
 *
 * <p>Why not keep the decoded document: H2 keeps recently used pages in its cache and rewrites a whole
 * page (every document in it) at each commit that changes one of them. Decoded documents cost hundreds of
 * small objects each, which the garbage collector copies again and again while the page stays cached,
 * and every page write encoded each of them again. As bytes, a cached document is two objects, and a page
 * write copies the bytes of the documents that did not change.
 */
final class StoredDocument {
    private final byte[] bson;
    private final int crc;

    private StoredDocument(byte[] bson, int crc) {
        this.bson = bson;
        this.crc = crc;
    }

    /** The document's BSON bytes (the MongoDB wire encoding) and their checksum. */
    static StoredDocument of(Document document) {
        ByteBuf buffer = Unpooled.buffer(512);
        try {
            BsonEncoder.encodeDocument(document, buffer);
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            return new StoredDocument(bytes, checksum(bytes));
        } finally {
            buffer.release();
        }
    }

    /** Bytes read from the file, with the checksum stored beside them; fails loudly when they differ. */
    static StoredDocument read(byte[] bson, int storedChecksum) {
        if (checksum(bson) != storedChecksum) {
            throw new IllegalStateException("damaged document: checksum mismatch");
        }
        return new StoredDocument(bson, storedChecksum);
    }

    private static int checksum(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** A new decoded copy: the caller may change it freely. */
    Document decode() {
        BsonDocumentType.DECODED.increment();
        ByteBuf buffer = Unpooled.wrappedBuffer(bson);
        try {
            return BsonDecoder.decodeBson(buffer);
        } finally {
            buffer.release();
        }
    }

    /** Writes {@code varint length, BSON bytes, int CRC-32C} (the layout of {@link BsonDocumentType}). */
    void writeTo(WriteBuffer buffer) {
        buffer.putVarInt(bson.length).put(bson).putInt(crc);
    }

    /** Bytes it takes in memory, about: for H2's cache and page-split accounting. */
    int memory() {
        return 32 + bson.length;
    }
}
