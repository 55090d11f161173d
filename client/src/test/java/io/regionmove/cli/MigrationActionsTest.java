package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.model.CnameChange;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.Step;
import io.regionmove.model.StepStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines scripts and tests rely on (SPEC §3), and the exit code of each outcome. */
class MigrationActionsTest {

  private static final String ID = "0b6a3f8e-3c1e-4d2a-9d7e-1f2a3b4c5d6e";

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Console console =
      new Console(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          false);
  private final MigrationActions actions = new MigrationActions(null, console, false);

  @Test
  void preparedSuggestsDataThenFinalize() {
    assertEquals(0, actions.report(migration(MigrationStatus.PREPARED, null, List.of())));
    String text = out();
    assertEquals(
        String.join(
            "\n",
            "Application on region 'osc-fr1' has been prepared, you can now:",
            "- Let us migrate your data to 'osc-fr1' newly created databases with:",
            "  regionmove --region agora-fr1 --app my-app migration-run --data " + ID,
            "- Handle data migration manually, then finalizing the migration with:",
            "  regionmove --region agora-fr1 --app my-app migration-run --finalize " + ID,
            ""),
        text.replace(System.lineSeparator(), "\n"));
  }

  @Test
  void errorListsTheFailuresTheRerunAndTheAbortAndExits1() {
    int code =
        actions.report(
            migration(MigrationStatus.ERROR, Phase.DATA, List.of("Restore addon: disk full")));
    assertEquals(1, code);
    String text = out();
    assertTrue(text.contains("The migration failed because of the following errors:"));
    assertTrue(text.contains("  - Restore addon: disk full"));
    assertTrue(text.contains("migration-run --data " + ID));
    assertTrue(text.contains("migration-abort " + ID));
    assertEquals(1, err().strip().lines().count(), err());
  }

  @Test
  void replicatingSaysTheAppKeepsRunningGivesTheLagAndTheFinalizeCommand() {
    Migration replicating =
        new Migration(
            ID,
            "my-app",
            "my-app",
            "agora-fr1",
            "osc-fr1",
            MigrationStatus.DATA_REPLICATING,
            Phase.DATA,
            null,
            List.of(
                new Step(
                    5,
                    Phase.DATA,
                    "Copy postgresql addon ad-1 and start replicating it to osc-fr1",
                    StepStatus.DONE,
                    List.of("Replication of addon ad-1 runs: every table ready, 4.0 kB behind"),
                    Instant.now(),
                    Instant.now())),
            List.of(),
            List.of(),
            null,
            List.of(),
            null,
            Instant.now(),
            null);

    assertEquals(0, actions.report(replicating));

    String text = out();
    assertTrue(
        text.contains(
            "Data is being replicated to the 'osc-fr1' region; the app keeps running in"
                + " 'agora-fr1'."),
        text);
    assertTrue(text.contains("Replication lag: Replication of addon ad-1 runs"), text);
    assertTrue(
        text.contains("regionmove --region agora-fr1 --app my-app migration-run --finalize " + ID),
        text);
  }

  @Test
  void aFailedLiveDataStepIsRunAgainLive() {
    Migration failed =
        new Migration(
            ID,
            "my-app",
            "my-app",
            "agora-fr1",
            "osc-fr1",
            MigrationStatus.ERROR,
            Phase.DATA,
            Phase.DATA,
            List.of(
                new Step(
                    5,
                    Phase.DATA,
                    "Check that postgresql addon ad-1 can be replicated live",
                    StepStatus.DONE,
                    List.of(),
                    Instant.now(),
                    Instant.now())),
            List.of("Live mode, addon ad-1: unlogged tables: public.cache"),
            List.of(),
            null,
            List.of(),
            null,
            Instant.now(),
            null);

    assertEquals(1, actions.report(failed));

    assertTrue(out().contains("migration-run --data --live " + ID), out());
  }

  @Test
  void doneGivesTheUrlAndTheCnameChanges() {
    Migration done =
        new Migration(
            ID,
            "my-app",
            "my-app",
            "agora-fr1",
            "osc-fr1",
            MigrationStatus.DONE,
            Phase.FINALIZE,
            null,
            List.of(),
            List.of(),
            List.of(),
            "http://my-app.osc-fr1.localhost:8702/",
            List.of(new CnameChange("my-app.example.com", "my-app.osc-fr1.localhost")),
            null,
            Instant.now(),
            Instant.now());
    assertEquals(0, actions.report(done));
    assertTrue(
        out()
            .contains(
                "Your application is now available at: http://my-app.osc-fr1.localhost:8702/"));
    assertTrue(
        out()
            .contains(
                "CNAME record of my-app.example.com should be changed to my-app.osc-fr1.localhost"));
  }

