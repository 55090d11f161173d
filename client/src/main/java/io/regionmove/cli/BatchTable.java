package io.regionmove.cli;

import io.regionmove.model.Batch;
import io.regionmove.model.BatchEntry;
import io.regionmove.model.BatchOutcome;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live table of a batch: one row per app (app, migration id, status). A terminal redraws the
 * whole table in place while it fits ({@link #MAX_REDRAWN} rows); otherwise each row is printed
 * when its status changes (apps still waiting are not printed), and {@link #finish} prints the
 * whole table once at the end.
 */
final class BatchTable {

  static final int MAX_REDRAWN = 40;
  static final String WAITING = "waiting";

  private final Console console;
  private final boolean redraw;
  private final Map<String, String> shown = new HashMap<>();
  private int drawnLines;
  private boolean headerPrinted;

  BatchTable(Console console, int rows) {
    this.console = console;
    this.redraw = console.isTerminal() && rows <= MAX_REDRAWN;
  }

  /** Shows the batch; {@code live} holds the current status of the migrations being driven. */
  void show(Batch batch, Map<String, Migration> live) {
    int width = appWidth(batch.entries());
    if (redraw) {
      StringBuilder out = new StringBuilder();
      if (drawnLines > 0) {
        out.append("\r\u001b[").append(drawnLines).append("A\u001b[J");
      }
      out.append(header(width)).append('\n');
      for (BatchEntry entry : batch.entries()) {
        out.append(row(width, entry, status(entry, live.get(entry.migrationId())), batch))
            .append('\n');
      }
      console.out().print(out);
      console.out().flush();
      drawnLines = batch.entries().size() + 1;
      return;
    }
    for (BatchEntry entry : batch.entries()) {
      String status = status(entry, live.get(entry.migrationId()));
      if (status.equals(shown.getOrDefault(entry.app(), WAITING))) {
        continue;
      }
      if (!headerPrinted) {
        console.println(header(width));
        headerPrinted = true;
      }
      shown.put(entry.app(), status);
      console.println(row(width, entry, status, batch));
    }
  }

  /** The final table: redrawn on a terminal, printed whole otherwise. */
  void finish(Batch batch) {
    if (redraw) {
      show(batch, Map.of());
      return;
    }
    int width = appWidth(batch.entries());
    if (headerPrinted) {
      console.println();
    }
    console.println(header(width));
    for (BatchEntry entry : batch.entries()) {
      console.println(row(width, entry, status(entry, null), batch));
    }
  }

  /** What the status column says of one app. */
  static String status(BatchEntry entry, Migration live) {
    return switch (entry.state()) {
      case WAITING -> WAITING;
      case SKIPPED -> "not started";
      case RUNNING -> {
        if (live == null) {
          yield "starting";
        }
        yield live.status() == MigrationStatus.RUNNING
            ? "running " + live.phase()
            : live.status().wireName();
      }
      case FINISHED -> entry.status() == null ? "error" : entry.status().wireName();
    };
  }

  private String row(int width, BatchEntry entry, String status, Batch batch) {
    BatchOutcome outcome = entry.outcome(batch.through());
    String painted =
        outcome == null
            ? status
            : switch (outcome) {
              case DONE -> console.green(status);
              case ERROR -> console.red(status);
              case ABORTED -> console.yellow(status);
            };
    return String.format("%-" + width + "s  %-36s  %s", entry.app(), entry.migrationId(), painted);
  }

  private static String header(int width) {
    return String.format("%-" + width + "s  %-36s  %s", "APP", "MIGRATION ID", "STATUS");
  }

  private static int appWidth(List<BatchEntry> entries) {
    return Math.max(3, entries.stream().mapToInt(e -> e.app().length()).max().orElse(3));
  }
}
