package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code webhooks_jit}'s values; JitModeIT checks their effect on a running jar. */
class JitModeTest {

  @Test
  void parsesTheTwoModesInAnyCase() {
    assertEquals(JitMode.QUICK, JitMode.parse(" Quick "));
    assertEquals(JitMode.TIERED, JitMode.parse("TIERED"));
    assertEquals("quick", JitMode.QUICK.toString());
  }

  @Test
  void anythingElseIsRejectedWithTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JitMode.parse("c2"));
    assertEquals("\"c2\" is not a JIT mode (expected quick or tiered)", e.getMessage());
  }

  @Test
  void tieredAddsNoDirective() throws Exception {
    JitMode.TIERED.apply();
    String directives = JitMode.diagnosticCommand("compilerDirectivesPrint");
    assertTrue(directives.contains("matching: *.*"), directives);
    assertFalse(directives.contains("Exclude:true"), "no compiler excluded in this test JVM:\n" + directives);
  }
}
