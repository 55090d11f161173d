package io.regionmove.activities.data.mysql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes mariadb-dump's output into a backup's archive as it comes, in one pass that:
 *
 * <ul>
 *   <li>rewrites the {@code DEFINER=`user`@`host`} of views, triggers, routines and events to
 *       {@code DEFINER=CURRENT_USER}: the destination addon's user may not create objects for
 *       another user (that takes SUPER), and after the restore the objects are its own;
 *   <li>counts each table's rows: mariadb-dump writes one row per line, each starting with {@code
 *       (}, after an {@code INSERT INTO `t` VALUES} line, until one ends with {@code ;};
 *   <li>notes the closing {@code -- Dump completed} line: an archive without it is not whole;
 *   <li>digests what it writes (SHA-256), so the archive need not be read again for its manifest.
 * </ul>
 *
 * Row lines are written as they are, without being looked into beyond their first and last byte;
 * only the short statement lines around them are read, and only a statement line is rewritten.
 */
final class DumpWriter {

  /** Longer lines are data, written through unread. */
  private static final int MAX_STATEMENT_LINE = 1 << 20;

  private static final Pattern DEFINER = Pattern.compile("DEFINER=`(?:[^`]|``)*`@`(?:[^`]|``)*`");
  private static final String TABLE_DATA = "-- Dumping data for table `";
  private static final String COMPLETED = "-- Dump completed";

  private final OutputStream out;
  private final MessageDigest digest;
  private final Map<String, Long> rows = new LinkedHashMap<>();
  private final AtomicLong written = new AtomicLong();
  private final AtomicInteger tables = new AtomicInteger();
  private volatile boolean completed;

  private byte[] line = new byte[4096];
  private int lineLength;
  private boolean atLineStart = true;
  private boolean passing;
  private boolean rowLine;
  private byte lastByte;
  private boolean inInsert;
  private String table;
  private long tableRows;
  private int definers;

  DumpWriter(OutputStream out) {
    this.out = out;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no SHA-256", e);
    }
  }

  /** Copies {@code in} to its end, then flushes (the caller closes the output). */
  void copy(InputStream in) throws IOException {
    byte[] buffer = new byte[1 << 16];
    int n;
    while ((n = in.read(buffer)) > 0) {
      write(buffer, 0, n);
    }
    if (lineLength > 0) {
      endStatementLine();
    }
    endTable();
    out.flush();
  }

  /** Bytes written so far. */
  long written() {
    return written.get();
  }

  /** Tables whose data has been reached so far. */
  int tablesReached() {
    return tables.get();
  }

  /** Hex SHA-256 of everything written; once {@link #copy} has returned. */
  String sha256() {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Whether the dump's closing line went through. */
  boolean completed() {
    return completed;
  }

  /** Definer clauses rewritten. */
  int definersRewritten() {
    return definers;
  }

  /** Rows per table, for the tables whose data the dump held. */
  Map<String, Long> rowCounts() {
    return Map.copyOf(rows);
  }

  private void write(byte[] b, int off, int len) throws IOException {
    int i = off;
    int end = off + len;
    while (i < end) {
      if (atLineStart) {
        atLineStart = false;
        rowLine = inInsert && b[i] == '(';
        passing = rowLine;
        if (rowLine) {
          tableRows++;
        }
      }
      int newline = indexOf(b, (byte) '\n', i, end);
      int stop = newline < 0 ? end : newline + 1;
      if (passing) {
        emit(b, i, stop - i);
        if (newline >= 0) {
          byte before = newline > i ? b[newline - 1] : lastByte;
          if (rowLine && before == ';') {
            inInsert = false;
          }
          atLineStart = true;
          lastByte = '\n';
        } else {
          lastByte = b[end - 1];
        }
      } else {
        append(b, i, stop - i);
        if (newline >= 0) {
          endStatementLine();
          atLineStart = true;
        } else if (lineLength > MAX_STATEMENT_LINE) {
          emit(line, 0, lineLength);
          lastByte = line[lineLength - 1];
          lineLength = 0;
          passing = true;
        }
      }
      i = stop;
    }
  }

  private void endStatementLine() throws IOException {
    String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
    lineLength = 0;
    if (text.startsWith(TABLE_DATA)) {
      endTable();
      table = tableName(text.substring(TABLE_DATA.length()));
      tables.incrementAndGet();
    } else if (text.startsWith("INSERT INTO ")) {
      inInsert = !text.stripTrailing().endsWith(";");
    } else if (text.startsWith(COMPLETED)) {
      completed = true;
    } else if (text.contains("DEFINER=")) {
      Matcher matcher = DEFINER.matcher(text);
      StringBuilder rewritten = new StringBuilder();
      while (matcher.find()) {
        matcher.appendReplacement(rewritten, "DEFINER=CURRENT_USER");
        definers++;
      }
      matcher.appendTail(rewritten);
      text = rewritten.toString();
    }
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    emit(bytes, 0, bytes.length);
    lastByte = bytes.length == 0 ? lastByte : bytes[bytes.length - 1];
  }

  private void emit(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    digest.update(b, off, len);
    written.addAndGet(len);
  }

  private void endTable() {
    if (table != null) {
      rows.merge(table, tableRows, Long::sum);
    }
    table = null;
    tableRows = 0;
    inInsert = false;
  }

  /** {@code name`\n} as mariadb-dump quotes it (a backtick doubled), in UTF-8. */
  private static String tableName(String rest) {
    int close = rest.lastIndexOf('`');
    String quoted = close < 0 ? rest.strip() : rest.substring(0, close);
    byte[] raw = quoted.replace("``", "`").getBytes(StandardCharsets.ISO_8859_1);
    return new String(raw, StandardCharsets.UTF_8);
  }

  private void append(byte[] b, int off, int len) {
    if (lineLength + len > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + len));
    }
    System.arraycopy(b, off, line, lineLength, len);
    lineLength += len;
  }

  private static int indexOf(byte[] b, byte value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
