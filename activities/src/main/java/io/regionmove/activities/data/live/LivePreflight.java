package io.regionmove.activities.data.live;

import static io.regionmove.activities.data.live.LiveFailures.guard;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.CheckResult;
import io.regionmove.model.Check;
import io.regionmove.regionapi.ReplicationSource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of live mode on one source database, each saying what regionmove will do or why live
 * mode is refused (and that the stop-and-copy {@code --data} remains).
 */
final class LivePreflight {

  private static final String STOP_AND_COPY = "use migration-run --data (stop and copy) instead";

  private final LiveRegions regions;
  private final LiveOptions options;

  LivePreflight(LiveRegions regions, LiveOptions options) {
    this.regions = regions;
    this.options = options;
  }

  CheckResult run(AddonInput input) {
    String addonId = input.addon().id();
    String prefix = "Live mode, addon " + addonId + ": ";
    return guard(
        () -> {
          List<Check> checks = new ArrayList<>();
          ReplicationSource report =
              regions.source(input).getReplicationSource(input.move().app(), addonId);
          checks.add(
              "logical".equals(report.walLevel())
                  ? Check.passed("live " + addonId + " wal_level")
                  : Check.failed(
                      "live " + addonId + " wal_level",
                      prefix
                          + "wal_level is "
                          + report.walLevel()
                          + ", logical replication needs logical; "
                          + STOP_AND_COPY
                          + "."));
          boolean room = report.freeReplicationSlots() >= 2 && report.freeWalSenders() >= 1;
          checks.add(
              room
                  ? new Check(
                      "live " + addonId + " slots",
                      true,
                      prefix
                          + report.freeReplicationSlots()
                          + " free replication slots, "
                          + report.freeWalSenders()
                          + " free WAL senders (2 and 1 needed).")
                  : Check.failed(
                      "live " + addonId + " slots",
                      prefix
                          + report.freeReplicationSlots()
                          + " free replication slots and "
                          + report.freeWalSenders()
                          + " free WAL senders, 2 and 1 needed; "
                          + STOP_AND_COPY
                          + "."));
          try (Connection c = Sql.connect(regions.sourceUrl(input))) {
            List<LiveTable> tables = LiveCatalog.tables(c);
            List<String> keyless =
                tables.stream().filter(t -> !t.hasKey()).map(t -> t.name().toString()).toList();
            checks.add(
                keyless.isEmpty()
                    ? Check.passed("live " + addonId + " keys")
                    : Check.failed(
                        "live " + addonId + " keys",
                        prefix
                            + "tables without a primary key or replica identity index (their"
                            + " updates and deletes cannot be replicated): "
                            + String.join(", ", keyless)
                            + "; add one, or "
                            + STOP_AND_COPY
                            + "."));
            List<String> unlogged =
                tables.stream().filter(LiveTable::unlogged).map(t -> t.name().toString()).toList();
            checks.add(
                unlogged.isEmpty()
                    ? Check.passed("live " + addonId + " unlogged")
                    : Check.failed(
                        "live " + addonId + " unlogged",
                        prefix
                            + "unlogged tables (not in the WAL, so not replicated): "
                            + String.join(", ", unlogged)
                            + "; make them logged, or "
                            + STOP_AND_COPY
                            + "."));
            int count = LiveCatalog.largeObjects(c).size();
            long bytes = count == 0 ? 0 : LiveCatalog.largeObjectBytes(c);
            if (count == 0) {
              checks.add(Check.passed("live " + addonId + " large objects"));
            } else if (bytes <= options.largeObjectLimit()) {
              checks.add(
                  new Check(
                      "live " + addonId + " large objects",
                      true,
                      prefix
                          + count
                          + " large objects ("
                          + Lag.humanBytes(bytes)
                          + ") are not replicated: the cutover copies them while writes are"
                          + " refused."));
            } else {
              checks.add(
                  Check.failed(
                      "live " + addonId + " large objects",
                      prefix
                          + count
                          + " large objects ("
                          + Lag.humanBytes(bytes)
                          + ") would be copied while writes are refused, more than the "
                          + Lag.humanBytes(options.largeObjectLimit())
                          + " live mode copies; "
                          + STOP_AND_COPY
                          + "."));
            }
          }
          return new CheckResult(checks);
        });
  }
}
