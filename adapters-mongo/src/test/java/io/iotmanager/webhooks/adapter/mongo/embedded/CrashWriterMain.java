package io.iotmanager.webhooks.adapter.mongo.embedded;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Child process of {@link EmbeddedMongoDurabilityIT}: starts the embedded server on a data directory and
 * inserts numbered documents one at a time through the normal client, printing {@code ACK <n>} on stdout
 * (flushed) for every acknowledged insert, until it is killed.
 *
 * <p>Arguments: {@code <dataDir> <tag>}; document ids are {@code <tag>-<n>}, n from 1.
 */
final class CrashWriterMain {

    static final String COLLECTION = "crash";
    static final String ACK = "ACK ";
    private static final String PAYLOAD = "x".repeat(512);

    private CrashWriterMain() {
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        String tag = args[1];
        PrintStream out = System.out;
        EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDir); // main thread: blocking is fine
        Vertx vertx = Vertx.vertx();
        MongoClient client = MongoClient.create(vertx, EmbeddedMongoServerIT.clientConfig(server));
        insertFrom(client, tag, 1, out);
    }

    private static void insertFrom(MongoClient client, String tag, long n, PrintStream out) {
        JsonObject document = new JsonObject()
                .put("_id", tag + "-" + n)
                .put("tag", tag)
                .put("n", n)
                .put("payload", PAYLOAD);
        client.insert(COLLECTION, document)
                .onSuccess(id -> {
                    out.println(ACK + n);
                    out.flush();
                    insertFrom(client, tag, n + 1, out);
                })
                .onFailure(error -> {
                    error.printStackTrace();
                    Runtime.getRuntime().halt(2);
                });
    }
}
