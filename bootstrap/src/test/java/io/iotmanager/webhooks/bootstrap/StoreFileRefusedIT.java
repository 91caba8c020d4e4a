package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar on an embedded store file it cannot trust exits with the documented code 3, says which
 * file and what to do, and leaves the file exactly as it was.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StoreFileRefusedIT {
  @TempDir
  Path dir;

  @Test
  void anEmptyStoreFileStopsStartUpWithExitCode3AndIsLeftAlone() throws Exception {
    Path file = Files.createDirectories(dir.resolve("data")).resolve("iot-webhooks.mv.db");
    Files.createFile(file);
    assertRefused(file);
  }

  @Test
  void aStoreFileOfNoiseStopsStartUpWithExitCode3AndIsLeftAlone() throws Exception {
    Path file = Files.createDirectories(dir.resolve("data")).resolve("iot-webhooks.mv.db");
    byte[] noise = new byte[64 * 1024];
    new Random(3).nextBytes(noise);
    Files.write(file, noise);
    assertRefused(file);
  }

  private void assertRefused(Path file) throws Exception {
    byte[] before = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    try (JarProcess jar = JarProcess.start(Map.of("IOT_MANAGER_DATA_DIR", dir.resolve("data").toString()),
        List.of(), dir)) {
      assertEquals(ExitCode.STORE_FILE.code(), jar.waitForExit(Duration.ofSeconds(90)), jar.output());
      String output = jar.output();
      assertTrue(output.contains(file.toString()), output);
      assertTrue(output.contains("move it aside"), output);
    }
    assertArrayEquals(before, MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)),
        "the file was changed");
  }
}
