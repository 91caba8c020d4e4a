package io.iotmanager.webhooks.adapter.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.ErrorCategory;
import io.iotmanager.webhooks.application.ApplicationException;
import io.iotmanager.webhooks.domain.DomainValidationException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Translates what the driver and the document mapping throw into {@link ApplicationException}s, inside
 * the adapter: an application exception or invalid input ({@link DomainValidationException}, e.g. a key
 * that does not decrypt the stored secrets) passes unchanged, anything else means the store failed.
 */
final class StoreFailures {
  /**
   * How long one store operation may take. The driver bounds finding a server ({@code
   * serverSelectionTimeoutMS}) but, without a socket timeout, not waiting for the answer on an open
   * connection: a store that accepts and never answers held a request (an intake call among them)
   * forever. Past this bound the operation fails with {@code StoreUnavailable} (503); the server may still
   * apply a write afterwards, which at-least-once delivery allows (the caller retries: a duplicate event,
   * never a lost one, and never a 202 for an event not stored).
   */
  static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(10);

  private StoreFailures() {}

  /**
   * Fails like {@code operation}, or with a timeout after {@link #OPERATION_TIMEOUT}, with driver errors
   * turned into {@code StoreUnavailable("store unavailable: <what>")}.
   */
  static <T> Future<T> guard(Future<T> operation, String what) {
    return operation.timeout(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .recover(error -> Future.failedFuture(translate(error, what)));
  }

  /**
   * Fails like {@code operation}, with driver errors translated, but without a time bound: for intake's
   * inserts, which must not be reported failed while they may still be applied. Their number is bounded
   * by intake's admission control ({@code intake_max_writes}), so a store that never answers holds only
   * those calls; every other intake call is answered 503 at once, and {@code /health} fails.
   */
  static <T> Future<T> awaited(Future<T> operation, String what) {
    return operation.recover(error -> Future.failedFuture(translate(error, what)));
  }

  static RuntimeException translate(Throwable error, String what) {
    if (error instanceof ApplicationException || error instanceof DomainValidationException) {
      return (RuntimeException) error;
    }
    if (error instanceof TimeoutException) {
      return new ApplicationException.StoreUnavailable("store unavailable: " + what + ": no answer within "
          + OPERATION_TIMEOUT.toMillis() + " ms", error);
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

  /**
   * True when a bulk write failed only on duplicate keys (documents already there): what a migration
   * run again, or by two instances at once, meets.
   */
  static boolean onlyDuplicateKeys(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof MongoBulkWriteException bulk) {
        return !bulk.getWriteErrors().isEmpty() && bulk.getWriteConcernError() == null
            && bulk.getWriteErrors().stream()
                .allMatch(e -> ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY);
      }
    }
    return isDuplicateKey(error);
  }

  /**
   * True when creating an index failed because an index with that name or those keys exists with other
   * options (codes 85, 86) or already exists (68): another instance, or the Go service, made it.
   */
  static boolean isIndexConflict(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof MongoCommandException command
          && (command.getErrorCode() == 85 || command.getErrorCode() == 86 || command.getErrorCode() == 68)) {
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
