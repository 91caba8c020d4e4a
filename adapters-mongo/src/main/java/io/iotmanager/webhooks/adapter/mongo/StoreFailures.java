package io.iotmanager.webhooks.adapter.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.ErrorCategory;
import io.iotmanager.webhooks.application.ApplicationException;
import io.vertx.core.Future;

/**
 * Translates what the driver and the document mapping throw into {@link ApplicationException}s, inside
 * the adapter: an application exception passes unchanged, anything else means the store failed.
 */
final class StoreFailures {
  private StoreFailures() {}

  /** Fails like {@code operation}, with driver errors turned into {@code StoreUnavailable("store unavailable: <what>")}. */
  static <T> Future<T> guard(Future<T> operation, String what) {
    return operation.recover(error -> Future.failedFuture(translate(error, what)));
  }

  static ApplicationException translate(Throwable error, String what) {
    if (error instanceof ApplicationException applicationException) {
      return applicationException;
    }
    if (error instanceof StoredDocumentException) {
      return new ApplicationException.StoreUnavailable("store unavailable: " + what + ": " + error.getMessage(),
          error);
    }
    return new ApplicationException.StoreUnavailable("store unavailable: " + what, error);
  }

  /** True for MongoDB's duplicate key error (E11000), however the driver wraps it. */
  static boolean isDuplicateKey(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof MongoWriteException write && write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        return true;
      }
      if (t instanceof MongoBulkWriteException bulk
          && bulk.getWriteErrors().stream().anyMatch(e -> ErrorCategory.fromErrorCode(e.getCode())
              == ErrorCategory.DUPLICATE_KEY)) {
        return true;
      }
      if (t instanceof MongoCommandException command && command.getErrorCode() == 11000) {
        return true;
      }
    }
    return false;
  }

  /** True when a create command failed only because the thing already exists (a concurrent start-up). */
  static boolean isAlreadyExists(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof MongoCommandException command && command.getErrorCode() == 48) {
        return true;
      }
      if (t.getMessage() != null && t.getMessage().contains("already exists")) {
        return true;
      }
    }
    return false;
  }
}
