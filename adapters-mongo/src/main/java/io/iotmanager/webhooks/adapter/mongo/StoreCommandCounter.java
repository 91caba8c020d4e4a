package io.iotmanager.webhooks.adapter.mongo;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import io.iotmanager.webhooks.application.port.out.StoreMetrics;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Counts, at the driver, every command sent to the store and the documents each successful write
 * command reports: {@code insert} its {@code n}, {@code update} its {@code nModified} plus upserts,
 * {@code delete} its {@code n}, {@code findAndModify} its {@code lastErrorObject.n}. These are the wire
 * round trips, including the driver's own ({@code getMore}, {@code endSessions}); server monitoring
 * heartbeats are not commands of this listener.
 */
final class StoreCommandCounter implements CommandListener {
  private final StoreMetrics metrics;

  StoreCommandCounter(StoreMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void commandStarted(CommandStartedEvent event) {
    metrics.commandSent(event.getCommandName());
  }

  @Override
  public void commandSucceeded(CommandSucceededEvent event) {
    long written = documentsWritten(event.getCommandName(), event.getResponse());
    if (written > 0) {
      metrics.documentsWritten(written);
    }
  }

  static long documentsWritten(String command, BsonDocument response) {
    if (response == null) {
      return 0;
    }
    return switch (command) {
      case "insert", "delete" -> count(response.get("n"));
      case "update" -> count(response.get("nModified")) + upserts(response.get("upserted"));
      case "findAndModify", "findandmodify" -> response.get("lastErrorObject") instanceof BsonDocument last
          ? count(last.get("n")) : 0;
      default -> 0;
    };
  }

  private static long count(BsonValue value) {
    return value != null && value.isNumber() ? value.asNumber().longValue() : 0;
  }

  private static long upserts(BsonValue value) {
    return value instanceof BsonArray array ? array.size() : 0;
  }
}
