package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.iotmanager.webhooks.application.ApplicationException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.FileSystemException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a start-up failure's chain of causes picks its exit code, and the one line that describes it. */
class ExitCodeTest {
  @Test
  void codesAreDistinctAndStable() {
    Set<Integer> codes = new HashSet<>();
    Arrays.stream(ExitCode.values()).forEach(c -> codes.add(c.code()));
    assertEquals(ExitCode.values().length, codes.size());
    assertEquals(0, ExitCode.OK.code());
    assertEquals(1, ExitCode.FAILURE.code());
    assertEquals(2, ExitCode.INVALID_CONFIG.code());
    assertEquals(3, ExitCode.STORE_FILE.code());
    assertEquals(4, ExitCode.PORT_IN_USE.code());
    assertEquals(5, ExitCode.STORE_UNREACHABLE.code());
    assertEquals(6, ExitCode.DATA_DIR.code());
  }

  @Test
  void theMostSpecificCauseAlongTheChainDecides() {
    assertEquals(ExitCode.INVALID_CONFIG, ExitCode.of(new RuntimeException(new InvalidConfigException("listen: x"))));
    assertEquals(ExitCode.INVALID_CONFIG, ExitCode.of(new IllegalArgumentException("mongo_url: bad scheme")));
    assertEquals(ExitCode.PORT_IN_USE, ExitCode.of(new RuntimeException(new BindException("Address already in use"))));
    assertEquals(ExitCode.PORT_IN_USE, ExitCode.of(new RuntimeException(
        "bind(..) failed: Address already in use")));
    assertEquals(ExitCode.DATA_DIR, ExitCode.of(storeUnavailable(new UncheckedIOException(
        "Cannot create the data directory /x", new FileSystemException("/x")))));
    assertEquals(ExitCode.DATA_DIR, ExitCode.of(storeUnavailable(new IllegalStateException(
        "The embedded MongoDB store file /x/iot-webhooks.mv.db is locked by another process"))));
    assertEquals(ExitCode.STORE_FILE, ExitCode.of(storeUnavailable(new IllegalStateException("File corrupted"))));
    assertEquals(ExitCode.STORE_UNREACHABLE, ExitCode.of(new ApplicationException.StoreUnavailable(
        "store unavailable: cannot open mongodb://db, database x", new com.mongodb.MongoTimeoutException("timed out"))));
    assertEquals(ExitCode.FAILURE, ExitCode.of(new IllegalStateException("something else")));
  }

  @Test
  void theDescriptionIsOneLineWithTheCausesThatAddSomething() {
    String line = ExitCode.describe(new RuntimeException("outer: inner",
        new IllegalStateException("inner", new IllegalStateException("root\ncause"))));
    assertEquals("outer: inner: root cause", line);
    assertFalse(line.contains("\n"));
  }

  private static Throwable storeUnavailable(Throwable cause) {
    return new ApplicationException.StoreUnavailable(
        "store unavailable: the embedded server cannot start in /x: " + cause.getMessage(), cause);
  }
}
