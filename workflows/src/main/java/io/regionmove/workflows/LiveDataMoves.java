package io.regionmove.workflows;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.CutoverInput;
import io.regionmove.activities.CutoverResult;
import io.regionmove.activities.LiveCheckResult;
import io.regionmove.activities.LiveCopyResult;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.VerifyResult;
import io.regionmove.model.Addon;
import io.regionmove.model.FailureType;
import io.regionmove.model.MigrationRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The data step in live mode and its cutover (SPEC §9), for the PostgreSQL addons: replicated while
 * the source app keeps running, then cut over in about a second. Like {@link AddonMoves}, every
 * action registers its undo first; the undo that drops the source's publication and slots is
 * retried until the source answers.
 *
 * <p>While the migration is {@code data-replicating}, one long activity per addon heartbeats its
 * lag (Temporal Web shows it on the pending activity, the CLI under its step): heartbeats are not
 * history events, so days of replication keep the history small.
 */
final class LiveDataMoves {

  private final MigrationRequest request;
  private final MigrationCalls calls;
  private final Progress progress;
  private final Compensations compensations;
  private final List<Addon> replicated = new ArrayList<>();
  private final List<Addon> provisioned = new ArrayList<>();

  /** The replication back's publications and slots exist on the destination. */
  private boolean reversePrepared;

  /** The replication back exists (from the destination to the source, SPEC §10). */
  private boolean reversing;

  private CancellationScope watching;
  private final List<Promise<StepResult>> watches = new ArrayList<>();

  LiveDataMoves(
      MigrationRequest request,
      MigrationCalls calls,
      Progress progress,
      Compensations compensations) {
    this.request = request;
    this.calls = calls;
    this.progress = progress;
    this.compensations = compensations;
  }

  /**
   * Checks that every addon can be replicated live, then, for all at once, provisions it in the
   * destination and starts its replication; returns once every table's initial copy is done.
   */
  void start(List<Addon> addons) {
    List<Addon> moved = LiveReadiness.moved(addons, request.manualData());
    List<String> refused = LiveReadiness.refusals(moved);
    if (!refused.isEmpty()) {
      progress.errors().addAll(refused);
      throw ApplicationFailure.newNonRetryableFailure(
          String.join(" ", refused), FailureType.INVALID_REQUEST.name());
    }
    forEach(moved, this::check);
    replicated.clear();
    replicated.addAll(moved);
    provisioned.clear();
    provisioned.addAll(addons);
    forEach(addons, this::startOne);
  }

  /** Starts the lag watch of every replicated addon, in a scope {@link #stopWatching} cancels. */
  void watch() {
    watches.clear();
    watching =
        Workflow.newCancellationScope(
            () -> {
              for (Addon addon : replicated) {
                watches.add(Async.function(() -> watchOne(addon)));
              }
            });
    watching.run();
  }

  /** Asks the lag watches to stop, without waiting (from a handler). */
  void cancelWatching() {
    if (watching != null) {
      watching.cancel("replication watch ends");
    }
  }

  /** Stops the lag watches and waits for them to end. */
  void stopWatching() {
    if (watching == null) {
      return;
    }
    watching.cancel("replication watch ends");
    for (Promise<StepResult> watch : watches) {
      try {
        watch.get();
      } catch (ActivityFailure | CanceledFailure e) {
        // a watch that failed shows it in its own step line
      }
    }
    watching = null;
    watches.clear();
  }

  /**
   * The cutover up to the destination app's start: the full check at a consistent point while the
   * source still accepts writes; then the source's databases frozen and the destination caught up
   * and checked for what changed since, and the source app stopped ({@code stopSource}). Writes
   * stop being accepted at the freeze: what the catch-up needs (the regions' answers, sessions, the
   * subscription's health) is ready before it, and the app is stopped after it, so a catch-up that
   * finds a difference leaves the source app running. The replication is dropped by {@link #finish}
   * once the destination app runs: the source refuses writes by then, so nothing is left to
   * replicate, and the drops stay out of the time writes are refused. With {@code replicateBack},
   * the destination keeps every write it accepts from the catch-up on ({@link #prepareReverse}).
   *
   * @param beforeFreeze reads what an undo of {@code stopSource} needs, while writes go on
   */
  void cutOver(Runnable beforeFreeze, Runnable stopSource, boolean replicateBack) {
    Map<String, String> slots = new HashMap<>();
    forEach(replicated, addon -> slots.put(addon.id(), checkBeforeCutover(addon)));
    beforeFreeze.run();
    forEach(replicated, addon -> catchUp(addon, slots.get(addon.id())));
    if (!replicateBack) {
      stopSource.run();
      return;
    }
    // The slot back is made while the source app stops: both within the time writes are refused.
    Promise<Void> keeping = Async.procedure(this::prepareReverse);
    TemporalFailure first = null;
    try {
      stopSource.run();
    } catch (TemporalFailure e) {
      first = e;
    }
    try {
      keeping.get();
    } catch (TemporalFailure e) {
      first = first == null ? e : first;
    }
    if (first != null) {
      throw first;
    }
  }