  @Test
  void doneOffersTheRollbackUntilTheRedirectWindowEnds() {
    assertEquals(0, actions.report(finalized(MigrationStatus.DONE, Phase.FINALIZE, null)));
    assertTrue(out().contains("Until the redirect window ends, you can roll back with:"));
    assertTrue(
        out().contains("regionmove --region agora-fr1 --app my-app migration-rollback " + ID));
  }

  @Test
  void doneAfterTheRedirectWindowNoLongerOffersTheRollback() {
    assertEquals(0, actions.report(finalized(MigrationStatus.DONE, Phase.CLEANUP, null)));
    assertFalse(out().contains("migration-rollback"), out());
  }

  @Test
  void rolledBackSaysWhereTheAppRunsAgainAndExits0() {
    Migration rolledBack =
        finalized(
            MigrationStatus.ROLLED_BACK, Phase.ROLLBACK, "http://my-app.agora-fr1.localhost:8701/");

    assertEquals(0, actions.report(rolledBack));

    assertEquals(
        "The migration '"
            + ID
            + "' has been rolled back: my-app runs again in 'agora-fr1' at"
            + " http://my-app.agora-fr1.localhost:8701/",
        out().strip());
    assertEquals("", err());
  }

  @Test
  void aFailedRollbackOffersToRunItAgainAndNoAbort() {
    int code =
        actions.report(
            migration(
                MigrationStatus.ERROR,
                Phase.ROLLBACK,
                List.of("Restore postgresql addon ad-1 in agora-fr1: disk full")));

    assertEquals(1, code);
    assertTrue(out().contains("  - Restore postgresql addon ad-1 in agora-fr1: disk full"));
    assertTrue(
        out().contains("regionmove --region agora-fr1 --app my-app migration-rollback " + ID));
    assertTrue(out().contains("a rollback cannot be aborted"), out());
    assertFalse(out().contains("migration-abort"), out());
    assertEquals(
        "The rollback step of migration "
            + ID
            + " failed: Restore postgresql addon ad-1 in"
            + " agora-fr1: disk full.",
        err().strip());
  }

  @Test
  void abortedOffersTheCreateCommandWithTheNewName() {
    Migration aborted =
        new Migration(
            ID,
            "my-app",
            "renamed",
            "agora-fr1",
            "osc-fr1",
            MigrationStatus.ABORTED,
            Phase.ABORT,
            null,
            List.of(),
            List.of(),
            List.of(),
            null,
            List.of(),
            "asked by the user",
            Instant.now(),
            Instant.now());
    assertEquals(0, actions.report(aborted));
    assertTrue(out().contains("The migration '" + ID + "' has been aborted"));
    assertTrue(
        out()
            .contains(
                "regionmove --region agora-fr1 --app my-app migration-create --to osc-fr1 --new-name renamed"));
  }

  @Test
  void plainProgressPrintsEachEndedStepOnceWithItsLogs() {
    ProgressPrinter progress = new ProgressPrinter(console, 0);
    Step running =
        new Step(
            1,
            Phase.PREPARE,
            "Freeze source app my-app",
            StepStatus.RUNNING,
            List.of(),
            Instant.now(),
            null);
    Step done =
        new Step(
            1,
            Phase.PREPARE,
            "Freeze source app my-app",
            StepStatus.DONE,
            List.of("Froze it."),
            Instant.now(),
            Instant.now());
    progress.update(withSteps(List.of(running)));
    progress.update(withSteps(List.of(done)));
    progress.update(withSteps(List.of(done)));
    assertEquals("  [done] Freeze source app my-app\n      Froze it.\n", out());
  }

  private static Migration withSteps(List<Step> steps) {
    return new Migration(
        ID,
        "my-app",
        "my-app",
        "agora-fr1",
        "osc-fr1",
        MigrationStatus.RUNNING,
        Phase.PREPARE,
        null,
        steps,
        List.of(),
        List.of(),
        null,
        List.of(),
        null,
        Instant.now(),
        null);
  }

  private static Migration finalized(MigrationStatus status, Phase phase, String url) {
    return new Migration(
        ID,
        "my-app",
        "my-app",
        "agora-fr1",
        "osc-fr1",
        status,
        phase,
        null,
        List.of(),
        List.of(),
        List.of(),
        url == null ? "http://my-app.osc-fr1.localhost:8702/" : url,
        List.of(),
        null,
        Instant.now(),
        Instant.now());
  }

  private static Migration migration(MigrationStatus status, Phase failed, List<String> errors) {
    return new Migration(
        ID,
        "my-app",
        "my-app",
        "agora-fr1",
        "osc-fr1",
        status,
        Phase.PREPARE,
        failed,
        List.of(),
        errors,
        List.of(),
        null,
        List.of(),
        null,
        Instant.now(),
        null);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
