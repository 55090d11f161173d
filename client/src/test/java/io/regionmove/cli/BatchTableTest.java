package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.model.Batch;
import io.regionmove.model.BatchEntry;
import io.regionmove.model.BatchState;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The batch's live table: what each row says, and how often plain output prints it. */
class BatchTableTest {

  private static final String ID_A = "11111111-1111-1111-1111-111111111111";
  private static final String ID_B = "22222222-2222-2222-2222-222222222222";
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Console plain =
      new Console(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream()),
          false);

  @Test
  void plainOutputPrintsARowWhenItsStatusChangesAndTheWholeTableAtTheEnd() {
    BatchTable table = new BatchTable(plain, 2);
    BatchEntry a = BatchEntry.waiting("app-a", ID_A);
    BatchEntry b = BatchEntry.waiting("app-b", ID_B);

    table.show(batch(a.running(AT), b), Map.of(ID_A, live(ID_A, MigrationStatus.RUNNING)));
    table.show(batch(a.running(AT), b), Map.of(ID_A, live(ID_A, MigrationStatus.RUNNING)));
    table.show(
        batch(a.running(AT).finished(MigrationStatus.DONE, null, AT), b.running(AT)), Map.of());
    Batch ended =
        batch(
            a.running(AT).finished(MigrationStatus.DONE, null, AT),
            b.running(AT).finished(MigrationStatus.ERROR, "Copy domains: HTTP 409", AT));
    table.finish(ended);

    assertEquals(
        List.of(
            "APP    MIGRATION ID                          STATUS",
            "app-a  " + ID_A + "  running prepare",
            "app-a  " + ID_A + "  done",
            "app-b  " + ID_B + "  starting",
            "",
            "APP    MIGRATION ID                          STATUS",
            "app-a  " + ID_A + "  done",
            "app-b  " + ID_B + "  error"),
        out.toString(StandardCharsets.UTF_8).lines().toList());
    assertEquals("1 done, 1 error, 0 aborted", ended.summary());
  }

  @Test
  void eachStateSaysWhereTheAppIs() {
    BatchEntry entry = BatchEntry.waiting("app-a", ID_A);
    assertEquals("waiting", BatchTable.status(entry, null));
    assertEquals("not started", BatchTable.status(entry.skipped(), null));
    assertEquals("starting", BatchTable.status(entry.running(AT), null));
    assertEquals(
        "prepared", BatchTable.status(entry.running(AT), live(ID_A, MigrationStatus.PREPARED)));
    assertEquals(
        "aborted",
        BatchTable.status(entry.running(AT).finished(MigrationStatus.ABORTED, null, AT), null));
    assertEquals("error", BatchTable.status(entry.running(AT).finished(null, "gone", AT), null));
  }

  @Test
  void aTerminalRedrawsTheTableInPlace() {
    Console terminal =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream()),
            true);
    BatchTable table = new BatchTable(terminal, 1);
    BatchEntry a = BatchEntry.waiting("app-a", ID_A);

    table.show(batch(a), Map.of());
    table.show(batch(a.running(AT)), Map.of());

    String shown = out.toString(StandardCharsets.UTF_8);
    assertTrue(shown.contains("\r\u001b[2A\u001b[J"), "moves up over the 2 lines drawn");
    assertTrue(shown.endsWith("app-a  " + ID_A + "  starting\n"), shown);
  }

  private static Batch batch(BatchEntry... entries) {
    return new Batch(
        "batch-33333333-3333-3333-3333-333333333333",
        "agora-fr1",
        "osc-fr1",
        Phase.FINALIZE,
        2,
        BatchState.RUNNING,
        List.of(entries),
        AT,
        null);
  }

  private static Migration live(String id, MigrationStatus status) {
    return new Migration(
        id,
        "app",
        "app",
        "agora-fr1",
        "osc-fr1",
        status,
        Phase.PREPARE,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        AT,
        null);
  }
}