  /** After the cutover: drops the subscriptions, then the source's publications and slots. */
  void finish() {
    forEach(replicated, this::dropReplication);
  }

  /**
   * Drops the replication of a live attempt that failed, before the stop-and-copy data step runs
   * instead (its restore would otherwise compete with the subscription).
   */
  void abandon() {
    forEach(replicated, this::dropReplication);
    replicated.clear();
  }

  // ---- the replication back, for a rollback (SPEC §10)

  /**
   * At the cutover, once the destination has caught up and before its app starts: the publication
   * and the slot on the destination that keep every write it accepts from then on.
   */
  void prepareReverse() {
    if (!reversePrepared) {
      forEach(replicated, this::prepareReverseOne);
      reversePrepared = true;
    }
  }

  /**
   * Once the forward replication is dropped: the subscription on the source that streams the
   * destination's writes from the slot {@link #prepareReverse} made.
   */
  void startReverse() {
    forEach(replicated, this::startReverseOne);
    reversing = true;
  }

  /** Whether every write the destination accepts comes back to the source (a rollback can run). */
  boolean reversing() {
    return reversing;
  }

  /**
   * The rollback's part of the data (the destination app is stopped): the destination's databases
   * refuse writes and the source has applied every write they committed; then each is verified.
   */
  void catchUpBack() {
    forEach(replicated, this::catchUpBackOne);
  }

  /**
   * Drops the replication back: the source's subscription, then the destination's publication and
   * slot. {@code untilDone} retries until the regions answer (a slot left fills the destination's
   * disk); otherwise a failure ends the step, to be run again.
   */
  void dropReverse(boolean untilDone) {
    forEach(replicated, addon -> dropReverseOne(addon, untilDone));
    reversing = false;
  }

  /** The inputs of the addons provisioned in the destination, in the order they were. */
  List<AddonInput> provisioned() {
    return provisioned.stream().map(this::input).toList();
  }

  /** The inputs of the addons whose data was replicated. */
  List<AddonInput> replicatedInputs() {
    return replicated.stream().map(this::input).toList();
  }

  /** Whether live mode replicates something of this migration. */
  boolean replicating() {
    return !replicated.isEmpty();
  }

  // ---- one addon

  /** The live preflight of one database: each check's line in the step, failures refuse. */
  private void check(Addon addon) {
    String src = request.source();
    String label = label(addon);
    List<String> failed =
        LiveReadiness.check(
            progress,
            calls.liveForward(src, "check live replication of " + label),
            input(addon),
            label);
    if (!failed.isEmpty()) {
      progress.errors().addAll(failed);
      throw ApplicationFailure.newNonRetryableFailure(
          String.join(" ", failed), FailureType.INVALID_REQUEST.name());
    }
  }

  private void startOne(Addon addon) {
    String src = request.source();
    String dst = request.destination();
    AddonInput input = input(addon);
    String label = label(addon);
    compensations.register(
        "deprovision-" + addon.id(),
        "Deprovision " + label + " in " + dst,
        () -> calls.undo(dst, "deprovision " + label).deprovisionAddon(input));
    progress.step(
        "Provision %s %s (version %s) in %s"
            .formatted(addon.provider(), addon.plan(), addon.version(), dst),
        () -> calls.region(dst, "provision " + label).provisionAddon(input));
    if (!replicated.contains(addon)) {
      // No data, or data the user moves by hand (--manual-data): provisioned empty.
      return;
    }
    compensations.register(
        "stop-replication-source-" + addon.id(),
        "Drop the publication and replication slots of " + label + " in " + src,
        () ->
            calls
                .liveUntilDone(src, "drop publication and slots of " + label)
                .stopReplicationSource(input));
    progress.step(
        "Allow " + label + " to be replicated from " + src,
        () -> calls.liveForward(src, "allow replication of " + label).allowReplication(input));
    compensations.register(
        "stop-replication-" + addon.id(),
        "Drop the subscription of " + label + " in " + dst,
        () -> calls.liveUndo(dst, "drop subscription of " + label).stopReplication(input));
    progress.step(
        "Copy " + label + " and start replicating it to " + dst,
        () -> calls.live(dst, "copy and replicate " + label).startReplication(input),
        LiveCopyResult::logs);
  }

  private StepResult watchOne(Addon addon) {
    String label = label(addon);
    return progress.step(
        "Replicate " + label + " (the app keeps running in " + request.source() + ")",
        () -> {
          try {
            return calls
                .liveWatch(request.destination(), "watch replication lag of " + label)
                .watchReplication(input(addon));
          } catch (ActivityFailure e) {
            if (e.getCause() instanceof CanceledFailure) {
              return StepResult.of("Replication of " + label + " watched until it ended");
            }
            throw e;
          } catch (CanceledFailure e) {
            return StepResult.of("Replication of " + label + " watched until it ended");
          }
        });
  }

