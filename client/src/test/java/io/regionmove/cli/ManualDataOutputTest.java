package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.model.Addon;
import io.regionmove.model.AddonPlan;
import io.regionmove.model.CnameChange;
import io.regionmove.model.DataHandling;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.MovePlan;
import io.regionmove.model.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the commands print about addons whose data regionmove does not move (SPEC §8), and how a dry
 * run words its plan (SPEC §10).
 */
class ManualDataOutputTest {

  private static final String ID = "0b6a3f8e-3c1e-4d2a-9d7e-1f2a3b4c5d6e";
  private static final Addon DATABASE =
      new Addon("ad-pg", "postgresql", "starter-512", "15", DataHandling.ENGINE);
  private static final Addon DOCUMENTS =
      new Addon("ad-mongo", "mongodb", "starter-512", "7", DataHandling.MANUAL);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Console console =
      new Console(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          false);
  private final MigrationActions actions = new MigrationActions(null, console, false);

  @Test
  void dataStepWithAManualAddonNeverSaysDataHasBeenMigrated() {
    assertEquals(
        0,
        actions.report(
            migration(
                MigrationStatus.DATA_MIGRATED, List.of(DATABASE, DOCUMENTS), List.of("ad-mongo"))));

    String text = out.toString(StandardCharsets.UTF_8);
    assertFalse(text.contains("Data has been migrated"), text);
    assertTrue(
        text.contains(
            "The data of the other addons has been migrated to the 'osc-fr1' region; these addons"
                + " were provisioned empty:\n"
                + "Move the data of addon mongodb ad-mongo by hand: regionmove could not.\n"),
        text);
    assertTrue(text.contains("migration-run --finalize " + ID), text);
  }

