package io.regionmove.activities.data.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DumpWriterTest {

  private static final String DUMP =
      """
      -- Dumping data for table `t``q`
      --
      LOCK TABLES `t``q` WRITE;
      INSERT INTO `t``q` VALUES
      (1,'DEFINER=`a`@`%` stays: it is data'),
      (2,'Zoë 🎉\\n'),
      (3,NULL);
      UNLOCK TABLES;
      -- Dumping data for table `empty`
      --
      /*!50003 CREATE*/ /*!50017 DEFINER=`app``x`@`%`*/ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1 */;;
      CREATE DEFINER=`app`@`%` PROCEDURE `p`()
      /*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */
      -- Dump completed on 2026-01-01  0:00:00
      """;

  @Test
  void rewritesDefinersOfStatementsOnlyAndCountsRows() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DumpWriter writer = new DumpWriter(out);
    writer.copy(new ByteArrayInputStream(DUMP.getBytes(StandardCharsets.UTF_8)));
    String written = out.toString(StandardCharsets.UTF_8);

    assertTrue(written.contains("(1,'DEFINER=`a`@`%` stays: it is data'),"), written);
    assertTrue(written.contains("/*!50017 DEFINER=CURRENT_USER*/ /*!50003 TRIGGER tr"), written);
    assertTrue(written.contains("CREATE DEFINER=CURRENT_USER PROCEDURE `p`()"), written);
    assertTrue(written.contains("/*!50013 DEFINER=CURRENT_USER SQL SECURITY DEFINER */"), written);
    assertEquals(3, writer.definersRewritten());
    assertEquals(Map.of("t`q", 3L, "empty", 0L), writer.rowCounts());
    assertEquals(2, writer.tablesReached());
    assertTrue(writer.completed());
    assertEquals(out.size(), writer.written());
    assertEquals(
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(out.toByteArray())),
        writer.sha256());
    assertEquals(DUMP.replaceAll("DEFINER=`app(``x)?`@`%`", "DEFINER=CURRENT_USER"), written);
  }

  @Test
  void aDumpCutShortIsNotCompleteWhateverTheChunks() throws IOException {
    String cut = DUMP.substring(0, DUMP.indexOf("-- Dump completed"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DumpWriter writer = new DumpWriter(out);
    writer.copy(oneByteAtATime(cut.getBytes(StandardCharsets.UTF_8)));
    assertFalse(writer.completed());
    assertEquals(3L, writer.rowCounts().get("t`q"));
    assertEquals(
        cut.replaceAll("DEFINER=`app(``x)?`@`%`", "DEFINER=CURRENT_USER"),
        out.toString(StandardCharsets.UTF_8));
  }

  private static InputStream oneByteAtATime(byte[] bytes) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(1, len));
      }
    };
  }
}