  private String checkBeforeCutover(Addon addon) {
    String label = label(addon);
    LiveCheckResult result =
        progress.step(
            "Check " + label + " at a consistent point while the app still runs",
            () ->
                calls
                    .live(request.destination(), "check " + label + " before the cutover")
                    .verifyBeforeCutover(input(addon)),
            LiveCheckResult::logs);
    return result.verificationSlot();
  }

  private void catchUp(Addon addon, String verificationSlot) {
    String src = request.source();
    String label = label(addon);
    AddonInput input = input(addon);
    compensations.register(
        "unfreeze-database-" + addon.id(),
        "Let the database of " + label + " accept writes again",
        () -> calls.liveUndo(src, "unfreeze database of " + label).unfreezeSourceDatabase(input));
    progress.step(
        "Make the database of "
            + label
            + " refuse writes, then catch up: every committed write, the rows changed since the"
            + " check, sequences, large objects",
        () ->
            calls
                .live(request.destination(), "catch up " + label)
                .catchUp(new CutoverInput(input, verificationSlot)),
        CutoverResult::logs);
  }

  private void prepareReverseOne(Addon addon) {
    String dst = request.destination();
    String label = label(addon);
    AddonInput input = input(addon);
    compensations.register(
        "stop-reverse-replication-source-" + addon.id(),
        "Drop the publication and replication slot back of " + label + " in " + dst,
        () ->
            calls
                .liveUntilDone(dst, "drop publication and slot back of " + label)
                .stopReverseReplicationSource(input));
    progress.step(
        "Keep every write of the " + dst + " copy of " + label + " for a rollback",
        () ->
            calls
                .liveForward(dst, "publication and slot back of " + label)
                .prepareReverseReplication(input));
  }

  private void startReverseOne(Addon addon) {
    String src = request.source();
    String label = label(addon);
    AddonInput input = input(addon);
    compensations.register(
        "stop-reverse-replication-" + addon.id(),
        "Drop the subscription back of " + label + " in " + src,
        () ->
            calls
                .liveUndo(src, "drop subscription back of " + label)
                .stopReverseReplication(input));
    progress.step(
        "Replicate the writes of the "
            + request.destination()
            + " copy of "
            + label
            + " back to "
            + src
            + " (for a rollback)",
        () -> calls.live(src, "replicate back " + label).startReverseReplication(input));
  }

  private void catchUpBackOne(Addon addon) {
    String src = request.source();
    String dst = request.destination();
    String label = label(addon);
    AddonInput input = input(addon);
    progress.step(
        "Make the "
            + dst
            + " database of "
            + label
            + " refuse writes, then bring every write made there back to "
            + src
            + ": sequences, large objects",
        () -> calls.live(src, "catch up back " + label).catchUpBack(input),
        CutoverResult::logs);
    progress.step(
        "Verify "
            + label
            + " in "
            + src
            + " against its "
            + dst
            + " copy (row counts and"
            + " checksums)",
        () -> calls.data(src, "verify " + label + " back").verifyAddon(input.back()),
        VerifyResult::logs);
  }

  private void dropReverseOne(Addon addon, boolean untilDone) {
    String src = request.source();
    String dst = request.destination();
    String label = label(addon);
    AddonInput input = input(addon);
    progress.step(
        "Drop the subscription back of " + label + " in " + src,
        () ->
            (untilDone
                    ? calls.liveUntilDone(src, "drop subscription back of " + label)
                    : calls.liveForward(src, "drop subscription back of " + label))
                .stopReverseReplication(input));
    progress.step(
        "Drop the publication and replication slot back of " + label + " in " + dst,
        () ->
            (untilDone
                    ? calls.liveUntilDone(dst, "drop publication and slot back of " + label)
                    : calls.liveForward(dst, "drop publication and slot back of " + label))
                .stopReverseReplicationSource(input));
  }

  private void dropReplication(Addon addon) {
    String src = request.source();
    String dst = request.destination();
    String label = label(addon);
    AddonInput input = input(addon);
    progress.step(
        "Drop the subscription of " + label + " in " + dst,
        () -> calls.liveForward(dst, "drop subscription of " + label).stopReplication(input));
    progress.step(
        "Drop the publication and replication slots of " + label + " in " + src,
        () ->
            calls
                .liveForward(src, "drop publication and slots of " + label)
                .stopReplicationSource(input));
  }

  // ---- helpers

  private AddonInput input(Addon addon) {
    return new AddonInput(calls.move(), addon);
  }

  private static String label(Addon addon) {
    return addon.provider() + " addon " + addon.id();
  }

  /**
   * Runs {@code each} for every addon at the same time; waits for all, throws the first failure.
   */
  private static void forEach(List<Addon> addons, Consumer<Addon> each) {
    List<Promise<Void>> all = new ArrayList<>();
    for (Addon addon : addons) {
      all.add(Async.procedure(each::accept, addon));
    }
    RuntimeException first = null;
    for (Promise<Void> one : all) {
      try {
        one.get();
      } catch (TemporalFailure e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