  @Test
  void dataStepWithEveryAddonMovedSaysDataHasBeenMigrated() {
    actions.report(migration(MigrationStatus.DATA_MIGRATED, List.of(DATABASE), List.of()));

    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("Data has been migrated to the 'osc-fr1' region\n"), text);
    assertFalse(text.contains("by hand"), text);
  }

  @Test
  void dataStepWhereTheUserMovesEveryDatabaseSaysNoDataWasMoved() {
    actions.report(
        migration(
            MigrationStatus.DATA_MIGRATED,
            List.of(DATABASE, DOCUMENTS),
            List.of("ad-mongo", "ad-pg")));

    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        text.startsWith(
            "No addon data was moved by regionmove to the 'osc-fr1' region; these addons were"
                + " provisioned empty:\n"
                + "Move the data of addon postgresql ad-pg by hand: you chose to with"
                + " --manual-data.\n"
                + "Move the data of addon mongodb ad-mongo by hand: regionmove could not.\n"),
        text);
  }

  @Test
  void finalizeRemindsWhichDataToMoveByHand() {
    actions.report(
        migration(MigrationStatus.DONE, List.of(DATABASE, DOCUMENTS), List.of("ad-mongo")));

    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        text.contains(
            "CNAME record of my-app.example.com should be changed to my-app.osc-fr1.localhost\n"
                + "Move the data of addon mongodb ad-mongo by hand: regionmove could not.\n"),
        text);
  }

  @Test
  void refusedCreateGivesTheCommandWithManualData() {
    Migration refused =
        migration(MigrationStatus.PREFLIGHT_ERROR, List.of(DATABASE, DOCUMENTS), List.of());
    refused =
        withChecks(
            refused, List.of("Addon mongodb ad-mongo holds data that regionmove cannot move."));

    assertEquals(1, actions.reportCreate(refused));

    assertEquals(
        "The migration cannot go ahead:\n"
            + "  - Addon mongodb ad-mongo holds data that regionmove cannot move.\n"
            + "To move that addon's data by hand (the destination addon is provisioned empty),"
            + " create the migration with:\n"
            + "  regionmove --region agora-fr1 --app my-app migration-create --to osc-fr1"
            + " --manual-data ad-mongo\n",
        out.toString(StandardCharsets.UTF_8));
    assertEquals(
        "The migration cannot go ahead: Addon mongodb ad-mongo holds data that regionmove cannot"
            + " move.\n",
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void abortedOffersTheCreateCommandWithItsManualData() {
    actions.report(
        migration(MigrationStatus.ABORTED, List.of(DATABASE, DOCUMENTS), List.of("ad-mongo")));

    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .contains(
                "  regionmove --region agora-fr1 --app my-app migration-create --to osc-fr1"
                    + " --manual-data ad-mongo\n"));
  }

  @Test
  void dryRunWordsEachAddonAndTheEstimate() {
    MovePlan plan =
        new MovePlan(
            List.of(),
            List.of(
                new AddonPlan(DATABASE, DataHandling.ENGINE, 3L << 30, Duration.ofSeconds(54)),
                new AddonPlan(DOCUMENTS, DataHandling.MANUAL, -1, null),
                new AddonPlan(
                    new Addon("ad-log", "papertrail", "free", "1", DataHandling.NONE),
                    DataHandling.NONE,
                    -1,
                    null)),
            Duration.ofSeconds(18),
            Duration.ofSeconds(54));

    assertEquals(
        "postgresql ad-pg (starter-512, version 15): 3.0 GB, moved by regionmove (backup,"
            + " restore, verify), about 54 s",
        DryRunReport.describe(plan.addons().get(0), List.of()));
    assertEquals(
        "mongodb ad-mongo (starter-512, version 7): holds data that regionmove cannot move:"
            + " refused unless you move its data by hand (--manual-data ad-mongo)",
        DryRunReport.describe(plan.addons().get(1), List.of()));
    assertEquals(
        "mongodb ad-mongo (starter-512, version 7): holds data that regionmove cannot move,"
            + " provisioned empty: you move its data by hand (--manual-data)",
        DryRunReport.describe(plan.addons().get(1), List.of("ad-mongo")));
    assertEquals(
        "postgresql ad-pg (starter-512, version 15): 3.0 GB, provisioned empty: you chose to move"
            + " its data by hand (--manual-data)",
        DryRunReport.describe(
            new AddonPlan(DATABASE, DataHandling.MANUAL, 3L << 30, null), List.of("ad-pg")));
    assertEquals(
        "papertrail ad-log (free, version 1): holds no data, provisioned only",
        DryRunReport.describe(plan.addons().get(2), List.of()));
    assertEquals(
        "Estimated data step: about 54 s (3.0 GB at 18 s per GB, the source app stopped"
            + " meanwhile).",
        DryRunReport.estimate(plan));
    assertEquals(
        "Estimated data step: about 54 s (3.0 GB at 18 s per GB, the source app running meanwhile"
            + " and replicated until you finalize).",
        DryRunReport.estimate(plan, true));
    assertEquals("812 bytes", DryRunReport.size(812));
    assertEquals("7.9 MB", DryRunReport.size(8_283_000));
    assertEquals("3 min 20 s", DryRunReport.duration(Duration.ofSeconds(200)));
    assertEquals("2 h 5 min", DryRunReport.duration(Duration.ofMinutes(125)));
  }

  private static Migration migration(
      MigrationStatus status, List<Addon> addons, List<String> manualData) {
    return new Migration(
        ID,
        "my-app",
        "my-app",
        "agora-fr1",
        "osc-fr1",
        status,
        Phase.DATA,
        null,
        List.of(),
        List.of(),
        List.of(),
        "http://my-app.osc-fr1.localhost:8702/",
        List.of(new CnameChange("my-app.example.com", "my-app.osc-fr1.localhost")),
        null,
        Instant.now(),
        null,
        null,
        addons,
        manualData);
  }

  private static Migration withChecks(Migration m, List<String> checks) {
    return new Migration(
        m.id(),
        m.app(),
        m.newName(),
        m.source(),
        m.destination(),
        m.status(),
        m.phase(),
        m.failedPhase(),
        m.steps(),
        m.errors(),
        checks,
        null,
        List.of(),
        null,
        m.startedAt(),
        m.finishedAt(),
        null,
        m.addons(),
        m.manualData());
  }
}
