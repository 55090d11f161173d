package io.regionmove.model;

import java.time.Instant;
import java.util.List;

/**
 * What a migration is and where it stands: the answer of the {@code status} query and of every
 * update. It carries names and counts only, never a secret.
 *
 * @param failedPhase the phase that ended in error, which the user may run again
 * @param errors one sentence per failed step of the last phase
 * @param checks the failed preflight checks, one sentence each
 * @param url the destination app's URL once finalized
 * @param scheduled the step waiting for its time ({@code migration-run --at}), or null
 * @param addons the source app's addons with how their data moves, once preflight has read them
 * @param manualData ids of the addons whose data the user moves by hand ({@code --manual-data})
 */
public record Migration(
    String id,
    String app,
    String newName,
    String source,
    String destination,
    MigrationStatus status,
    Phase phase,
    Phase failedPhase,
    List<Step> steps,
    List<String> errors,
    List<String> checks,
    String url,
    List<CnameChange> cnames,
    String abortReason,
    Instant startedAt,
    Instant finishedAt,
    ScheduledStep scheduled,
    List<Addon> addons,
    List<String> manualData) {

  /** A migration with no step scheduled. */
  public Migration(
      String id,
      String app,
      String newName,
      String source,
      String destination,
      MigrationStatus status,
      Phase phase,
      Phase failedPhase,
      List<Step> steps,
      List<String> errors,
      List<String> checks,
      String url,
      List<CnameChange> cnames,
      String abortReason,
      Instant startedAt,
      Instant finishedAt) {
    this(
        id,
        app,
        newName,
        source,
        destination,
        status,
        phase,
        failedPhase,
        steps,
        errors,
        checks,
        url,
        cnames,
        abortReason,
        startedAt,
        finishedAt,
        null,
        null,
        null);
  }

  public Migration {
    steps = steps == null ? List.of() : List.copyOf(steps);
    errors = errors == null ? List.of() : List.copyOf(errors);
    checks = checks == null ? List.of() : List.copyOf(checks);
    cnames = cnames == null ? List.of() : List.copyOf(cnames);
    addons = addons == null ? List.of() : List.copyOf(addons);
    manualData = manualData == null ? List.of() : List.copyOf(manualData);
  }

  /** A migration whose addons are not known. */
  public Migration(
      String id,
      String app,
      String newName,
      String source,
      String destination,
      MigrationStatus status,
      Phase phase,
      Phase failedPhase,
      List<Step> steps,
      List<String> errors,
      List<String> checks,
      String url,
      List<CnameChange> cnames,
      String abortReason,
      Instant startedAt,
      Instant finishedAt,
      ScheduledStep scheduled) {
    this(
        id,
        app,
        newName,
        source,
        destination,
        status,
        phase,
        failedPhase,
        steps,
        errors,
        checks,
        url,
        cnames,
        abortReason,
        startedAt,
        finishedAt,
        scheduled,
        null,
        null);
  }

  /**
   * The addons that hold data this migration leaves to the user to move ({@code --manual-data}).
   */
  public List<Addon> addonsMovedByHand() {
    return addons.stream().filter(a -> a.holdsData() && manualData.contains(a.id())).toList();
  }

  /** The addons that hold data no engine moves and that the user has not named in --manual-data. */
  public List<Addon> addonsRefused() {
    return addons.stream()
        .filter(a -> a.handling() == DataHandling.MANUAL && !manualData.contains(a.id()))
        .toList();
  }
}
