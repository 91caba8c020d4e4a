package io.iotmanager.webhooks.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * README's configuration table and the table of keys in {@link ConfigKeys} say the same: every key of the
 * one is in the other, with the same default and meaning, in the same order. When this fails, the message
 * holds the table to paste into README.md.
 */
class ConfigTableTest {
  private static final Path README = Path.of("..", "README.md");
  private static final String SECTION = "## Configuration";
  private static final String HEADER = "| key | default | meaning |";

  /** The rows of README's configuration table, by key. */
  private static Map<String, String> readmeRows() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int section = lines.indexOf(SECTION);
    assertTrue(section >= 0, "README.md has no \"" + SECTION + "\" section");
    int header = lines.subList(section, lines.size()).indexOf(HEADER);
    assertTrue(header >= 0, "README.md's configuration section has no table headed " + HEADER);
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : lines.subList(section + header + 2, lines.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      // the first cell, without its backquotes: a row that is not a key shows up as an unknown key
      String name = line.substring(1, line.indexOf('|', 1)).trim().replace("`", "");
      assertFalse(rows.containsKey(name), "README.md lists " + name + " twice");
      rows.put(name, line);
    }
    return rows;
  }

  private static Map<String, String> tableRows() {
    Map<String, String> rows = new LinkedHashMap<>();
    ConfigKeys.ALL.forEach(key -> rows.put(key.name(), key.readmeRow()));
    return rows;
  }

  private static String expectedTable() {
    return HEADER + "\n|---|---|---|\n" + String.join("\n", tableRows().values());
  }

  @Test
  void everyKeyOfTheTableIsInTheReadmeWithItsDefaultAndMeaning() throws IOException {
    Map<String, String> readme = readmeRows();
    List<String> wrong = new ArrayList<>();
    tableRows().forEach((name, row) -> {
      if (!row.equals(readme.get(name))) {
        wrong.add(name);
      }
    });
    assertTrue(wrong.isEmpty(), () -> "README.md is missing or differs on " + wrong
        + "; its configuration table should read:\n" + expectedTable());
  }

  @Test
  void everyKeyOfTheReadmeIsInTheTable() throws IOException {
    List<String> unknown = readmeRows().keySet().stream()
        .filter(name -> !ConfigLoader.KEYS.contains(name)).collect(Collectors.toList());
    assertTrue(unknown.isEmpty(), () -> "README.md documents keys the service does not read: " + unknown
        + "; its configuration table should read:\n" + expectedTable());
  }

  @Test
  void theReadmeListsTheKeysInTheTablesOrder() throws IOException {
    assertEquals(List.copyOf(tableRows().keySet()), List.copyOf(readmeRows().keySet()), () ->
        "README.md's configuration table should read:\n" + expectedTable());
  }

  @Test
  void everyDefaultIsValidAndIsWhatTheLoaderUses() {
    for (ConfigKey<?> key : ConfigKeys.ALL) {
      Object fromDefault = key.defaultValue();
      Object configured = key.parser().parse(key.defaultText());
      assertEquals(fromDefault, configured, key.name());
      // Setting a key to its documented default changes nothing.
      assertEquals(ServiceConfig.defaults(),
          ConfigLoader.load(Optional.empty(), Map.of(key.environmentVariable(), key.defaultText())), key.name());
    }
  }
}
