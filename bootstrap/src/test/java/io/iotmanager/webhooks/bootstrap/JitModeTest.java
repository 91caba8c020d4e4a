package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code webhooks_jit}'s values and what {@code auto} stands for; JitModeIT checks their effect on a jar. */
class JitModeTest {

  @Test
  void parsesTheThreeModesInAnyCase() {
    assertEquals(JitMode.AUTO, JitMode.parse("auto"));
    assertEquals(JitMode.QUICK, JitMode.parse(" Quick "));
    assertEquals(JitMode.TIERED, JitMode.parse("TIERED"));
    assertEquals("quick", JitMode.QUICK.toString());
  }

  @Test
  void anythingElseIsRejectedWithTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JitMode.parse("c2"));
    assertEquals("\"c2\" is not a JIT mode (expected auto, quick or tiered)", e.getMessage());
  }

  @Test
  void autoIsQuickOnAtMostTwoProcessorsAndTieredAbove() {
    assertEquals(JitMode.QUICK, JitMode.AUTO.resolve(1));
    assertEquals(JitMode.QUICK, JitMode.AUTO.resolve(2));
    assertEquals(JitMode.TIERED, JitMode.AUTO.resolve(3));
    assertEquals(JitMode.TIERED, JitMode.AUTO.resolve(64));
    assertEquals(JitMode.QUICK, JitMode.QUICK.resolve(64));
    assertEquals(JitMode.TIERED, JitMode.TIERED.resolve(1));
  }

  @Test
  void tieredAddsNoDirective() throws Exception {
    JitMode.TIERED.apply();
    String directives = JitMode.diagnosticCommand("compilerDirectivesPrint");
    assertTrue(directives.contains("matching: *.*"), directives);
    assertFalse(directives.contains("Exclude:true"), "no compiler excluded in this test JVM:\n" + directives);
  }
}
