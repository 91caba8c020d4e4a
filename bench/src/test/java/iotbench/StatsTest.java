package iotbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void percentilesByNearestRank() {
    double[] sorted = Stats.sorted(new double[] {5, 1, 4, 2, 3, 10, 9, 8, 7, 6});
    assertEquals(1, Stats.percentile(sorted, 0));
    assertEquals(1, Stats.percentile(sorted, 10));
    assertEquals(5, Stats.percentile(sorted, 50));
    assertEquals(10, Stats.percentile(sorted, 99));
    assertEquals(10, Stats.percentile(sorted, 100));
    assertTrue(Double.isNaN(Stats.percentile(new double[0], 50)));
  }

  @Test
  void sortedLeavesItsInputAlone() {
    double[] values = {3, 1, 2};
    assertEquals(1, Stats.sorted(values)[0]);
    assertEquals(3, values[0]);
  }

  @Test
  void medianOfOddAndEvenSamples() {
    assertEquals(2, Stats.median(new double[] {3, 1, 2}));
    assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
    assertTrue(Double.isNaN(Stats.median(new double[0])));
  }

  @Test
  void numbersAreShownWithSensiblePrecision() {
    assertEquals("n/a", Stats.fmt(Double.NaN));
    assertEquals("1064", Stats.fmt(1064.4));
    assertEquals("2", Stats.fmt(2.0));
    assertEquals("12.3", Stats.fmt(12.34));
    assertEquals("0.0290", Stats.fmt(0.029));
    assertEquals("2.85", Stats.fmt(2.8512));
  }
}
