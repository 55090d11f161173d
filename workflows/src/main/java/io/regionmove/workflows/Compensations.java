package io.regionmove.workflows;

import io.regionmove.activities.StepResult;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The undo actions of a migration, in the order they were registered. Each is registered before its
 * action runs, under a key naming what it undoes, so that running a phase again after an error does
 * not register the same undo twice.
 */
final class Compensations {

  record Compensation(String key, String name, Supplier<StepResult> undo) {}

  private final Map<String, Compensation> registered = new LinkedHashMap<>();

  /**
   * Registers the undo of the action about to run. Once abort has cancelled the phase nothing new
   * is registered (the action is not started either), so abort undoes only what was done.
   */
  void register(String key, String name, Supplier<StepResult> undo) {
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("the migration is aborting");
    }
    registered.putIfAbsent(key, new Compensation(key, name, undo));
  }

  /** The undo actions, last registered first. */
  List<Compensation> inReverse() {
    List<Compensation> list = new ArrayList<>(registered.values());
    Collections.reverse(list);
    return list;
  }

  int size() {
    return registered.size();
  }
}
