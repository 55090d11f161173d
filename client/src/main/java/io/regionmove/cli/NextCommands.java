package io.regionmove.cli;

import io.regionmove.model.Migration;
import io.regionmove.model.Phase;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The commands a person pastes next, built from the migration so they name the right app and
 * region.
 */
final class NextCommands {

  static final String PROGRAM = "regionmove";

  private NextCommands() {}

  static String base(Migration m) {
    return base(m.source(), m.app());
  }

  static String base(String region, String app) {
    return PROGRAM + " --region " + region + " --app " + app;
  }

  static String run(Migration m, String step) {
    return base(m) + " migration-run --" + step + " " + m.id();
  }

  /**
   * The command that runs the failed step again: {@code --data --live} when the data step that
   * failed was live mode's.
   */
  static String rerun(Migration m) {
    if (m.failedPhase() == null) {
      return run(m, "prepare");
    }
    boolean live =
        m.failedPhase() == Phase.DATA
            && m.steps().stream()
                .anyMatch(
                    s -> s.phase() == Phase.DATA && s.name().endsWith("can be replicated live"));
    return run(m, live ? "data --live" : m.failedPhase().wireName());
  }

  static String abort(Migration m) {
    return base(m) + " migration-abort " + m.id();
  }

  static String rollback(Migration m) {
    return base(m) + " migration-rollback " + m.id();
  }

  static String follow(String region, String app, String id) {
    return base(region, app) + " migration-follow " + id;
  }

  /** The migration-create command of {@code m}, with its {@code --manual-data} ids. */
  static String create(Migration m) {
    return create(m, List.of());
  }

  /**
   * The migration-create command of {@code m}, moving the data of {@code moreManual} by hand too.
   */
  static String create(Migration m, List<String> moreManual) {
    String rename =
        m.newName() != null && !m.newName().equals(m.app()) ? " --new-name " + m.newName() : "";
    Set<String> manual = new LinkedHashSet<>(m.manualData());
    manual.addAll(moreManual);
    StringBuilder command =
        new StringBuilder(base(m) + " migration-create --to " + m.destination() + rename);
    manual.forEach(id -> command.append(" --manual-data ").append(id));
    return command.toString();
  }
}
