package io.regionmove.model;

import java.util.List;

/**
 * The input of one batch workflow: migrate {@code apps} from {@code source} to {@code destination},
 * at most {@code concurrency} at once, each driven through the step {@code through}.
 *
 * @param batchId the batch workflow's id, {@code batch-<uuid>}
 * @param through {@link Phase#PREPARE}, {@link Phase#DATA} or {@link Phase#FINALIZE}: the last step
 *     each migration is driven through (each earlier step runs first)
 * @param live the live data mode of the data step (SPEC §9); carried to each migration's driver
 * @param settings the settings every migration of the batch is created with
 */
public record BatchRequest(
    String batchId,
    List<String> apps,
    String source,
    String destination,
    int concurrency,
    Phase through,
    boolean live,
    MigrationSettings settings) {

  /**
   * The most apps one batch may hold. Each migration stays a child of the batch while the batch
   * runs (and migrations stay open through their redirect window), and Temporal refuses more than
   * 2,000 pending children per workflow by default; 1,000 also keeps the batch's history near
   * 12,000 events, well under Temporal's limits, so a batch never needs {@code continueAsNew}.
   */
  public static final int MAX_APPS = 1000;

  public static final int DEFAULT_CONCURRENCY = 2;

  public BatchRequest {
    apps = apps == null ? List.of() : List.copyOf(apps);
    through = through == null ? Phase.FINALIZE : through;
    settings = settings == null ? MigrationSettings.defaults() : settings;
  }

  /** Why this request cannot run, or null when it can. */
  public String refusal() {
    if (apps.isEmpty()) {
      return "the batch names no app";
    }
    if (apps.size() > MAX_APPS) {
      return "a batch holds at most " + MAX_APPS + " apps, this one has " + apps.size();
    }
    if (apps.stream().distinct().count() != apps.size()) {
      return "the batch names an app more than once";
    }
    if (concurrency < 1) {
      return "the concurrency must be at least 1, not " + concurrency;
    }
    if (through != Phase.PREPARE && through != Phase.DATA && through != Phase.FINALIZE) {
      return "a batch drives migrations through prepare, data or finalize, not " + through;
    }
    return null;
  }
}
