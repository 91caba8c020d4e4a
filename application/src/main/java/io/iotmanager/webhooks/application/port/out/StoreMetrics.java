package io.iotmanager.webhooks.application.port.out;

/**
 * Counts what the store adapter sends to the database, for {@code GET /metrics}: commands (round trips)
 * and the documents they wrote, so an operator (and the benchmark) can see what delivery costs the store.
 * Called from the database driver's threads: implementations are cheap, thread-safe and never fail.
 */
public interface StoreMetrics {
  /** One command was sent to the store; {@code command} is its name ({@code insert}, {@code update}, {@code find}, …). */
  void commandSent(String command);

  /** A command succeeded and reported {@code documents} documents inserted, modified, upserted or deleted. */
  void documentsWritten(long documents);

  /** A sink that records nothing, for tests and tools. */
  StoreMetrics NONE = new StoreMetrics() {
    @Override
    public void commandSent(String command) {}

    @Override
    public void documentsWritten(long documents) {}
  };
}
